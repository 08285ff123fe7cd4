import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { Redis } from 'ioredis';
import { presenceKeys, presenceSubjects } from '@simple/contracts';
import { UserStore } from '@simple/users';
import { freePort, runSipp, sippAvailable, startService, type ServiceProcess, skipUnless } from '@simple/testkit';

const scenario = (name: string): string => fileURLToPath(new URL(`../sipp/${name}`, import.meta.url));
const domain = `pres-${randomBytes(4).toString('hex')}.test`;
const PASSWORD = 'pw-' + randomBytes(6).toString('hex');
const SECRET = randomBytes(16).toString('hex');
const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];

describe('presence end to end (sip-edge + presence as processes, real NATS and Redis, SIPp)', { skip: skipUnless(sippAvailable(), 'sipp is not installed') }, () => {
  let redis: Redis;
  let users: UserStore;
  let nc: NatsConnection;
  let events: Subscription;
  const seen: Array<{ aor: string; change: string }> = [];
  let edge: ServiceProcess;
  let presence: ServiceProcess;
  let sipPort = 0;
  let presenceOps = 0;

  before(async () => {
    redis = new Redis('redis://127.0.0.1:6379');
    users = new UserStore(redis);
    await users.addDomain(domain);
    for (const u of USERS) await users.addUser(`${u}@${domain}`, PASSWORD);
    nc = await connect({ servers: 'nats://127.0.0.1:4222' });
    events = nc.subscribe(presenceSubjects.presenceChanged(domain), {
      callback: (_err, msg) => {
        seen.push(JSON.parse(new TextDecoder().decode(msg.data)) as { aor: string; change: string });
      },
    });
    presenceOps = await freePort();
    presence = await startService('presence', {}, presenceOps);
    sipPort = await freePort();
    edge = await startService(
      'sip-edge',
      {
        SIMPLE_EDGE_ID: `pres-e2e-${randomBytes(3).toString('hex')}`,
        SIMPLE_SIP_LISTEN: '127.0.0.1',
        SIMPLE_SIP_UDP_PORT: String(sipPort),
        SIMPLE_SIP_TCP_PORT: String(sipPort),
        SIMPLE_SIP_TRANSPORTS: 'udp,tcp',
        SIMPLE_AUTH_SECRET: SECRET,
      },
      await freePort(),
    );
  });

  after(async () => {
    await edge?.stop();
    if (presence !== undefined) {
      const code = await presence.stop();
      assert.equal(code, 0, `presence did not drain cleanly:\n${presence.output()}`);
    }
    events?.unsubscribe();
    await nc?.close();
    for (const u of USERS) {
      await redis.del(presenceKeys.publications(`${u}@${domain}`));
      await redis.zrem(presenceKeys.publicationExpiry(), `${u}@${domain}`);
    }
    for (const u of await users.listUsers(domain)) await users.removeUser(u);
    await users.removeDomain(domain);
    await redis.quit();
  });

  const sipp = (file: string, user: string, transport: 'u1' | 't1' = 'u1', extra: readonly string[] = []) =>
    runSipp({
      scenario: scenario(file),
      target: `127.0.0.1:${sipPort}`,
      transport,
      calls: 1,
      rate: 1,
      timeoutSec: 20,
      extraArgs: ['-s', user, '-au', user, '-ap', PASSWORD, '-set', 'domain', domain, ...extra],
    });
  const why = (run: { stdout: string; stderr: string }): string => `${run.stderr}\n${run.stdout}\n--- presence:\n${presence.output()}\n--- edge:\n${edge.output()}`;

  for (const [transport, user] of [['u1', 'alice'], ['t1', 'frank']] as const) {
    it(`PUBLISH over ${transport === 'u1' ? 'UDP' : 'TCP'} - initial, refresh, modify, remove: each 200 with a new SIP-ETag`, { timeout: 40_000 }, async () => {
      const run = await sipp('uac-publish-refresh-modify-remove-expect-200.xml', user, transport);
      assert.equal(run.code, 0, why(run));
      assert.equal(await redis.hlen(presenceKeys.publications(`${user}@${domain}`)), 0, 'the publication is removed');
    });
  }

  it('PUBLISH - a stale SIP-If-Match gets 412', { timeout: 40_000 }, async () => {
    const run = await sipp('uac-publish-stale-etag-expect-412.xml', 'bob');
    assert.equal(run.code, 0, why(run));
  });

  it('PUBLISH - a too-short Expires gets 423 with Min-Expires', { timeout: 40_000 }, async () => {
    const run = await sipp('uac-publish-short-expires-expect-423.xml', 'erin');
    assert.equal(run.code, 0, why(run));
  });

  it('SUBSCRIBE - 200, NOTIFY with the composed PIDF (open), unsubscribe, terminated NOTIFY', { timeout: 60_000 }, async () => {
    const pub = await sipp('uac-publish-open-keep-expect-200.xml', 'carol');
    assert.equal(pub.code, 0, why(pub));
    const run = await sipp('uac-subscribe-expect-open-notify-unsubscribe-expect-terminated.xml', 'dave', 'u1', ['-set', 'presentity', 'carol']);
    assert.equal(run.code, 0, why(run));
    await nc.flush();
    assert.ok(seen.some((e) => e.aor === `carol@${domain}` && e.change === 'initial'), `presence event announced: ${JSON.stringify(seen)}`);
    const metrics = await (await fetch(`http://127.0.0.1:${presenceOps}/metrics`)).text();
    assert.match(metrics, /simple_presence_publications_total\{result="initial"\} [1-9]/);
    assert.match(metrics, /simple_presence_notifies_sent_total\{outcome="2xx"\} [1-9]/);
  });

  it('SUBSCRIBE - a watcher of another domain is politely blocked: 200, active, but only closed presence', { timeout: 40_000 }, async () => {
    // carol's "open" publication is still there (previous test).
    assert.ok((await redis.hlen(presenceKeys.publications(`carol@${domain}`))) > 0);
    // A foreign watcher arrives through a federation peer: an edge that trusts this source.
    const peerPort = await freePort();
    const peerEdge = await startService(
      'sip-edge',
      {
        SIMPLE_EDGE_ID: `pres-peer-${randomBytes(3).toString('hex')}`,
        SIMPLE_SIP_LISTEN: '127.0.0.1',
        SIMPLE_SIP_UDP_PORT: String(peerPort),
        SIMPLE_SIP_TCP_PORT: String(peerPort),
        SIMPLE_SIP_TRANSPORTS: 'udp,tcp',
        SIMPLE_AUTH_SECRET: SECRET,
        SIMPLE_TRUSTED_PEERS: '127.0.0.1',
      },
      await freePort(),
    );
    try {
      const run = await runSipp({
        scenario: scenario('uac-subscribe-foreign-watcher-expect-closed-notify.xml'),
        target: `127.0.0.1:${peerPort}`,
        transport: 'u1',
        calls: 1,
        rate: 1,
        timeoutSec: 20,
        extraArgs: ['-s', 'eve', '-au', 'eve', '-ap', PASSWORD, '-set', 'domain', domain, '-set', 'presentity', 'carol', '-set', 'watcherdomain', 'elsewhere.example'],
      });
      assert.equal(run.code, 0, why(run));
    } finally {
      await peerEdge.stop();
    }
  });

  it('SUBSCRIBE - a watcher of another domain from an untrusted source is refused with 403 at the edge', { timeout: 40_000 }, async () => {
    const run = await sipp('uac-subscribe-foreign-untrusted-expect-403.xml', 'eve', 'u1', ['-set', 'presentity', 'carol', '-set', 'watcherdomain', 'elsewhere.example']);
    assert.equal(run.code, 0, why(run));
  });

  it('SUBSCRIBE - an unknown event package gets 489 with Allow-Events', { timeout: 40_000 }, async () => {
    const run = await sipp('uac-subscribe-unknown-event-expect-489.xml', 'dave', 'u1', ['-set', 'presentity', 'carol']);
    assert.equal(run.code, 0, why(run));
  });
});
