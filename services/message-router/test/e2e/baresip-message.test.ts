import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { messageKeys, redisKeys } from '@simple/contracts';
import { LocationStore } from '@simple/location';
import { freePort, startServiceOnFreshPorts, type ServiceProcess, skipUnless } from '@simple/testkit';
import { UserStore } from '@simple/users';
import { Redis } from 'ioredis';
import { Baresip, baresipAvailable } from '@simple/testkit';

const domain = `mr-baresip-${randomBytes(4).toString('hex')}.test`;
const PASSWORD = 'pw-' + randomBytes(6).toString('hex');
const SECRET = randomBytes(16).toString('hex');
/** startService's wait for /readyz: generous, a loaded CI box has taken over 20 s to start the edge. */
const STARTUP_MS = 60_000;

const USERS = ['alice', 'bob'];

/** The blocks of baresip's `-s` SIP trace: each begins "UDP <from> -> <to>", then the message. */
function traceBlocks(ua: Baresip): string[][] {
  return ua.output().split(/^#$/m).map((b) => b.trim().split('\n'));
}

/** The Call-ID of a MESSAGE the agent received with `text` as its body, if any. */
function messageReceived(ua: Baresip, text: string): string | undefined {
  for (const b of traceBlocks(ua)) {
    if (!b[1]?.startsWith('MESSAGE sip:') || !b.includes(text)) continue;
    const callId = b.find((l) => /^Call-ID:/i.test(l))?.replace(/^Call-ID:\s*/i, '');
    if (callId !== undefined) return callId;
  }
  return undefined;
}

/** Whether the agent received a 200 for the MESSAGE with that Call-ID. */
function okReceived(ua: Baresip, callId: string): boolean {
  return traceBlocks(ua).some((b) => b[1]?.startsWith('SIP/2.0 200 ') === true && b.some((l) => /^CSeq:\s*\d+ MESSAGE$/i.test(l)) && b.includes(`Call-ID: ${callId}`));
}

async function until(what: string, cond: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Issue 6, "Done when": baresip (a real client, Debian package `baresip`
 * 1.0.0) sends and receives a MESSAGE through the platform. The sip-edge
 * and the message-router run as processes; two baresip register through the
 * edge (digest, MD5), alice sends bob a text over ctrl_tcp, bob's SIP trace
 * shows it and alice gets bob's 200; then the other way round.
 */
describe('MESSAGE between two baresip through sip-edge and message-router', { skip: skipUnless(baresipAvailable(), 'baresip is not installed') }, () => {
  let redis: Redis;
  let users: UserStore;
  let edge: ServiceProcess;
  let router: ServiceProcess;
  let sipPort: number;
  const home = mkdtempSync(join(tmpdir(), 'mr-baresip-'));
  const agents: Baresip[] = [];

  before(async () => {
    redis = new Redis('redis://127.0.0.1:6379');
    users = new UserStore(redis);
    await users.addDomain(domain);
    for (const u of USERS) await users.addUser(`${u}@${domain}`, PASSWORD);
    edge = await startServiceOnFreshPorts('sip-edge', async () => {
      sipPort = await freePort();
      return {
        SIMPLE_EDGE_ID: `mr-baresip-${randomBytes(3).toString('hex')}`,
        SIMPLE_SIP_LISTEN: '127.0.0.1',
        SIMPLE_SIP_UDP_PORT: String(sipPort),
        SIMPLE_SIP_TCP_PORT: String(sipPort),
        SIMPLE_SIP_TRANSPORTS: 'udp,tcp',
        SIMPLE_AUTH_SECRET: SECRET,
        // Room for a slow delivery on a loaded box: the router's delivery timeout must stay below it.
        SIMPLE_SERVICE_TIMEOUT_MS: '8000',
        // baresip 1.0.0 gives up on a challenge list with SHA-256 in it ("Function not implemented"): MD5 only (the edge's default, set here anyway).
      };
    }, STARTUP_MS);
    router = await startServiceOnFreshPorts('message-router', async () => ({ SIMPLE_MESSAGE_DELIVERY_TIMEOUT_MS: '6000' }), STARTUP_MS);
  });

  after(async () => {
    for (const a of agents) await a.stop();
    rmSync(home, { recursive: true, force: true });
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

  it('alice sends bob a MESSAGE and bob gets it; then bob answers alice', { timeout: 150_000 }, async () => {
    const account = (user: string, peer: string) => ({ user, domain, password: PASSWORD, edge: `127.0.0.1:${sipPort}`, contacts: [peer] });
    const alice = await Baresip.start(join(home, 'alice'), account('alice', 'bob'), 120);
    agents.push(alice);
    const bob = await Baresip.start(join(home, 'bob'), account('bob', 'alice'), 120);
    agents.push(bob);
    const why = (): string => `--- alice:\n${alice.output().slice(-8000)}\n--- bob:\n${bob.output().slice(-8000)}\n--- edge:\n${edge.output()}\n--- router:\n${router.output()}`;
    try {
      await alice.waitFor(/alice@[^:\s]+: \{0\/UDP\/v4\} 200 OK/, 30_000);
      await bob.waitFor(/bob@[^:\s]+: \{0\/UDP\/v4\} 200 OK/, 30_000);
      const location = new LocationStore({ redis });
      for (const u of USERS) await until(`${u}'s binding`, async () => (await location.lookup(`${u}@${domain}`)).length > 0, 10_000);

      // alice -> bob, then bob -> alice: each over ctrl_tcp ("contact_next" selects the only contact, "message" sends to it).
      for (const [from, to] of [
        [alice, bob],
        [bob, alice],
      ] as const) {
        const text = `hello-${randomBytes(6).toString('hex')}`;
        assert.match(await from.command('contact_next'), /"ok":true/);
        assert.match(await from.command('message', text), /"ok":true/);
        // The receiver's trace shows the MESSAGE (sent to its registered contact by the edge) with the text ...
        await until('the receiver to get the MESSAGE', async () => messageReceived(to, text) !== undefined, 30_000);
        const callId = messageReceived(to, text) ?? '';
        // ... and the sender gets the receiver's 200 (after the edge's 407 and baresip's retry with credentials).
        await until('the sender to get 200 for its MESSAGE', async () => okReceived(from, callId), 30_000);
      }
    } catch (e) {
      assert.fail(`${(e as Error).message}\n${why()}`);
    }
  });
});
