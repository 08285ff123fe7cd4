import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { messageKeys, redisKeys } from '@simple/contracts';
import { freePort, startServiceOnFreshPorts, type ServiceProcess, skipUnless, toolAvailable } from '@simple/testkit';
import { UserStore } from '@simple/users';
import { Redis } from 'ioredis';
import { UdpSipReceiver } from './udp-sip-receiver.js';

/** sipsak resolves the host of its target URI: an IP literal as the domain needs no DNS. */
const DOMAIN = '127.0.0.1';
const PASSWORD = 'pw-' + randomBytes(6).toString('hex');
const SECRET = randomBytes(16).toString('hex');
/** startService's wait for /readyz: generous, a loaded CI box has taken over 20 s to start the edge. */
const STARTUP_MS = 60_000;


const TAG = randomBytes(4).toString('hex');
// Names of our own in the shared domain, removed afterwards.
const ALICE = `sipsak-alice-${TAG}`;
const BOB = `sipsak-bob-${TAG}`;
const BODY = `Hello Bob, this is sipsak ${TAG}\r\n`;

const sipsakAvailable = (): boolean => toolAvailable('sipsak');

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly out: string;
}

/** Runs sipsak in `cwd`; SIGKILLed after `timeoutMs`. */
function sipsak(args: readonly string[], cwd: string, timeoutMs: number): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn('sipsak', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('latin1')));
    child.stderr.on('data', (d: Buffer) => (out += d.toString('latin1')));
    const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(t);
      resolve({ code, signal, out });
    });
  });
}

/**
 * The raw MESSAGE for `sipsak -f` (as the peers kit's sipsak/message.sip):
 * sipsak 0.9.8.1's own `-M` segfaults. `-G` fills `$port$` with the port it
 * listens on, `-g` fills `$replace$`.
 */
const MESSAGE_SIP = [
  `MESSAGE sip:${BOB}@${DOMAIN} SIP/2.0`,
  'Via: SIP/2.0/UDP 127.0.0.1:$port$;branch=z9hG4bK-sipsak-msg-$replace$;rport',
  'Max-Forwards: 70',
  `From: <sip:${ALICE}@${DOMAIN}>;tag=msg1`,
  `To: <sip:${BOB}@${DOMAIN}>`,
  'Call-ID: sipsak-message-$replace$@127.0.0.1',
  'CSeq: 1 MESSAGE',
  'Content-Type: text/plain',
  `Content-Length: ${Buffer.byteLength(BODY)}`,
  '',
  BODY,
].join('\r\n');

/**
 * Issue 6, "Done when": sipsak sends a MESSAGE that arrives. sip-edge and
 * message-router as processes; the recipient is the test's UDP UAS
 * (registers through the edge, answers 200). sipsak is challenged (407),
 * resends with credentials (and, against RFC 3261 §8.1.1.7, the same Via
 * branch: see the server transaction key in @simple/sip-transaction) and
 * exits 0 on the 200.
 */
describe('MESSAGE from sipsak through sip-edge and message-router', { skip: skipUnless(sipsakAvailable(), 'sipsak is not installed') }, () => {
  let redis: Redis;
  let users: UserStore;
  let edge: ServiceProcess;
  let router: ServiceProcess;
  let sipPort: number;
  let addedDomain = false;
  const dir = mkdtempSync(join(tmpdir(), 'mr-sipsak-'));

  before(async () => {
    redis = new Redis('redis://127.0.0.1:6379');
    users = new UserStore(redis);
    addedDomain = !(await users.isLocalDomain(DOMAIN));
    await users.addDomain(DOMAIN);
    for (const u of [ALICE, BOB]) await users.addUser(`${u}@${DOMAIN}`, PASSWORD);
    edge = await startServiceOnFreshPorts('sip-edge', async () => {
      sipPort = await freePort();
      return {
        SIMPLE_EDGE_ID: `mr-sipsak-${TAG}`,
        SIMPLE_SIP_LISTEN: '127.0.0.1',
        SIMPLE_SIP_UDP_PORT: String(sipPort),
        SIMPLE_SIP_TCP_PORT: String(sipPort),
        SIMPLE_SIP_TRANSPORTS: 'udp,tcp',
        SIMPLE_AUTH_SECRET: SECRET,
        // Room for a slow delivery on a loaded box: the router's delivery timeout must stay below it.
        SIMPLE_SERVICE_TIMEOUT_MS: '8000',
      };
    }, STARTUP_MS);
    router = await startServiceOnFreshPorts('message-router', async () => ({ SIMPLE_MESSAGE_DELIVERY_TIMEOUT_MS: '6000' }), STARTUP_MS);
    writeFileSync(join(dir, 'message.sip'), MESSAGE_SIP);
  });

  after(async () => {
    await router?.stop();
    await edge?.stop();
    for (const u of [ALICE, BOB]) {
      const aor = `${u}@${DOMAIN}`;
      await users.removeUser(aor);
      await redis.del(redisKeys.bindings(aor), messageKeys.pending(aor), messageKeys.deliveryLock(aor));
      await redis.zrem(redisKeys.bindingExpiry(), aor);
    }
    // Others may have users in 127.0.0.1 (DOMAIN_NOT_EMPTY): then it stays.
    if (addedDomain) await users.removeDomain(DOMAIN).catch(() => undefined);
    await redis.quit();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sipsak -f message.sip with digest: 407, then 200 from the registered recipient, which got the MESSAGE once', { timeout: 60_000 }, async () => {
    const rx = await UdpSipReceiver.open();
    try {
      assert.equal(await rx.register(BOB, DOMAIN, PASSWORD, sipPort), 200);
      // -S -l: send from the port it listens on; -i: no Via of its own (the file has one); -G/-g: fill $port$ and $replace$.
      // When its port was taken between freePort() and its bind, sipsak exits before sending anything: run it again.
      let run: Run;
      for (let attempt = 1; ; attempt++) {
        const port = await freePort();
        run = await sipsak(
          ['-vv', '-S', '-i', '-G', '-l', String(port), '-f', 'message.sip', '-g', TAG, '-s', `sip:${BOB}@${DOMAIN}:${sipPort}`, '-u', ALICE, '-a', PASSWORD],
          dir,
          20_000,
        );
        if (attempt >= 3 || !/binding failed: Address already in use/.test(run.out)) break;
      }
      const diag = `sipsak exit ${run.code} ${run.signal ?? ''}:\n${run.out.slice(-6000)}\n--- edge ---\n${edge.output()}\n--- router ---\n${router.output()}`;
      assert.equal(run.code, 0, diag);
      // sipsak's word for answering the edge's 407 (with -vv it does not print the 407 itself).
      assert.match(run.out, /^authorizing$/m, diag);
      assert.match(run.out, /SIP\/2\.0 200 OK/, diag);
      assert.equal(rx.messages.length, 1, diag);
      const m = rx.messages[0];
      assert.ok(m);
      assert.equal(m.callId, `sipsak-message-${TAG}@127.0.0.1`);
      assert.equal(m.body, BODY);
      assert.equal(m.request.from.uri.toString(), `sip:${ALICE}@${DOMAIN}`);
      assert.equal(m.request.to.uri.toString(), `sip:${BOB}@${DOMAIN}`);
      assert.equal(rx.duplicates, 0);
    } finally {
      await rx.close();
    }
  });
});
