import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { messageKeys, redisKeys } from '@simple/contracts';
import { LocationStore } from '@simple/location';
import { freePort, runSipp, sippAvailable, startService, type ServiceProcess, type SippRun, skipUnless } from '@simple/testkit';
import { UserStore } from '@simple/users';
import { Redis } from 'ioredis';
import { UdpSipReceiver } from './udp-sip-receiver.js';

const scenario = (name: string): string => fileURLToPath(new URL(`../sipp/${name}`, import.meta.url));
const domain = `mr-e2e-${randomBytes(4).toString('hex')}.test`;
const PASSWORD = 'pw-' + randomBytes(6).toString('hex');
const SECRET = randomBytes(16).toString('hex');
const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'gina', 'hank', 'ivan', 'judy', 'kate'];

// Rate and quota above what the SIGKILL test sends (10 MESSAGE/s from one sender, 80 stored).
const ROUTER_ENV = { SIMPLE_MESSAGE_DELIVERY_TIMEOUT_MS: '1500', SIMPLE_MESSAGE_RATE_PER_SENDER: '1000', SIMPLE_MESSAGE_BURST_PER_SENDER: '1000', SIMPLE_MESSAGE_QUOTA: '1000' };

/**
 * The Call-IDs of the requests that got a 202, from SIPp's -trace_msg file:
 * entries separated by dashed lines, each "UDP message received ..." followed
 * by the message.
 */
function callIdsAnswered202(trace: string): Set<string> {
  const ids = new Set<string>();
  for (const entry of trace.split(/\n-{10,}[^\n]*\n/)) {
    if (!/message received/.test(entry) || !/^SIP\/2\.0 202 /m.test(entry)) continue;
    const id = /^(?:Call-ID|i):\s*(\S+)/im.exec(entry)?.[1];
    if (id !== undefined) ids.add(id);
  }
  return ids;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('message-router end to end (sip-edge and message-router processes, real NATS and Redis, SIPp)', { skip: skipUnless(sippAvailable(), 'sipp is not installed') }, () => {
  let redis: Redis;
  let users: UserStore;
  let edge: ServiceProcess;
  let router: ServiceProcess;
  let routerOps: number;
  let sipPort: number;

  before(async () => {
    redis = new Redis('redis://127.0.0.1:6379');
    users = new UserStore(redis);
    await users.addDomain(domain);
    for (const u of USERS) await users.addUser(`${u}@${domain}`, PASSWORD);
    sipPort = await freePort();
    edge = await startService(
      'sip-edge',
      {
        SIMPLE_EDGE_ID: `mr-e2e-${randomBytes(3).toString('hex')}`,
        SIMPLE_SIP_LISTEN: '127.0.0.1',
        SIMPLE_SIP_UDP_PORT: String(sipPort),
        SIMPLE_SIP_TCP_PORT: String(sipPort),
        SIMPLE_SIP_TRANSPORTS: 'udp,tcp',
        SIMPLE_AUTH_SECRET: SECRET,
      },
      await freePort(),
    );
    routerOps = await freePort();
    router = await startService('message-router', ROUTER_ENV, routerOps);
  });

  after(async () => {
    await router?.stop();
    await edge?.stop();
    for (const u of USERS) {
      const aor = `${u}@${domain}`;
      await users.removeUser(aor);
      await redis.del(redisKeys.bindings(aor), messageKeys.pending(aor), messageKeys.deliveryLock(aor));
      await redis.zrem(redisKeys.bindingExpiry(), aor);
    }
    await users.removeDomain(domain);
    await redis.quit();
  });

  const diag = (run: SippRun): string => `${run.stderr}\n${run.stdout}\n--- edge ---\n${edge.output()}\n--- router ---\n${router.output()}`;

  /** A SIPp sender: -s is the sender (and its digest user), `to` the recipient. */
  const send = (file: string, from: string, to: string): Promise<SippRun> =>
    runSipp({
      scenario: scenario(file),
      target: `127.0.0.1:${sipPort}`,
      transport: 'u1',
      calls: 1,
      rate: 1,
      timeoutSec: 20,
      extraArgs: ['-s', from, '-au', from, '-ap', PASSWORD, '-set', 'domain', domain, '-set', 'to', to],
    });

  /** A SIPp receiver: registers, then answers every MESSAGE 200 for 8 s. */
  const receive = (user: string): Promise<SippRun> =>
    runSipp({
      scenario: scenario('uac-register-then-receive-messages.xml'),
      target: `127.0.0.1:${sipPort}`,
      transport: 'u1',
      calls: 1,
      rate: 1,
      timeoutSec: 25,
      extraArgs: ['-s', user, '-au', user, '-ap', PASSWORD, '-set', 'domain', domain, '-oocsf', scenario('ooc-answer-message-200.xml')],
    });

  async function until(what: string, cond: () => Promise<boolean>, ms = 8_000): Promise<void> {
    const end = Date.now() + ms;
    while (!(await cond())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await sleep(100);
    }
  }

  const locations = (): LocationStore => new LocationStore({ redis });

  it('MESSAGE to a registered user - delivered through the edge, the sender gets 200', { timeout: 60_000 }, async () => {
    const receiver = receive('bob');
    await until('bob to register', async () => (await locations().lookup(`bob@${domain}`)).length > 0);
    const sent = await send('uac-message-expect-200.xml', 'alice', 'bob');
    assert.equal(sent.code, 0, diag(sent));
    const got = await receiver;
    assert.equal(got.code, 0, diag(got));
  });

  it('MESSAGE to an offline user - 202, stored, delivered when the user registers, then removed', { timeout: 60_000 }, async () => {
    const aor = `carol@${domain}`;
    const sent = await send('uac-message-expect-202.xml', 'alice', 'carol');
    assert.equal(sent.code, 0, diag(sent));
    assert.equal(await redis.xlen(messageKeys.pending(aor)), 1, 'the message is stored');
    const receiver = receive('carol');
    // Removed only after the receiver's 200 (SIPp's out-of-call scenario answers it).
    await until('the stored message to be delivered', async () => (await redis.xlen(messageKeys.pending(aor))) === 0, 12_000);
    const got = await receiver;
    assert.equal(got.code, 0, diag(got));
  });

  it('an oversize MESSAGE over UDP - 513 Message Too Large', { timeout: 60_000 }, async () => {
    const sent = await send('uac-message-oversize-expect-513.xml', 'alice', 'dave');
    assert.equal(sent.code, 0, diag(sent));
    assert.equal(await redis.exists(messageKeys.pending(`dave@${domain}`)), 0);
  });

  it('is-composing to an offline user - 480, never stored', { timeout: 60_000 }, async () => {
    const sent = await send('uac-iscomposing-expect-480.xml', 'alice', 'erin');
    assert.equal(sent.code, 0, diag(sent));
    assert.equal(await redis.exists(messageKeys.pending(`erin@${domain}`)), 0);
  });

  it('metrics - simple_message_router_messages_total counts the results', { timeout: 10_000 }, async () => {
    const text = await (await fetch(`http://127.0.0.1:${routerOps}/metrics`)).text();
    for (const result of ['delivered', 'stored', 'too_large', 'offline']) {
      assert.match(text, new RegExp(`simple_message_router_messages_total\\{result="${result}"\\} [1-9]`), text.slice(0, 2000));
    }
    assert.equal((await fetch(`http://127.0.0.1:${routerOps}/healthz`)).status, 200);
  });

  it('SIGKILL - a router killed while storing loses no MESSAGE answered 202: all delivered when the user registers', { timeout: 120_000 }, async () => {
    const aor = `frank@${domain}`;
    const dir = mkdtempSync(join(tmpdir(), 'mr-sigkill-'));
    const traceFile = join(dir, 'messages.log');
    let receiver: UdpSipReceiver | undefined;
    try {
      // A steady stream: 10 MESSAGE/s for 10 s to an offline user; SIPp traces every message it sends and receives.
      const sending = runSipp({
        scenario: scenario('uac-message-numbered-expect-202.xml'),
        target: `127.0.0.1:${sipPort}`,
        transport: 'u1',
        calls: 100,
        rate: 10,
        timeoutSec: 40,
        extraArgs: ['-s', 'alice', '-au', 'alice', '-ap', PASSWORD, '-set', 'domain', domain, '-set', 'to', 'frank', '-trace_msg', '-message_file', traceFile],
      });
      await until('some messages to be stored', async () => (await redis.xlen(messageKeys.pending(aor))) >= 20, 20_000);
      // No drain: the process dies between (or inside) requests.
      await router.kill();
      await sleep(500);
      router = await startService('message-router', ROUTER_ENV, routerOps);
      const sent = await sending;
      const accepted = callIdsAnswered202(readFileSync(traceFile, 'latin1'));
      // Some calls fail while no router answers (the edge's service timeout or no responder); those were not accepted.
      assert.ok(accepted.size >= 50, `202s: ${accepted.size}\n${diag(sent)}`);
      assert.ok(Number(sent.stats['SuccessfulCall(C)']) === accepted.size, `SIPp counted ${sent.stats['SuccessfulCall(C)']} successful calls, the trace ${accepted.size} 202s`);

      receiver = await UdpSipReceiver.open();
      assert.equal(await receiver.register('frank', domain, PASSWORD, sipPort), 200);
      const r = receiver;
      await until('the stored messages to be delivered', async () => (await redis.xlen(messageKeys.pending(aor))) === 0, 30_000);
      await sleep(300);
      const delivered = new Set(r.messages.map((m) => m.callId));
      const lost = [...accepted].filter((id) => !delivered.has(id));
      assert.deepEqual(lost, [], `answered 202 but never delivered (${lost.length} of ${accepted.size})\n--- router ---\n${router.output()}`);
      // Delivered in the order sent: stored messages go oldest first.
      const order = r.messages.filter((m) => accepted.has(m.callId)).map((m) => Number(/^message (\d+)/.exec(m.body)?.[1]));
      assert.deepEqual(order, [...order].sort((a, b) => a - b), 'in order');
      // RFC 3428 §7 / RFC 3261 §8.2.2.2: a repeated delivery keeps Call-ID and CSeq, so the recipient recognises it; counted, not failed.
      const extra = r.messages.length - accepted.size;
      console.log(`# SIGKILL: ${accepted.size} answered 202, ${r.distinct} distinct delivered (${extra} stored without a 202 reaching the sender), ${r.duplicates} repeated deliveries`);
    } finally {
      await receiver?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('RFC 5365 - a recipient-list MESSAGE: 202, each recipient gets one MESSAGE addressed to it, the bcc recipient hidden', { timeout: 60_000 }, async () => {
    const receivers = await Promise.all(['gina', 'hank', 'ivan'].map(() => UdpSipReceiver.open()));
    try {
      for (const [i, u] of ['gina', 'hank', 'ivan'].entries()) assert.equal(await receivers[i]?.register(u, domain, PASSWORD, sipPort), 200);
      const sent = await runSipp({
        scenario: scenario('uac-recipient-list-message-expect-202.xml'),
        target: `127.0.0.1:${sipPort}`,
        transport: 'u1',
        calls: 1,
        rate: 1,
        timeoutSec: 20,
        extraArgs: ['-s', 'alice', '-au', 'alice', '-ap', PASSWORD, '-set', 'domain', domain, '-set', 'to', 'gina', '-set', 'cc', 'hank', '-set', 'bcc', 'ivan'],
      });
      assert.equal(sent.code, 0, diag(sent));
      // The router answers 202 once every copy was delivered (or stored): they are there already.
      for (const [i, u] of ['gina', 'hank', 'ivan'].entries()) {
        const got = receivers[i]?.messages ?? [];
        assert.equal(got.length, 1, `${u} got ${got.length} messages`);
        const m = got[0]?.request;
        assert.ok(m);
        assert.equal(m.to.uri.toString(), `sip:${u}@${domain}`);
        assert.equal(m.from.uri.toString(), `sip:alice@${domain}`);
        assert.equal(m.headers.has('require'), false);
        const body = m.body.toString();
        assert.match(body, /Hello World!/);
        assert.match(body, /recipient-list-history; handling=optional/);
        assert.match(body, new RegExp(`sip:gina@${domain.replace(/\./g, '\\.')}`), 'the "to" recipient is listed');
        assert.match(body, /sip:anonymous@anonymous\.invalid" cp:copyControl="cc" cp:count="1"/, 'the anonymized cc is counted');
        assert.doesNotMatch(body, /ivan@|hank@/, 'bcc and anonymized recipients are not disclosed');
      }
    } finally {
      for (const r of receivers) await r.close();
    }
  });

  it('RFC 5438 - an IM asking for processing notifications to an offline user: 202, stored, and the sender gets the "stored" IMDN', { timeout: 60_000 }, async () => {
    const sender = await UdpSipReceiver.open();
    try {
      assert.equal(await sender.register('kate', domain, PASSWORD, sipPort), 200);
      const sent = await runSipp({
        scenario: scenario('uac-cpim-imdn-request-expect-202.xml'),
        target: `127.0.0.1:${sipPort}`,
        transport: 'u1',
        calls: 1,
        rate: 1,
        timeoutSec: 20,
        extraArgs: ['-s', 'kate', '-au', 'kate', '-ap', PASSWORD, '-set', 'domain', domain, '-set', 'to', 'judy'],
      });
      assert.equal(sent.code, 0, diag(sent));
      assert.equal(await redis.xlen(messageKeys.pending(`judy@${domain}`)), 1, 'the IM is stored');
      await until('the IMDN to reach the sender', async () => sender.messages.length > 0);
      const n = sender.messages[0]?.request;
      assert.ok(n);
      assert.equal(n.contentType, 'message/cpim');
      assert.equal(n.from.uri.toString(), `sip:judy@${domain}`);
      const body = n.body.toString();
      assert.match(body, /Content-Disposition: notification/);
      assert.match(body, /Content-type: message\/imdn\+xml/);
      assert.match(body, /<processing-notification>\s*<status><stored\/><\/status>/);
      assert.doesNotMatch(body, /Disposition-Notification/);
    } finally {
      await sender.close();
    }
  });

  it('drain - SIGTERM stops the router cleanly', { timeout: 30_000 }, async () => {
    assert.equal(await router.stop(), 0, router.output());
  });
});
