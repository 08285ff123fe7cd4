import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { parseMessage, type SipRequest } from '@simple/sip-message';
import { readInbound, subjects } from '@simple/contracts';
import { routeRequest } from '../src/routing/service-route.js';
import { SourceRateLimiter } from '../src/routing/source-rate-limiter.js';
import { ServiceRequester } from '../src/routing/service-requester.js';

function req(method: string, extra: string[] = []): SipRequest {
  const r = parseMessage(Buffer.from([
    `${method} sip:bob@example.com SIP/2.0`, 'Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKx', 'To: <sip:bob@example.com>',
    'From: <sip:alice@example.com>;tag=1', 'Call-ID: r1', `CSeq: 1 ${method}`, 'Max-Forwards: 70', ...extra, 'Content-Length: 0', '', '',
  ].join('\r\n')));
  assert.ok(r.ok && r.value.kind === 'request');
  return r.value;
}

describe('routing - service by method and Event', () => {
  it('PUBLISH/SUBSCRIBE presence → presence; presence.winfo → watcherinfo; xcap-diff → xcap-diff', () => {
    assert.deepEqual(routeRequest(req('PUBLISH', ['Event: presence'])), { kind: 'service', service: 'presence' });
    assert.deepEqual(routeRequest(req('SUBSCRIBE', ['Event: presence.winfo'])), { kind: 'service', service: 'watcherinfo' });
    assert.deepEqual(routeRequest(req('SUBSCRIBE', ['Event: xcap-diff'])), { kind: 'service', service: 'xcap-diff' });
  });
  it('MESSAGE → message-router; INVITE → chat', () => {
    assert.deepEqual(routeRequest(req('MESSAGE')), { kind: 'service', service: 'message-router' });
    assert.deepEqual(routeRequest(req('INVITE')), { kind: 'service', service: 'chat' });
  });
  it('an unknown event package → 489 with Allow-Events (RFC 6665 §7.2.2); no Event → 400', () => {
    const r = routeRequest(req('SUBSCRIBE', ['Event: dialog']));
    assert.ok(r.kind === 'reject' && r.status === 489 && r.headers.some(([n]) => n === 'Allow-Events'));
    const none = routeRequest(req('SUBSCRIBE'));
    assert.ok(none.kind === 'reject' && none.status === 400);
  });
});

describe('routing - per-source rate limit', () => {
  it('a burst beyond the rate is refused, the bucket refills with time', () => {
    let t = 0;
    const l = new SourceRateLimiter(5, () => t);
    for (let i = 0; i < 5; i++) assert.ok(l.allow('192.0.2.1'));
    assert.equal(l.allow('192.0.2.1'), false);
    assert.ok(l.allow('192.0.2.2'), 'another source has its own bucket');
    t += 1000;
    assert.ok(l.allow('192.0.2.1'));
  });
  it('the table of sources is bounded', () => {
    const l = new SourceRateLimiter(1, () => 0, 100);
    for (let i = 0; i < 1000; i++) l.allow(`10.0.${i >> 8}.${i & 255}`);
    assert.equal(l.size, 100);
  });
});

describe('routing - requests to services over NATS (real nats-server)', () => {
  let nc: NatsConnection;
  let svc: NatsConnection;
  before(async () => {
    nc = await connect({ servers: '127.0.0.1:4222' });
    svc = await connect({ servers: '127.0.0.1:4222' });
  });
  after(async () => {
    await nc.close();
    await svc.close();
  });

  const flow = { edgeId: 'e-test', flowId: 'f1', transport: 'UDP', remoteAddress: '127.0.0.1', remotePort: 5099 };

  it('a reply comes back; the envelope reaches the service in headers', async () => {
    const name = `unit-${Date.now()}`;
    const sub = svc.subscribe(subjects.sipToService(name), {
      queue: subjects.serviceQueue(name),
      callback: (_e, m) => {
        const env = m.headers ? readInbound(m.headers) : undefined;
        m.respond(new TextEncoder().encode(`ok ${env?.identity ?? '-'} ${env?.flow.flowId ?? '-'}`));
      },
    });
    await svc.flush();
    const r = new ServiceRequester(nc, { timeoutMs: 1000, maxInflightPerService: 10 });
    r.start();
    const reply = await r.request(name, new Uint8Array([1]), { flow, identity: 'alice@example.com', receivedAt: 1 });
    assert.equal(reply.kind, 'reply');
    assert.equal(reply.kind === 'reply' && new TextDecoder().decode(reply.payload), 'ok alice@example.com f1');
    sub.unsubscribe();
    await r.stop();
  });

  it('no replica listening → unavailable, at once', async () => {
    const r = new ServiceRequester(nc, { timeoutMs: 5000, maxInflightPerService: 10 });
    r.start();
    const t0 = Date.now();
    const reply = await r.request(`nobody-${Date.now()}`, new Uint8Array([1]), { flow, identity: undefined, receivedAt: 1 });
    assert.equal(reply.kind, 'unavailable');
    assert.ok(Date.now() - t0 < 2000);
    await r.stop();
  });

  it('a slow service → timeout; a full in-flight bound → overloaded', async () => {
    const name = `slow-${Date.now()}`;
    const sub = svc.subscribe(subjects.sipToService(name), { callback: () => undefined }); // never answers
    await svc.flush();
    const r = new ServiceRequester(nc, { timeoutMs: 200, maxInflightPerService: 1 });
    r.start();
    const first = r.request(name, new Uint8Array([1]), { flow, identity: undefined, receivedAt: 1 });
    const second = await r.request(name, new Uint8Array([1]), { flow, identity: undefined, receivedAt: 1 });
    assert.equal(second.kind, 'overloaded');
    assert.equal((await first).kind, 'timeout');
    assert.equal(r.inflightTo(name), 0);
    sub.unsubscribe();
    await r.stop();
  });
});
