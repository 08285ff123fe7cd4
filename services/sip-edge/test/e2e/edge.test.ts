import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { Redis } from 'ioredis';
import { subjects, writeFlow } from '@simple/contracts';
import { parseMessage } from '@simple/sip-message';
import { UserStore } from '@simple/users';
import { freePort, runSipp, sippAvailable, startService, type ServiceProcess, skipUnless } from '@simple/testkit';
import { Registrar } from '../../src/registrar/index.js';

const exec = promisify(execFile);
const scenario = (name: string): string => fileURLToPath(new URL(`../sipp/${name}`, import.meta.url));
const domain = `e2e-${randomBytes(4).toString('hex')}.test`;
const PASSWORD = 'pw-' + randomBytes(6).toString('hex');
const SECRET = randomBytes(16).toString('hex');

interface EdgeHandle {
  readonly proc: ServiceProcess;
  readonly sipPort: number;
  readonly edgeId: string;
}

async function startEdge(extra: Record<string, string> = {}): Promise<EdgeHandle> {
  const sipPort = await freePort();
  const edgeId = `e2e-${randomBytes(3).toString('hex')}`;
  const proc = await startService(
    'sip-edge',
    {
      SIMPLE_EDGE_ID: edgeId,
      SIMPLE_SIP_LISTEN: '127.0.0.1',
      SIMPLE_SIP_UDP_PORT: String(sipPort),
      SIMPLE_SIP_TCP_PORT: String(sipPort),
      SIMPLE_SIP_TRANSPORTS: 'udp,tcp',
      SIMPLE_AUTH_SECRET: SECRET,
      SIMPLE_SERVICE_TIMEOUT_MS: '500',
      ...extra,
    },
    await freePort(),
  );
  return { proc, sipPort, edgeId };
}

/** One UDP request, one response (or undefined after the wait). */
function udpRequest(port: number, text: string, waitMs = 3000): Promise<{ status: number; raw: string } | undefined> {
  return new Promise((resolve) => {
    const sock = createSocket('udp4');
    const done = (v: { status: number; raw: string } | undefined): void => {
      clearTimeout(t);
      sock.close();
      resolve(v);
    };
    const t = setTimeout(() => done(undefined), waitMs);
    sock.on('message', (d) => {
      const raw = d.toString();
      const status = Number(/^SIP\/2\.0 (\d{3})/.exec(raw)?.[1] ?? 0);
      if (status >= 200) done({ status, raw });
    });
    sock.bind(0, '127.0.0.1', () => {
      const port0 = (sock.address() as { port: number }).port;
      sock.send(Buffer.from(text.replaceAll('LOCALPORT', String(port0))), port, '127.0.0.1');
    });
  });
}

function message(user: string, callId: string): string {
  return [
    `MESSAGE sip:${user}@${domain} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:LOCALPORT;branch=z9hG4bK${randomBytes(6).toString('hex')};rport`,
    `From: <sip:peer@remote.example>;tag=${randomBytes(4).toString('hex')}`,
    `To: <sip:${user}@${domain}>`,
    `Call-ID: ${callId}`,
    'CSeq: 1 MESSAGE',
    'Max-Forwards: 70',
    'Content-Type: text/plain',
    'Content-Length: 2',
    '',
    'hi',
  ].join('\r\n');
}

describe('sip-edge end to end (real NATS and Redis, SIPp and sipsak)', { skip: skipUnless(sippAvailable(), 'sipp is not installed') }, () => {
  let redis: Redis;
  let users: UserStore;
  let edge: EdgeHandle;

  before(async () => {
    redis = new Redis('redis://127.0.0.1:6379');
    users = new UserStore(redis);
    await users.addDomain(domain);
    for (const u of ['alice', 'bob', 'carol', 'dave', 'erin']) await users.addUser(`${u}@${domain}`, PASSWORD);
    edge = await startEdge();
  });

  after(async () => {
    await edge.proc.stop();
    for (const u of await users.listUsers(domain)) {
      await users.removeUser(u);
      await redis.del(`simple:loc:{${u}}`);
    }
    await users.removeDomain(domain);
    await redis.quit();
  });

  const sipp = (file: string, transport: 'u1' | 't1', user: string, password: string, port = edge.sipPort) =>
    runSipp({
      scenario: scenario(file),
      target: `127.0.0.1:${port}`,
      transport,
      calls: 1,
      rate: 1,
      timeoutSec: 30,
      extraArgs: ['-s', user, '-au', user, '-ap', password, '-set', 'domain', domain],
    });

  for (const transport of ['u1', 't1'] as const) {
    const name = transport === 'u1' ? 'UDP' : 'TCP';
    it(`REGISTER over ${name} - digest auth, re-register, unregister`, { timeout: 60_000 }, async () => {
      const run = await sipp('uac-register-digest-reregister-unregister-expect-200.xml', transport, transport === 'u1' ? 'alice' : 'bob', PASSWORD);
      assert.equal(run.code, 0, `${run.stderr}\n${run.stdout}\n${edge.proc.output()}`);
    });

    it(`REGISTER over ${name} - a wrong password gets 401`, { timeout: 60_000 }, async () => {
      const run = await sipp('uac-register-bad-password-expect-401.xml', transport, 'carol', 'not-the-password');
      assert.equal(run.code, 0, `${run.stderr}\n${run.stdout}`);
    });

    it(`REGISTER over ${name} - Expires below the minimum gets 423 with Min-Expires`, { timeout: 60_000 }, async () => {
      const run = await sipp('uac-register-short-expires-expect-423.xml', transport, 'dave', PASSWORD);
      assert.equal(run.code, 0, `${run.stderr}\n${run.stdout}`);
    });

    it(`REGISTER over ${name} - a malformed request gets 400 naming the defect`, { timeout: 60_000 }, async () => {
      const run = await sipp('uac-register-malformed-expect-400.xml', transport, 'erin', PASSWORD);
      assert.equal(run.code, 0, `${run.stderr}\n${run.stdout}`);
    });
  }

  it('sipsak registers with digest authentication', { timeout: 60_000 }, async () => {
    // sipsak resolves the domain of its target URI even with an outbound proxy: use an IP-literal domain.
    const ipDomain = '127.0.0.1';
    const user = `sipsak${randomBytes(3).toString('hex')}`;
    await users.addDomain(ipDomain);
    await users.addUser(`${user}@${ipDomain}`, PASSWORD);
    try {
      const localPort = await freePort();
      const sipsak = (password: string) =>
        exec('sipsak', ['-U', '-C', `sip:${user}@127.0.0.1:${localPort}`, '-s', `sip:${user}@${ipDomain}:${edge.sipPort}`,
          '-H', '127.0.0.1', '-l', String(localPort), '-S', '-u', user, '-a', password, '-x', '300', '-vv'], { timeout: 30_000 })
          .then((r) => ({ code: 0, out: r.stdout + r.stderr }), (e: { stdout?: string; stderr?: string; code?: number }) => ({ code: e.code ?? -1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` }));
      const bad = await sipsak('wrong-password');
      assert.notEqual(bad.code, 0, `sipsak registered with a wrong password: ${bad.out}`);
      const good = await sipsak(PASSWORD);
      assert.equal(good.code, 0, good.out);
      assert.match(good.out, /authorizing/, 'sipsak was challenged');
      assert.match(good.out, /usrloc tests completed successful/, good.out);
      const registrar = new Registrar({ redis, isLocalDomain: async () => true });
      const bindings = await registrar.lookup(`${user}@${ipDomain}`);
      assert.ok(bindings.some((b) => b.contact === `sip:${user}@127.0.0.1:${localPort}`), JSON.stringify(bindings));
    } finally {
      await users.removeUser(`${user}@${ipDomain}`);
      await redis.del(`simple:loc:{${user}@${ipDomain}}`);
      await users.removeDomain(ipDomain).catch(() => undefined); // other suites may have users there
    }
  });

  it('a request for a service that is down gets 503 with Retry-After at once; OPTIONS is still answered', { timeout: 30_000 }, async () => {
    const edge2 = await startEdge({ SIMPLE_TRUSTED_PEERS: '127.0.0.1' });
    try {
      const t0 = Date.now();
      const res = await udpRequest(edge2.sipPort, message('alice', 'down-' + randomBytes(4).toString('hex')));
      assert.equal(res?.status, 503, res?.raw);
      assert.match(res?.raw ?? '', /\r\nRetry-After: \d+/);
      assert.ok(Date.now() - t0 < 2000);
    } finally {
      await edge2.proc.stop();
    }
  });

  it('a slow service: 503 with Retry-After within the service timeout', { timeout: 30_000 }, async () => {
    const nc = await connect({ servers: '127.0.0.1:4222' });
    const sub = nc.subscribe(subjects.sipToService('message-router'), { queue: subjects.serviceQueue('message-router'), callback: () => undefined });
    await nc.flush();
    const edge2 = await startEdge({ SIMPLE_TRUSTED_PEERS: '127.0.0.1' });
    try {
      const t0 = Date.now();
      const res = await udpRequest(edge2.sipPort, message('alice', 'slow-' + randomBytes(4).toString('hex')), 5000);
      assert.equal(res?.status, 503, res?.raw);
      assert.match(res?.raw ?? '', /\r\nRetry-After: \d+/);
      assert.ok(Date.now() - t0 < 3000, `took ${Date.now() - t0} ms`);
      const opts = await udpRequest(edge2.sipPort, message('alice', 'x').replace(/^MESSAGE/, 'OPTIONS').replace('CSeq: 1 MESSAGE', 'CSeq: 1 OPTIONS'));
      assert.equal(opts?.status, 200);
    } finally {
      sub.unsubscribe();
      await nc.close();
      await edge2.proc.stop();
    }
  });

  it('two edges share bindings: made through one, found through the other, kept when one stops', { timeout: 90_000 }, async () => {
    const a = await startEdge();
    const b = await startEdge();
    try {
      const reg = await sipp('uac-register-digest-expect-200.xml', 'u1', 'carol', PASSWORD, a.sipPort);
      assert.equal(reg.code, 0, `${reg.stderr}\n${reg.stdout}`);
      // RFC 3261 §10.2.3: a REGISTER without Contact asks for the current bindings.
      const fetchB = await sipp('uac-register-fetch-expect-binding.xml', 't1', 'carol', PASSWORD, b.sipPort);
      assert.equal(fetchB.code, 0, `binding not visible through edge B: ${fetchB.stderr}\n${fetchB.stdout}`);
      assert.equal(await a.proc.stop(), 0, 'edge A drains and exits cleanly');
      const again = await sipp('uac-register-fetch-expect-binding.xml', 'u1', 'carol', PASSWORD, b.sipPort);
      assert.equal(again.code, 0, `binding lost when edge A stopped: ${again.stderr}\n${again.stdout}`);
    } finally {
      await a.proc.stop();
      await b.proc.stop();
    }
  });

  it('a NOTIFY from a service reaches a client registered over TCP with Outbound, over its connection', { timeout: 60_000 }, async () => {
    const nc: NatsConnection = await connect({ servers: '127.0.0.1:4222' });
    const registrar = new Registrar({ redis, isLocalDomain: async () => true });
    const aor = `bob@${domain}`;
    await redis.del(`simple:loc:{${aor}}`);
    try {
      const client = runSipp({
        scenario: scenario('uac-register-outbound-then-uas-notify.xml'),
        target: `127.0.0.1:${edge.sipPort}`,
        transport: 't1',
        calls: 1,
        timeoutSec: 30,
        extraArgs: ['-s', 'bob', '-au', 'bob', '-ap', PASSWORD, '-set', 'domain', domain],
      });
      // The test plays the service: wait for the Outbound binding, then NOTIFY over its flow.
      let binding;
      for (let i = 0; i < 100 && binding === undefined; i++) {
        binding = (await registrar.lookup(aor)).find((x) => x.outbound);
        if (binding === undefined) await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(binding, 'an Outbound binding was made');
      assert.equal(binding.flow.transport, 'TCP');
      const notify = [
        `NOTIFY ${binding.contact} SIP/2.0`,
        `From: <sip:presence@${domain}>;tag=svc1`,
        `To: <sip:${aor}>;tag=cli1`,
        // SIPp maps messages to its call by Call-ID: the NOTIFY joins the REGISTER's.
        `Call-ID: ${binding.callId}`,
        'CSeq: 1 NOTIFY',
        'Max-Forwards: 70',
        'Event: presence',
        'Subscription-State: active;expires=60',
        'Content-Length: 0',
        '', '',
      ].join('\r\n');
      const h = natsHeaders();
      writeFlow(h, binding.flow);
      const reply = await nc.request(subjects.sipToEdge(binding.flow.edgeId), Buffer.from(notify), { timeout: 10_000, headers: h });
      const res = parseMessage(Buffer.from(reply.data));
      assert.ok(res.ok && res.value.kind === 'response', `reply: ${Buffer.from(reply.data).toString()}`);
      assert.equal(res.value.status, 200);
      const run = await client;
      assert.equal(run.code, 0, `${run.stderr}\n${run.stdout}`);
    } finally {
      await nc.close();
    }
  });
});
