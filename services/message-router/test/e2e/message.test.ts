import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { messageKeys, redisKeys } from '@simple/contracts';
import { LocationStore } from '@simple/location';
import { freePort, runSipp, sippAvailable, startService, type ServiceProcess, type SippRun } from '@simple/testkit';
import { UserStore } from '@simple/users';
import { Redis } from 'ioredis';

const scenario = (name: string): string => fileURLToPath(new URL(`../sipp/${name}`, import.meta.url));
const domain = `mr-e2e-${randomBytes(4).toString('hex')}.test`;
const PASSWORD = 'pw-' + randomBytes(6).toString('hex');
const SECRET = randomBytes(16).toString('hex');
const USERS = ['alice', 'bob', 'carol', 'dave', 'erin'];

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('message-router end to end (sip-edge and message-router processes, real NATS and Redis, SIPp)', { skip: sippAvailable() ? false : 'sipp is not installed' }, () => {
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
    router = await startService('message-router', { SIMPLE_MESSAGE_DELIVERY_TIMEOUT_MS: '1500' }, routerOps);
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

  it('drain - SIGTERM stops the router cleanly', { timeout: 30_000 }, async () => {
    assert.equal(await router.stop(), 0, router.output());
  });
});
