import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { ENVELOPE_HEADERS, messageKeys, redisKeys, subjects, writeInbound, type EnvelopeFlow, type InboundEnvelope } from '@simple/contracts';
import { LocationStore, type Binding } from '@simple/location';
import { createLogger } from '@simple/platform';
import { messageParts, parseMessage, serializeMessage, type SipRequest } from '@simple/sip-message';
import { Redis } from 'ioredis';
import { MessageRouterApp } from '../src/app.js';
import { DEFAULT_LIMITS, readMessageRouterConfig, type MessageRouterLimits } from '../src/config.js';
import { deliveryRequest } from '../src/delivery-request.js';
import type { DeliveryResult, EdgeClient } from '../src/edge-client.js';
import { MessageRouter } from '../src/message-router.js';
import { MessageStore } from '../src/message-store.js';
import { selectFinalStatus } from '../src/response-selection.js';
import { SenderRateLimiter } from '../src/sender-rate-limiter.js';
import { cpimOf } from '../src/imdn.js';
import { cpimHeaders, cpimMimeHeader } from '../src/cpim.js';
import { listEntries, sipFixture } from './fixture.js';

const log = createLogger('message-router-test', 'silent');
// Its own service name: a router started by the end-to-end test must not share this one's queue group.
const SERVICE = `message-router-test-${randomBytes(3).toString('hex')}`;
const DOMAIN = `mr-${randomBytes(4).toString('hex')}.test`;
let redis: Redis;
const created: string[] = [];

before(() => {
  redis = new Redis({ host: '127.0.0.1', port: 6379, maxRetriesPerRequest: 2 });
});
after(async () => {
  for (const aor of created) await redis.del(redisKeys.user(aor), redisKeys.bindings(aor), messageKeys.pending(aor), messageKeys.deliveryLock(aor));
  await redis.zrem(redisKeys.bindingExpiry(), ...created);
  await redis.quit();
});

/** A provisioned user (only the key's existence matters to the router). */
async function user(): Promise<string> {
  const aor = `u${randomBytes(4).toString('hex')}@${DOMAIN}`;
  created.push(aor);
  await redis.hset(redisKeys.user(aor), 'realm', DOMAIN);
  return aor;
}

const FLOW_UDP: EnvelopeFlow = { edgeId: 'edge-a', flowId: 'f-in', transport: 'UDP', remoteAddress: '192.0.2.9', remotePort: 5060 };
const FLOW_TCP: EnvelopeFlow = { ...FLOW_UDP, transport: 'TCP' };
const env = (flow: EnvelopeFlow = FLOW_UDP, identity?: string): InboundEnvelope => ({ flow, identity, receivedAt: Date.now() });

function message(to: string, body: string, opts: { contentType?: string; from?: string; callId?: string } = {}): { req: SipRequest; size: number } {
  const text = [
    `MESSAGE sip:${to} SIP/2.0`,
    `Via: SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bK${randomBytes(6).toString('hex')}`,
    'Max-Forwards: 70',
    `From: <sip:${opts.from ?? `sender@${DOMAIN}`}>;tag=${randomBytes(4).toString('hex')}`,
    `To: <sip:${to}>`,
    `Call-ID: ${opts.callId ?? randomBytes(8).toString('hex')}`,
    'CSeq: 1 MESSAGE',
    'Proxy-Authorization: Digest username="sender", realm="x", nonce="n", uri="sip:x", response="00"',
    `Content-Type: ${opts.contentType ?? 'text/plain'}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
  const p = parseMessage(Buffer.from(text));
  assert.ok(p.ok && p.value.kind === 'request');
  return { req: p.value, size: Buffer.byteLength(text) };
}

/** An edge stand-in: records what it was asked to send, answers by contact. */
class FakeEdges implements EdgeClient {
  readonly sent: Array<{ flow: EnvelopeFlow; req: SipRequest }> = [];
  constructor(public answer: (contact: string) => number | Promise<number> = () => 200) {}
  async send(flow: EnvelopeFlow, request: Buffer): Promise<DeliveryResult> {
    // As the edge does: its own Via goes in before the request is parsed.
    const text = request.toString('latin1');
    assert.equal(/\r\nVia:/i.test(text), false, 'a request to the edge carries no Via');
    const eol = text.indexOf('\r\n');
    const p = parseMessage(Buffer.from(`${text.slice(0, eol + 2)}Via: SIP/2.0/UDP edge.invalid;branch=z9hG4bKfake\r\n${text.slice(eol + 2)}`, 'latin1'));
    assert.ok(p.ok && p.value.kind === 'request', p.ok ? 'not a request' : p.error.reason);
    this.sent.push({ flow, req: p.value });
    const status = await this.answer(p.value.uri.toString());
    return { status, unreachable: [408, 430, 480, 503].includes(status) };
  }
}

async function register(aor: string, contacts: string[]): Promise<Binding[]> {
  const now = Date.now();
  const bindings = contacts.map((c, i): Binding => ({
    key: c, contact: c, params: '', q: 1, expiresAt: now + 60_000, callId: 'reg', cseq: 1, path: [],
    flow: { edgeId: `edge-${i}`, flowId: `flow-${i}`, transport: 'TCP', remoteAddress: '192.0.2.1', remotePort: 5000 + i },
    outbound: false, receivedAt: now - i,
  }));
  await new LocationStore({ redis }).apply({ aor, callId: 'reg', cseq: 1, now, change: { kind: 'update', writes: bindings.map((b) => ({ key: b.key, binding: b })) } });
  return bindings;
}

function router(edges: EdgeClient, limits: Partial<MessageRouterLimits> = {}): MessageRouter {
  const l = { ...DEFAULT_LIMITS, ...limits };
  return new MessageRouter({
    locations: new LocationStore({ redis }),
    store: new MessageStore(redis, l.retentionMs, l.quota),
    edges,
    limits: l,
    userExists: async (aor) => (await redis.exists(redisKeys.user(aor))) === 1,
    log,
  });
}

describe('message router - routing', () => {
  it('delivery - forks to every contact in parallel through the owning edge, answers the first 2xx', async () => {
    const aor = await user();
    await register(aor, ['sip:a@192.0.2.1:5000', 'sip:b@192.0.2.1:5001']);
    const edges = new FakeEdges((c) => (c.includes('a@') ? 486 : 200));
    const { req, size } = message(aor, 'hello');
    const a = await router(edges).handle(req, env(), size);
    assert.equal(a.status, 200);
    assert.equal(edges.sent.length, 2);
    const byEdge = new Map(edges.sent.map((s) => [s.flow.edgeId, s.req]));
    assert.deepEqual([...byEdge.keys()].sort(), ['edge-0', 'edge-1']);
    const out = edges.sent[0]?.req;
    assert.ok(out);
    assert.equal(out.headers.has('proxy-authorization'), false, 'credentials for this proxy are consumed');
    assert.equal(out.callId, req.callId);
    assert.equal(out.headers.get('max-forwards'), '69');
    assert.equal(out.body.toString(), 'hello');
    assert.equal(out.contentType, 'text/plain');
  });

  it('delivery - every contact refuses: the best error (RFC 3261 §16.7), nothing stored', async () => {
    const aor = await user();
    await register(aor, ['sip:a@192.0.2.1:5000', 'sip:b@192.0.2.1:5001']);
    const a = await router(new FakeEdges((c) => (c.includes('a@') ? 486 : 415))).handle(message(aor, 'x').req, env(), 100);
    assert.equal(a.status, 415);
    assert.equal(await redis.xlen(messageKeys.pending(aor)), 0);
  });

  it('selection - 2xx, then 6xx, then the lowest 4xx; 503 becomes 500, 430 becomes 480', () => {
    assert.equal(selectFinalStatus([486, 200]), 200);
    assert.equal(selectFinalStatus([486, 603, 500]), 603);
    assert.equal(selectFinalStatus([500, 486, 404]), 404);
    assert.equal(selectFinalStatus([503]), 500);
    assert.equal(selectFinalStatus([430, 503]), 480);
  });

  it('offline - no binding: stored, 202 Accepted (RFC 3428 §7)', async () => {
    const aor = await user();
    const a = await router(new FakeEdges()).handle(message(aor, 'later').req, env(), 100);
    assert.equal(a.status, 202);
    assert.equal(await redis.xlen(messageKeys.pending(aor)), 1);
  });

  it('offline - every contact unreachable (430, timeout): stored, 202', async () => {
    const aor = await user();
    await register(aor, ['sip:a@192.0.2.1:5000']);
    const a = await router(new FakeEdges(() => 430)).handle(message(aor, 'x').req, env(), 100);
    assert.equal(a.status, 202);
    assert.equal(await redis.xlen(messageKeys.pending(aor)), 1);
  });

  it('is-composing - routed when online, never stored when offline (480)', async () => {
    const aor = await user();
    const ct = 'application/im-iscomposing+xml';
    const off = await router(new FakeEdges()).handle(message(aor, '<isComposing/>', { contentType: ct }).req, env(), 100);
    assert.equal(off.status, 480);
    assert.equal(await redis.xlen(messageKeys.pending(aor)), 0);
    await register(aor, ['sip:a@192.0.2.1:5000']);
    const edges = new FakeEdges();
    const on = await router(edges).handle(message(aor, '<isComposing/>', { contentType: ct }).req, env(), 100);
    assert.equal(on.status, 200);
    assert.equal(edges.sent.length, 1);
  });

  it('size - over 1300 bytes on UDP gets 513; the same over TCP passes; the limits are settings', async () => {
    const aor = await user();
    const big = message(aor, 'x'.repeat(1400));
    const udp = await router(new FakeEdges()).handle(big.req, env(), big.size);
    assert.equal(udp.status, 513);
    assert.match(udp.reason ?? '', /Message Too Large/);
    const tcp = await router(new FakeEdges()).handle(big.req, env({ ...FLOW_UDP, transport: 'TCP' }), big.size);
    assert.equal(tcp.status, 202);
    const small = await router(new FakeEdges(), { maxBytes: 1400 }).handle(big.req, env({ ...FLOW_UDP, transport: 'TCP' }), big.size);
    assert.equal(small.status, 513);
  });

  it('quota - a full mailbox gets 480 and stores nothing more', async () => {
    const aor = await user();
    const r = router(new FakeEdges(), { quota: 2 });
    assert.equal((await r.handle(message(aor, '1').req, env(), 10)).status, 202);
    assert.equal((await r.handle(message(aor, '2').req, env(), 10)).status, 202);
    const full = await r.handle(message(aor, '3').req, env(), 10);
    assert.equal(full.status, 480);
    assert.equal(full.result, 'quota_full');
    assert.equal(await redis.xlen(messageKeys.pending(aor)), 2);
  });

  it('rate limit - a sender over its rate gets 503 with Retry-After; other senders pass', async () => {
    const aor = await user();
    const r = router(new FakeEdges(), { ratePerSender: 1, burstPerSender: 2, retryAfterSeconds: 7 });
    assert.equal((await r.handle(message(aor, '1').req, env(), 10)).status, 202);
    assert.equal((await r.handle(message(aor, '2').req, env(), 10)).status, 202);
    const over = await r.handle(message(aor, '3').req, env(), 10);
    assert.equal(over.status, 503);
    assert.deepEqual(over.headers, [['Retry-After', '7']]);
    assert.equal((await r.handle(message(aor, '4', { from: `other@${DOMAIN}` }).req, env(), 10)).status, 202);
  });

  it('rate limiter - refills at the rate', () => {
    let t = 0;
    const l = new SenderRateLimiter(2, 2, () => t);
    assert.ok(l.allow('a') && l.allow('a'));
    assert.equal(l.allow('a'), false);
    t = 500;
    assert.equal(l.allow('a'), true);
    assert.equal(l.allow('a'), false);
  });

  it('unknown user - 404, nothing stored', async () => {
    const aor = `nobody${randomBytes(3).toString('hex')}@${DOMAIN}`;
    created.push(aor);
    assert.equal((await router(new FakeEdges()).handle(message(aor, 'x').req, env(), 10)).status, 404);
    assert.equal(await redis.exists(messageKeys.pending(aor)), 0);
  });

  it('delivery request - Max-Forwards spent: nothing to send', () => {
    const { req } = message(`x@${DOMAIN}`, 'x');
    req.headers.set('Max-Forwards', '0');
    assert.equal(deliveryRequest(req, 'sip:a@h'), undefined);
  });

  it('config - defaults and overrides from the environment', () => {
    const c = readMessageRouterConfig({ SIMPLE_MESSAGE_MAX_UDP_BYTES: '1000', SIMPLE_MESSAGE_RETENTION_SECONDS: '60' });
    assert.equal(c.limits.maxUdpBytes, 1000);
    assert.equal(c.limits.maxBytes, 65_536);
    assert.equal(c.limits.retentionMs, 60_000);
    assert.throws(() => readMessageRouterConfig({ SIMPLE_MESSAGE_QUOTA: '0' }), /SIMPLE_MESSAGE_QUOTA/);
  });
});

describe('message router - store and forward', () => {
  it('ordering - stored messages leave oldest first when the user registers, each removed after its 2xx', async () => {
    const aor = await user();
    const edges = new FakeEdges();
    const r = router(edges);
    for (const n of [1, 2, 3]) assert.equal((await r.handle(message(aor, `m${n}`).req, env(), 10)).status, 202);
    await register(aor, ['sip:a@192.0.2.1:5000']);
    assert.equal(await r.drain(aor), 3);
    assert.deepEqual(edges.sent.map((s) => s.req.body.toString()), ['m1', 'm2', 'm3']);
    assert.equal(await redis.xlen(messageKeys.pending(aor)), 0);
  });

  it('ordering - a failed delivery keeps that message and everything after it', async () => {
    const aor = await user();
    let calls = 0;
    const edges = new FakeEdges(() => (++calls === 2 ? 408 : 200));
    const r = router(edges);
    for (const n of [1, 2, 3]) await r.handle(message(aor, `m${n}`).req, env(), 10);
    await register(aor, ['sip:a@192.0.2.1:5000']);
    assert.equal(await r.drain(aor), 1);
    assert.equal(await redis.xlen(messageKeys.pending(aor)), 2);
    assert.equal(await r.drain(aor), 2);
    assert.deepEqual(edges.sent.map((s) => s.req.body.toString()), ['m1', 'm2', 'm2', 'm3']);
  });

  it('ordering - while messages are stored, a new one queues behind them (202) instead of overtaking', async () => {
    const aor = await user();
    const edges = new FakeEdges(() => 480);
    const r = router(edges);
    await r.handle(message(aor, 'old').req, env(), 10);
    await register(aor, ['sip:a@192.0.2.1:5000']);
    edges.answer = () => 200;
    const a = await r.handle(message(aor, 'new').req, env(), 10);
    assert.equal(a.status, 202);
    for (let i = 0; i < 50 && (await redis.xlen(messageKeys.pending(aor))) > 0; i++) await new Promise((res) => setTimeout(res, 20));
    assert.deepEqual(edges.sent.map((s) => s.req.body.toString()), ['old', 'new']);
  });

  it('retention - messages older than the retention are not delivered', async () => {
    const aor = await user();
    const store = new MessageStore(redis, 50, 10);
    await store.add(aor, Buffer.from('x'));
    await new Promise((res) => setTimeout(res, 80));
    assert.deepEqual(await store.oldest(aor), []);
    assert.equal(await store.count(aor), 0);
  });

  it('lock - one drainer per AOR at a time', async () => {
    const aor = await user();
    const store = new MessageStore(redis, 60_000, 10);
    const release = await store.lock(aor, 5_000);
    assert.ok(release);
    assert.equal(await store.lock(aor, 5_000), undefined);
    await release();
    const again = await store.lock(aor, 5_000);
    assert.ok(again);
    await again();
  });
});

describe('message router - over NATS', () => {
  let nc: NatsConnection;
  let app: MessageRouterApp;
  let edges: FakeEdges;
  before(async () => {
    nc = await connect({ servers: '127.0.0.1:4222' });
    edges = new FakeEdges();
    app = new MessageRouterApp(DEFAULT_LIMITS, { nc, redis, log, edges, service: SERVICE });
    await app.start();
  });
  after(async () => {
    await app.stop();
    await nc.close();
  });

  async function send(text: string, flow: EnvelopeFlow = FLOW_UDP): Promise<string> {
    const h = natsHeaders();
    writeInbound(h, env(flow));
    const reply = await nc.request(subjects.sipToService(SERVICE), Buffer.from(text), { timeout: 5_000, headers: h });
    if (reply.headers?.get(ENVELOPE_HEADERS.error)) return `error: ${reply.headers.get(ENVELOPE_HEADERS.error)}`;
    return Buffer.from(reply.data).toString();
  }

  it('request/reply - a MESSAGE to an offline user is answered 202 with the request\'s Via, Call-ID and a To tag', async () => {
    const aor = await user();
    const { req } = message(aor, 'over nats', { callId: 'nats-call-1' });
    const res = await send(serializeMessage(req).toString());
    assert.match(res, /^SIP\/2\.0 202 /);
    assert.match(res, /\r\nCall-ID: nats-call-1\r\n/);
    assert.match(res, /\r\nVia: SIP\/2\.0\/UDP 192\.0\.2\.9:5060/);
    assert.match(res, /\r\nTo: <sip:[^>]+>;tag=/);
  });

  it('registration event - the stored messages go out when the user registers', async () => {
    const aor = await user();
    assert.match(await send(serializeMessage(message(aor, 'queued').req).toString()), /^SIP\/2\.0 202 /);
    await register(aor, ['sip:q@192.0.2.1:5000']);
    // The end-to-end tests' router processes may run at the same time, on the same NATS and Redis: they get the event
    // too (a queue group of their own), and one of them may take this AOR's delivery lease first, fail to reach the
    // fake edge and keep the message. So the event is published again until this router has drained it.
    for (let i = 0; i < 250 && (await redis.xlen(messageKeys.pending(aor))) > 0; i++) {
      if (i % 10 === 0) nc.publish(subjects.registrationChanged(DOMAIN), JSON.stringify({ aor, edgeId: 'edge-0', at: Date.now() }));
      await new Promise((res) => setTimeout(res, 20));
    }
    assert.equal(await redis.xlen(messageKeys.pending(aor)), 0);
    assert.ok(edges.sent.some((s) => s.req.body.toString() === 'queued'));
  });

  it('malformed - an unparseable request is answered 400 when it has a Via', async () => {
    const res = await send('MESSAGE sip:x@y SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.9;branch=z9hG4bKx\r\nCSeq: nope\r\n\r\n');
    assert.match(res, /^SIP\/2\.0 400 /);
  });
});

describe('message router - RFC 5365 multiple-recipient MESSAGE', () => {
  const NAMES = ['bill', 'randy', 'eddy', 'joe', 'carol', 'ted', 'andy'];

  /** The RFC 5365 §9 Figure 2 request with its example domains replaced by a fresh test domain whose users exist. */
  async function figure2(): Promise<{ req: SipRequest; domain: string }> {
    const domain = `l${randomBytes(3).toString('hex')}.${DOMAIN}`;
    for (const n of [...NAMES, 'alice']) {
      created.push(`${n}@${domain}`);
      await redis.hset(redisKeys.user(`${n}@${domain}`), 'realm', domain);
    }
    return { req: sipFixture('rfc5365-9-fig2-message-to-uri-list-server.txt', [[/example\.(com|net|org)/g, domain]]), domain };
  }

  it('exploder - Figure 2: 202 to the sender, one MESSAGE per recipient with its own To, every copy with Figure 3\'s history, bcc hidden', async () => {
    const { req, domain } = await figure2();
    for (const n of NAMES) await register(`${n}@${domain}`, [`sip:${n}@192.0.2.7:5060`]);
    const edges = new FakeEdges();
    const a = await router(edges).handle(req, env(FLOW_TCP), serializeMessage(req).length);
    assert.equal(a.status, 202, 'RFC 5365 §7: the URI-list service answers 202');
    assert.equal(edges.sent.length, NAMES.length);
    const expectedHistory = listEntries(
      [
        '<resource-lists xmlns="urn:ietf:params:xml:ns:resource-lists" xmlns:cp="urn:ietf:params:xml:ns:copycontrol"><list>',
        `<entry uri="sip:bill@${domain}" cp:copyControl="to"/><entry uri="sip:anonymous@anonymous.invalid" cp:copyControl="to" cp:count="2"/>`,
        `<entry uri="sip:joe@${domain}" cp:copyControl="cc"/><entry uri="sip:anonymous@anonymous.invalid" cp:copyControl="cc" cp:count="1"/>`,
        '</list></resource-lists>',
      ].join(''),
    );
    const callIds = new Set<string>();
    for (const { req: out } of edges.sent) {
      const user = out.uri.kind === 'sip' ? out.uri.user : undefined;
      assert.ok(user !== undefined && NAMES.includes(user));
      assert.equal(out.to.uri.toString(), `sip:${user}@${domain}`, 'To = the intended recipient');
      assert.equal(out.from.uri.toString(), `sip:alice@${domain}`);
      assert.notEqual(out.callId, req.callId);
      callIds.add(out.callId);
      assert.equal(out.headers.has('require'), false);
      const parts = messageParts(out);
      assert.ok(parts.ok);
      assert.equal(parts.value[0]?.body.toString().trim(), 'Hello World!');
      assert.deepEqual(listEntries(parts.value[1]?.body ?? ''), expectedHistory);
      // bcc (ted, andy) and the anonymized (randy, eddy, carol) appear in no copy.
      assert.doesNotMatch(out.body.toString(), /ted@|andy@|randy@|eddy@|carol@/);
    }
    assert.equal(callIds.size, NAMES.length, 'a new Call-ID per copy');
  });

  it('exploder - a recipient offline gets its copy stored (delivered when it registers); an unknown one none; still 202', async () => {
    const { req, domain } = await figure2();
    await redis.del(redisKeys.user(`andy@${domain}`));
    for (const n of NAMES.filter((x) => x !== 'joe' && x !== 'andy')) await register(`${n}@${domain}`, [`sip:${n}@192.0.2.7:5060`]);
    const edges = new FakeEdges();
    const r = router(edges);
    const a = await r.handle(req, env(FLOW_TCP), 900);
    assert.equal(a.status, 202);
    assert.equal(edges.sent.length, NAMES.length - 2);
    const joe = `joe@${domain}`;
    assert.equal(await redis.xlen(messageKeys.pending(joe)), 1);
    assert.equal(await redis.exists(messageKeys.pending(`andy@${domain}`)), 0);
    await register(joe, ['sip:joe@192.0.2.7:5060']);
    assert.equal(await r.drain(joe), 1);
    const got = edges.sent.at(-1)?.req;
    assert.equal(got?.to.uri.toString(), `sip:${joe}`);
    assert.equal(await redis.xlen(messageKeys.pending(joe)), 0);
  });

  it('exploder - more recipients than SIMPLE_MESSAGE_MAX_RECIPIENTS: 403 and nothing sent; a malformed list: 400', async () => {
    const { req, domain } = await figure2();
    for (const n of NAMES) await register(`${n}@${domain}`, [`sip:${n}@192.0.2.7:5060`]);
    const edges = new FakeEdges();
    const a = await router(edges, { maxRecipients: 6 }).handle(req, env(FLOW_TCP), 900);
    assert.equal(a.status, 403);
    assert.match(a.reason ?? '', /at most 6/);
    assert.equal(edges.sent.length, 0);
    const broken = parseMessage(Buffer.from(serializeMessage(req).toString().replace('recipient-list\r\n', 'recipient-lizt\r\n')));
    assert.ok(broken.ok && broken.value.kind === 'request');
    assert.equal((await router(edges).handle(broken.value, env(FLOW_TCP), 900)).status, 400);
    assert.equal(readMessageRouterConfig({ SIMPLE_MESSAGE_MAX_RECIPIENTS: '5' }).limits.maxRecipients, 5);
  });
});

describe('message router - CPIM and IMDN (RFC 3862, RFC 5438)', () => {
  const cpim = (from: string, to: string, disposition: string, content = 'Content-type: text/plain\r\n\r\nHello World'): string =>
    [
      `From: Alice <sip:${from}>`, `To: Bob <sip:${to}>`, 'NS: imdn <urn:ietf:params:imdn>', 'imdn.Message-ID: 34jk324j', 'DateTime: 2008-04-04T12:16:49-05:00',
      `imdn.Disposition-Notification: ${disposition}`, 'imdn.IMDN-Record-Route: <sip:im-relay@example.org>', '', content,
    ].join('\r\n');

  it('IMDN - an IM asking for processing notifications, stored for an offline user: 202, and a "stored" notification routed back to the sender', async () => {
    const sender = await user();
    const bob = await user();
    await register(sender, ['sip:alice@192.0.2.5:5060']);
    const edges = new FakeEdges();
    const r = router(edges);
    const im = message(bob, cpim(sender, bob, 'positive-delivery, processing').replace('<sip:im-relay@example.org>', `<sip:${sender}>`), { contentType: 'message/cpim', from: sender });
    const a = await r.handle(im.req, env(FLOW_TCP), im.size);
    assert.equal(a.status, 202);
    await r.idle();
    assert.equal(edges.sent.length, 1, 'the notification went to the sender');
    const n = edges.sent[0]?.req;
    assert.ok(n);
    assert.equal(n.uri.toString(), 'sip:alice@192.0.2.5:5060');
    assert.equal(n.to.uri.toString(), `sip:${sender}`, 'to the top IMDN-Route');
    assert.equal(n.from.uri.toString(), `sip:${bob}`);
    const body = cpimOf(n);
    assert.ok(body);
    assert.equal(cpimMimeHeader(body, 'Content-Disposition'), 'notification');
    assert.deepEqual(cpimHeaders(body, 'urn:ietf:params:imdn', 'IMDN-Route'), [`<sip:${sender}>`]);
    assert.match(body.content.toString(), /<message-id>34jk324j<\/message-id>[\s\S]*<processing-notification>\s*<status><stored\/><\/status>/);
    // The IM itself is stored untouched: its IMDN-Record-Route stays for the recipient's own IMDNs.
    await register(bob, ['sip:bob@192.0.2.6:5060']);
    assert.equal(await r.drain(bob), 1);
    assert.equal(edges.sent[1]?.req.body.toString(), im.req.body.toString());
  });

  it('IMDN - the sender offline: its notification is stored for it like any MESSAGE (and asks for no IMDN itself)', async () => {
    const sender = await user();
    const bob = await user();
    const r = router(new FakeEdges());
    const im = message(bob, cpim(sender, bob, 'processing').replace('<sip:im-relay@example.org>', `<sip:${sender}>`), { contentType: 'message/cpim', from: sender });
    assert.equal((await r.handle(im.req, env(FLOW_TCP), im.size)).status, 202);
    await r.idle();
    const [stored] = await new MessageStore(redis, 60_000, 10).oldest(sender, 1);
    assert.ok(stored);
    assert.match(stored.bytes.toString(), /message\/imdn\+xml[\s\S]*<stored\/>/);
    assert.equal(await redis.xlen(messageKeys.pending(sender)), 1, 'no IMDN about the IMDN');
  });

  it('IMDN - only positive/negative delivery asked: no notification from the store (RFC 5438 §12.2); delivered IMs: none either', async () => {
    const sender = await user();
    const bob = await user();
    await register(sender, ['sip:alice@192.0.2.5:5060']);
    const edges = new FakeEdges();
    const r = router(edges);
    const im = message(bob, cpim(sender, bob, 'positive-delivery, negative-delivery').replace('<sip:im-relay@example.org>', `<sip:${sender}>`), { contentType: 'message/cpim', from: sender });
    assert.equal((await r.handle(im.req, env(FLOW_TCP), im.size)).status, 202);
    await r.idle();
    assert.equal(edges.sent.length, 0);
    await register(bob, ['sip:bob@192.0.2.6:5060']);
    const online = message(bob, cpim(sender, bob, 'processing'), { contentType: 'message/cpim', from: sender });
    const fresh = router(edges);
    await fresh.drain(bob);
    assert.equal((await fresh.handle(online.req, env(FLOW_TCP), online.size)).status, 200);
    await fresh.idle();
    assert.ok(edges.sent.every((s) => s.req.uri.toString().includes('bob@')), 'no notification for a delivered IM');
  });

  it('IMDN - a stored IM asking for negative-delivery, refused when delivered later: a "failed" delivery notification (RFC 5438 §8.2)', async () => {
    const sender = await user();
    const bob = await user();
    await register(sender, ['sip:alice@192.0.2.5:5060']);
    const edges = new FakeEdges((c) => (c.includes('bob@') ? 488 : 200));
    const r = router(edges);
    const im = message(bob, cpim(sender, bob, 'negative-delivery').replace('<sip:im-relay@example.org>', `<sip:${sender}>`), { contentType: 'message/cpim', from: sender });
    assert.equal((await r.handle(im.req, env(FLOW_TCP), im.size)).status, 202);
    await r.idle();
    assert.equal(edges.sent.length, 0, 'nothing on storing: processing was not asked');
    await register(bob, ['sip:bob@192.0.2.6:5060']);
    assert.equal(await r.drain(bob), 0);
    await r.idle();
    assert.equal(await redis.xlen(messageKeys.pending(bob)), 0, 'refused: dropped');
    const n = edges.sent.find((s) => s.req.uri.toString().includes('alice@'))?.req;
    assert.ok(n, 'the sender got a notification');
    assert.match(n.body.toString(), /<delivery-notification>\s*<status><failed\/><\/status>/);
  });

  it('CPIM - is-composing wrapped in CPIM (RFC 3994 §3.1) is not stored either: 480', async () => {
    const bob = await user();
    const body = cpim('alice@x.test', bob, 'processing', `Content-type: application/im-iscomposing+xml\r\n\r\n<isComposing/>`);
    const im = message(bob, body, { contentType: 'message/cpim' });
    assert.equal((await router(new FakeEdges()).handle(im.req, env(FLOW_TCP), im.size)).status, 480);
    assert.equal(await redis.exists(messageKeys.pending(bob)), 0);
  });
});
