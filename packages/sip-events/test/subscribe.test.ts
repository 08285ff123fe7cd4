import assert from 'node:assert/strict';
import { after, afterEach, describe, it } from 'node:test';
import { FakeClock } from '@simple/clock';
import { subscriptionKeys } from '@simple/contracts';
import { createResponse } from '@simple/sip-message';
import { Notifier, type NotifierOptions } from '../src/index.js';
import { FakeTransport, FLOW, RedisNamespace, TestPackage, inbound, recorder, refresh, subscribe } from './support.js';

const ns = new RedisNamespace();
after(() => ns.cleanup());
// Every test stops what it starts: deliveries finish, sweep leases are given up.
const started: Notifier[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((n) => n.stop()));
});

function setup(options: Partial<NotifierOptions> = {}): { notifier: Notifier; pkg: TestPackage; transport: FakeTransport; clock: FakeClock; redis: ReturnType<RedisNamespace['client']> } {
  const pkg = new TestPackage();
  const transport = new FakeTransport();
  const clock = new FakeClock(Date.now());
  const redis = ns.client();
  const notifier = new Notifier({ redis, transport, packages: [pkg], clock, ...options });
  started.push(notifier);
  return { notifier, pkg, transport, clock, redis };
}

let seq = 0;
/** A fresh presentity per test, so that tests share nothing in Redis. */
function user(): string {
  return `bob${++seq}`;
}

describe('subscribe - initial SUBSCRIBE', () => {
  it('answers 200 with our To tag, Expires, Contact and Allow-Events, then sends the immediate NOTIFY with the composed body', async () => {
    const { notifier, pkg, transport } = setup();
    const bob = user();
    pkg.set(`${bob}@example.com`, 7);
    const rec = recorder(transport.log);
    const req = subscribe({ user: bob, expires: 600 });
    const out = await notifier.handleSubscribe(req, inbound(), rec.respond);

    assert.equal(out.status, 200);
    assert.equal(out.kind, 'created');
    const ok = rec.responses[0];
    assert.ok(ok !== undefined);
    assert.equal(ok.status, 200, 'RFC 6665 §8.3.1: never 202');
    assert.ok(ok.to.tag !== undefined);
    assert.equal(ok.headers.get('expires'), '600');
    assert.equal(ok.headers.get('contact'), '<sip:x-test@example.com>');
    assert.equal(ok.headers.get('allow-events'), 'x-test');

    assert.deepEqual(transport.log, ['RESPONSE 200', 'NOTIFY 1 active;expires=600'], 'the NOTIFY follows the 200');
    const n = transport.received[0];
    assert.ok(n !== undefined);
    assert.equal(n.hadVia, false, 'the edge adds the Via');
    assert.equal(n.request.method, 'NOTIFY');
    assert.equal(n.request.uri.toString(), 'sip:alice@192.0.2.10:50602;transport=tcp', 'Request-URI = remote target');
    assert.equal(n.request.from.tag, ok.to.tag, 'From tag = our local tag');
    assert.equal(n.request.to.tag, 'ft1', 'To tag = the subscriber\'s');
    assert.equal(n.request.to.uri.toString(), 'sip:alice@example.com');
    assert.equal(n.request.from.uri.toString(), `sip:${bob}@example.com`);
    assert.equal(n.request.callId, req.callId);
    assert.equal(n.request.headers.get('cseq'), '1 NOTIFY');
    assert.equal(n.request.headers.get('event'), 'x-test');
    assert.equal(n.request.headers.get('contact'), '<sip:x-test@example.com>');
    assert.equal(n.request.headers.get('max-forwards'), '70');
    assert.equal(n.request.contentType, 'application/x-test+text', 'no Accept: the package default (RFC 6665 §3.1.3)');
    assert.equal(n.body, `${bob}@example.com state=7 auth=active version=0`);
    assert.deepEqual(n.flow, FLOW, 'over the flow the SUBSCRIBE came in on');

    const sub = await notifier.subscription(out.subscriptionId ?? '');
    assert.equal(sub?.state, 'active');
    assert.equal(sub?.dialog.localCseq, 1);
    assert.equal(sub?.version, 0);
    assert.deepEqual(await notifier.subscriptions('x-test', `${bob}@example.com`).then((s) => s.map((x) => x.id)), [out.subscriptionId]);
    await notifier.idle();
    assert.deepEqual(pkg.changes.map((c) => c.change.kind), ['created']);
  });

  it('the first NOTIFY never precedes the 200, even when a state change races the SUBSCRIBE', async () => {
    const { notifier, pkg, transport } = setup();
    const bob = user();
    const resource = `${bob}@example.com`;
    pkg.set(resource, 1);
    const log = transport.log;
    let raced: Promise<unknown> = Promise.resolve();
    const out = await notifier.handleSubscribe(subscribe({ user: bob }), inbound(), async (r) => {
      // While the 200 is on its way, the resource changes and a fan-out runs.
      pkg.set(resource, 2);
      raced = notifier.notifyResource('x-test', resource);
      await raced;
      await new Promise((resolve) => setTimeout(resolve, 20));
      log.push(`RESPONSE ${r.status}`);
    });
    await raced;
    await notifier.idle();
    assert.equal(out.status, 200);
    assert.equal(log[0], 'RESPONSE 200');
    const bodies = transport.received.map((n) => n.body);
    assert.match(bodies.at(-1) ?? '', /state=2/, 'the latest state is sent');
    assert.deepEqual(transport.received.map((n) => n.cseq), transport.received.map((_, i) => i + 1));
  });

  it('an unknown event package, or none, is answered 489 with Allow-Events (RFC 6665 §4.2.1.1, §4.2.3)', async () => {
    const { notifier, transport } = setup();
    for (const event of ['dialog', null] as const) {
      const rec = recorder();
      const out = await notifier.handleSubscribe(subscribe({ user: user(), event }), inbound(), rec.respond);
      assert.equal(out.status, 489);
      assert.equal(rec.responses[0]?.headers.get('allow-events'), 'x-test');
    }
    assert.equal(transport.received.length, 0, 'no NOTIFY after a failure response');
  });

  it('an Accept that names nothing the package offers is answered 406 with Accept; a listed second type is chosen', async () => {
    const { notifier, pkg, transport } = setup();
    const rec = recorder();
    const out = await notifier.handleSubscribe(subscribe({ user: user(), accept: ['application/pidf+xml'] }), inbound(), rec.respond);
    assert.equal(out.status, 406);
    assert.equal(rec.responses[0]?.headers.get('accept'), 'application/x-test+text, text/plain');
    assert.equal(transport.received.length, 0);

    const bob = user();
    pkg.set(`${bob}@example.com`, 1);
    const ok = await notifier.handleSubscribe(subscribe({ user: bob, accept: ['application/pidf+xml, text/plain'] }), inbound(), recorder().respond);
    assert.equal(ok.status, 200);
    assert.equal(transport.received[0]?.request.contentType, 'text/plain');
  });

  it('an Expires below the minimum is answered 423 with Min-Expires; above the maximum it is shortened (RFC 6665 §4.2.1.1)', async () => {
    const { notifier, transport } = setup();
    const rec = recorder();
    const out = await notifier.handleSubscribe(subscribe({ user: user(), expires: 30 }), inbound(), rec.respond);
    assert.equal(out.status, 423);
    assert.equal(rec.responses[0]?.headers.get('min-expires'), '60');
    assert.equal(transport.received.length, 0);

    const rec2 = recorder();
    await notifier.handleSubscribe(subscribe({ user: user(), expires: 86_400 }), inbound(), rec2.respond);
    assert.equal(rec2.responses[0]?.headers.get('expires'), '3600', 'MAY shorten, MUST NOT lengthen');
    assert.equal(transport.received[0]?.state, 'active;expires=3600');
    const rec3 = recorder();
    await notifier.handleSubscribe(subscribe({ user: user() }), inbound(), rec3.respond);
    assert.equal(rec3.responses[0]?.headers.get('expires'), '600', 'no Expires: the package default (RFC 6665 §3.1.1)');
  });

  it('a watcher authorization refuses is answered 403, and no subscription is kept', async () => {
    const { notifier, pkg, transport, redis } = setup();
    pkg.policy.set('alice@example.com', 'rejected');
    const bob = user();
    const out = await notifier.handleSubscribe(subscribe({ user: bob }), inbound(), recorder().respond);
    assert.equal(out.status, 403);
    assert.equal(transport.received.length, 0);
    assert.equal(await redis.scard(subscriptionKeys.resourceSubscriptions('x-test', `${bob}@example.com`)), 0);
  });

  it('polite blocking: 200, active, and a neutral body (RFC 3856 §6.6.2)', async () => {
    const { notifier, pkg, transport } = setup();
    pkg.policy.set('alice@example.com', 'polite-block');
    const bob = user();
    pkg.set(`${bob}@example.com`, 3);
    const out = await notifier.handleSubscribe(subscribe({ user: bob }), inbound(), recorder().respond);
    assert.equal(out.status, 200);
    assert.equal(transport.received[0]?.state, 'active;expires=600');
    assert.equal(transport.received[0]?.body, `${bob}@example.com state=neutral`);
  });

  it('a SUBSCRIBE without Contact is refused with 400; a Record-Route becomes the route set, copied into the 200', async () => {
    const { notifier, transport } = setup();
    const out = await notifier.handleSubscribe(subscribe({ user: user(), contact: null }), inbound(), recorder().respond);
    assert.equal(out.status, 400);
    const rec = recorder();
    await notifier.handleSubscribe(
      subscribe({ user: user(), extra: ['Record-Route: <sip:p1.example.com;lr>', 'Record-Route: <sip:p2.example.com;lr>'] }),
      inbound(),
      rec.respond,
    );
    assert.deepEqual(rec.responses[0]?.headers.getAll('record-route'), ['<sip:p1.example.com;lr>', '<sip:p2.example.com;lr>']);
    const n = transport.received[0];
    assert.equal(n?.request.headers.get('route'), '<sip:p1.example.com;lr>, <sip:p2.example.com;lr>', 'RFC 3261 §12.1.1: in order');
    assert.equal(n?.request.uri.toString(), 'sip:alice@192.0.2.10:50602;transport=tcp');
  });

  it('the Event id is stored and echoed in every NOTIFY (RFC 6665 §4.5.2, RFC 3265 §3.2.1)', async () => {
    const { notifier, transport } = setup();
    await notifier.handleSubscribe(subscribe({ user: user(), event: 'x-test;id=42' }), inbound(), recorder().respond);
    assert.equal(transport.received[0]?.request.headers.get('event'), 'x-test;id=42');
  });
});

describe('subscribe - refresh, fetch, unsubscribe', () => {
  it('a refresh in the dialog extends the expiry and sends a NOTIFY with the next CSeq and version', async () => {
    const { notifier, pkg, transport, clock } = setup();
    const bob = user();
    pkg.set(`${bob}@example.com`, 1);
    const first = subscribe({ user: bob, expires: 600 });
    const rec = recorder();
    const created = await notifier.handleSubscribe(first, inbound(), rec.respond);
    const ok = rec.responses[0];
    assert.ok(ok !== undefined);
    clock.advance(100_000);
    const rec2 = recorder();
    const r = await notifier.handleSubscribe(refresh(first, ok, { user: bob, cseq: 2, expires: 1200 }), inbound(), rec2.respond);
    assert.equal(r.status, 200);
    assert.equal(r.kind, 'refreshed');
    assert.equal(r.subscriptionId, created.subscriptionId);
    assert.equal(rec2.responses[0]?.headers.get('expires'), '1200');
    assert.equal(rec2.responses[0]?.to.tag, ok.to.tag, 'the same dialog');
    const n = transport.received[1];
    assert.equal(n?.cseq, 2);
    assert.equal(n?.state, 'active;expires=1200');
    assert.match(n?.body ?? '', /version=1$/);
    const sub = await notifier.subscription(created.subscriptionId ?? '');
    assert.equal(sub?.expiresAt, clock.now() + 1_200_000);
    assert.equal(sub?.dialog.remoteCseq, 2);
  });

  it('a refresh of an unknown dialog is answered 481; an out-of-order CSeq 500; another package in the dialog 403', async () => {
    const { notifier, transport } = setup();
    const stray = await notifier.handleSubscribe(subscribe({ user: user(), toTag: 'nosuchtag', cseq: 5 }), inbound(), recorder().respond);
    assert.equal(stray.status, 481);

    const bob = user();
    const first = subscribe({ user: bob, cseq: 10 });
    const rec = recorder();
    await notifier.handleSubscribe(first, inbound(), rec.respond);
    const ok = rec.responses[0];
    assert.ok(ok !== undefined);
    const old = await notifier.handleSubscribe(refresh(first, ok, { user: bob, cseq: 10 }), inbound(), recorder().respond);
    assert.equal(old.status, 500, 'RFC 3261 §12.2.2');
    const sharing = await notifier.handleSubscribe(refresh(first, ok, { user: bob, cseq: 11, event: 'x-test;id=2' }), inbound(), recorder().respond);
    assert.equal(sharing.status, 403);
    assert.equal(transport.received.length, 1, 'only the first NOTIFY');
  });

  it('Expires 0 out of dialog is a fetch: 200 Expires 0, one NOTIFY terminated;reason=timeout with state, nothing stored (RFC 6665 §4.4.3)', async () => {
    const { notifier, pkg, transport } = setup();
    const bob = user();
    pkg.set(`${bob}@example.com`, 9);
    const keysBefore = (await ns.keys()).length;
    const rec = recorder(transport.log);
    const out = await notifier.handleSubscribe(subscribe({ user: bob, expires: 0 }), inbound(), rec.respond);
    assert.equal(out.kind, 'fetched');
    assert.equal(rec.responses[0]?.status, 200);
    assert.equal(rec.responses[0]?.headers.get('expires'), '0');
    assert.deepEqual(transport.log, ['RESPONSE 200', 'NOTIFY 1 terminated;reason=timeout']);
    assert.equal(transport.received[0]?.body, `${bob}@example.com state=9 auth=active version=0`);
    assert.equal(transport.received[0]?.request.from.tag, rec.responses[0]?.to.tag);
    assert.equal((await ns.keys()).length, keysBefore);
  });

  it('Expires 0 in the dialog unsubscribes: 200, a final NOTIFY terminated;reason=timeout, and the subscription is gone', async () => {
    const { notifier, pkg, transport, redis } = setup();
    const bob = user();
    pkg.set(`${bob}@example.com`, 4);
    const first = subscribe({ user: bob });
    const rec = recorder();
    const created = await notifier.handleSubscribe(first, inbound(), rec.respond);
    const ok = rec.responses[0];
    assert.ok(ok !== undefined);
    const out = await notifier.handleSubscribe(refresh(first, ok, { user: bob, cseq: 2, expires: 0 }), inbound(), recorder().respond);
    assert.equal(out.status, 200);
    assert.equal(out.kind, 'unsubscribed');
    const last = transport.received.at(-1);
    assert.equal(last?.state, 'terminated;reason=timeout');
    assert.equal(last?.cseq, 2);
    assert.equal(last?.body, `${bob}@example.com state=4 auth=active version=1`, 'the final NOTIFY may carry state (§4.2.1.4)');
    const id = created.subscriptionId ?? '';
    assert.equal(await notifier.subscription(id), undefined);
    assert.equal(await redis.exists(subscriptionKeys.subscription(id), subscriptionKeys.subscriptionSender(id)), 0);
    assert.equal(await redis.sismember(subscriptionKeys.resourceSubscriptions('x-test', `${bob}@example.com`), id), 0);
    assert.equal(await redis.zscore(subscriptionKeys.subscriptionExpiry('x-test'), id), null);
    const again = await notifier.handleSubscribe(refresh(first, ok, { user: bob, cseq: 3 }), inbound(), recorder().respond);
    assert.equal(again.status, 481);
    await notifier.idle();
    assert.deepEqual(pkg.changes.map((c) => c.change), [{ kind: 'created' }, { kind: 'terminated', reason: 'timeout' }]);
  });
});

describe('subscribe - expiry, NOTIFY failures, termination', () => {
  it('a subscription not refreshed in time is ended by the sweep with terminated;reason=timeout (RFC 6665 §4.2.1.4)', async () => {
    const { notifier, pkg, transport, clock } = setup();
    const bob = user();
    pkg.set(`${bob}@example.com`, 1);
    const created = await notifier.handleSubscribe(subscribe({ user: bob, expires: 60 }), inbound(), recorder().respond);
    clock.advance(59_000);
    const s1 = await notifier.sweep();
    assert.equal(s1.expired, 0, 'not yet');
    clock.advance(2_000);
    const s2 = await notifier.sweep();
    assert.equal(s2.expired, 1);
    await notifier.idle();
    const last = transport.received.at(-1);
    assert.equal(last?.state, 'terminated;reason=timeout');
    assert.equal(last?.cseq, 2);
    assert.equal(await notifier.subscription(created.subscriptionId ?? ''), undefined);
    const s3 = await notifier.sweep();
    assert.equal(s3.expired, 0, 'swept once');
  });

  it('a NOTIFY answered 481 removes the subscription, with no further NOTIFY (RFC 6665 §4.2.2)', async () => {
    const { notifier, pkg, transport } = setup();
    const bob = user();
    const resource = `${bob}@example.com`;
    pkg.set(resource, 1);
    const created = await notifier.handleSubscribe(subscribe({ user: bob }), inbound(), recorder().respond);
    transport.answer = () => 481;
    pkg.set(resource, 2);
    await notifier.notifyResource('x-test', resource);
    await notifier.idle();
    assert.equal(transport.received.length, 2);
    assert.equal(await notifier.subscription(created.subscriptionId ?? ''), undefined);
    assert.deepEqual(await notifier.subscriptions('x-test', resource), []);
    pkg.set(resource, 3);
    const r = await notifier.notifyResource('x-test', resource);
    await notifier.idle();
    assert.equal(r.subscriptions, 0);
    assert.equal(transport.received.length, 2);
    assert.deepEqual(pkg.changes.at(-1)?.change, { kind: 'terminated', reason: 'notify-failed' });
  });

  it('430 Flow Failed and the edge\'s 408 remove the subscription; a 500 or a 503 with Retry-After keep it', async () => {
    const { notifier, pkg, transport } = setup();
    for (const [status, kept] of [[430, false], [408, false], [500, true], [503, true]] as const) {
      const bob = user();
      const resource = `${bob}@example.com`;
      pkg.set(resource, 1);
      transport.answer = () => 200;
      const created = await notifier.handleSubscribe(subscribe({ user: bob }), inbound(), recorder().respond);
      transport.answer = (n) =>
        status === 503 ? { kind: 'response', response: createResponse(n.request, 503, { headers: [['Retry-After', '5']] }) } : status;
      await notifier.notifyResource('x-test', resource);
      await notifier.idle();
      assert.equal((await notifier.subscription(created.subscriptionId ?? '')) !== undefined, kept, `status ${status}`);
    }
  });

  it('delivered is told of each NOTIFY answered 2xx, and only of those; endOnFailedNotify ends the subscription on any other answer (RFC 5875 §4.7)', async () => {
    const { notifier, pkg, transport } = setup();
    const bob = user();
    const resource = `${bob}@example.com`;
    pkg.set(resource, 1);
    const created = await notifier.handleSubscribe(subscribe({ user: bob }), inbound(), recorder().respond);
    assert.deepEqual(pkg.deliveredVersions, [0]);
    transport.answer = () => 500;
    pkg.set(resource, 2);
    await notifier.notifyResource('x-test', resource);
    await notifier.idle();
    assert.deepEqual(pkg.deliveredVersions, [0], 'a 500 is not a delivery');
    assert.ok((await notifier.subscription(created.subscriptionId ?? '')) !== undefined, 'RFC 6665: a 500 keeps the subscription');
    pkg.endOnFailedNotify = true;
    pkg.set(resource, 3);
    await notifier.notifyResource('x-test', resource);
    await notifier.idle();
    assert.equal(await notifier.subscription(created.subscriptionId ?? ''), undefined, 'with endOnFailedNotify a 500 ends it');
    const sent = transport.received.length;
    pkg.set(resource, 4);
    await notifier.notifyResource('x-test', resource);
    await notifier.idle();
    assert.equal(transport.received.length, sent, 'and no NOTIFY follows');
  });

  it('pending until authorized: 200 and NOTIFY pending, no NOTIFY on state changes, then active with state (RFC 3856 §6.7)', async () => {
    const { notifier, pkg, transport } = setup();
    pkg.policy.set('alice@example.com', 'pending');
    const bob = user();
    const resource = `${bob}@example.com`;
    pkg.set(resource, 1);
    const out = await notifier.handleSubscribe(subscribe({ user: bob }), inbound(), recorder().respond);
    assert.equal(out.status, 200, 'RFC 6665 §8.3.1: 200, not 202');
    assert.equal(transport.received[0]?.state, 'pending;expires=600');
    assert.equal(transport.received[0]?.body, `${resource} pending`);

    pkg.set(resource, 2);
    const fan = await notifier.notifyResource('x-test', resource);
    await notifier.idle();
    assert.deepEqual([fan.queued, fan.skipped], [0, 1]);
    assert.equal(transport.received.length, 1);

    pkg.policy.set('alice@example.com', 'active');
    assert.equal(await notifier.reauthorize('x-test', resource), 1);
    await notifier.idle();
    assert.equal(transport.received.length, 2);
    assert.equal(transport.received[1]?.state, 'active;expires=600');
    assert.equal(transport.received[1]?.body, `${resource} state=2 auth=active version=1`);
    assert.deepEqual(pkg.changes.map((c) => c.change.kind), ['created', 'authorization']);
  });

  it('a subscription refused after the fact ends with terminated;reason=rejected and no state (RFC 6665 §4.2.1.3)', async () => {
    const { notifier, pkg, transport } = setup();
    const bob = user();
    const resource = `${bob}@example.com`;
    pkg.set(resource, 1);
    const created = await notifier.handleSubscribe(subscribe({ user: bob }), inbound(), recorder().respond);
    pkg.policy.set('alice@example.com', 'rejected');
    assert.equal(await notifier.reauthorize('x-test', resource), 1);
    const last = transport.received.at(-1);
    assert.equal(last?.state, 'terminated;reason=rejected');
    assert.equal(last?.body, '');
    assert.equal(await notifier.subscription(created.subscriptionId ?? ''), undefined);
  });

  it('every reason of RFC 6665 §4.1.3 can end a subscription; retry-after only where it has meaning', async () => {
    const { notifier, pkg, transport } = setup();
    const cases = [
      ['deactivated', undefined, 'terminated;reason=deactivated'],
      ['probation', 30, 'terminated;reason=probation;retry-after=30'],
      ['rejected', 30, 'terminated;reason=rejected'],
      ['timeout', undefined, 'terminated;reason=timeout'],
      ['giveup', 60, 'terminated;reason=giveup;retry-after=60'],
      ['noresource', 10, 'terminated;reason=noresource'],
      ['invariant', undefined, 'terminated;reason=invariant;retry-after=31536000'],
    ] as const;
    for (const [reason, retryAfter, expected] of cases) {
      const bob = user();
      pkg.set(`${bob}@example.com`, 1);
      await notifier.handleSubscribe(subscribe({ user: bob }), inbound(), recorder().respond);
      const n = await notifier.terminateResource('x-test', `${bob}@example.com`, reason, { retryAfter });
      assert.equal(n, 1);
      assert.equal(transport.received.at(-1)?.state, expected);
      assert.deepEqual(await notifier.subscriptions('x-test', `${bob}@example.com`), []);
    }
  });
});


describe('subscribe - fan-out', () => {
  it('one compose per watcher class for a state change; every active subscriber gets it', async () => {
    const { notifier, pkg, transport } = setup();
    pkg.shareBodies = true;
    const bob = user();
    const resource = `${bob}@example.com`;
    pkg.set(resource, 1);
    for (const w of ['w1', 'w2', 'w3']) await notifier.handleSubscribe(subscribe({ user: bob, watcher: w }), inbound(`${w}@example.com`), recorder().respond);
    await notifier.handleSubscribe(subscribe({ user: bob, watcher: 'w4', accept: ['text/plain'] }), inbound('w4@example.com'), recorder().respond);
    const before = pkg.composeCalls;
    pkg.set(resource, 2);
    const r = await notifier.notifyResource('x-test', resource);
    await notifier.idle();
    assert.deepEqual(r, { subscriptions: 4, queued: 4, deferred: 0, skipped: 0 });
    assert.equal(pkg.composeCalls - before, 2, 'two classes: two content types');
    const last = transport.received.slice(-4);
    assert.equal(last.filter((n) => /state=2/.test(n.body)).length, 4);
    assert.deepEqual(last.map((n) => n.request.contentType).sort(), ['application/x-test+text', 'application/x-test+text', 'application/x-test+text', 'text/plain']);
  });

  it('a filter that finds nothing for its watcher skips the NOTIFY, and the CSeq stays contiguous; the first NOTIFY is never skipped', async () => {
    const { notifier, pkg, transport } = setup();
    let skip = true;
    Object.assign(pkg, { filter: async (body: unknown) => (skip ? 'skip' : body) });
    const bob = user();
    const resource = `${bob}@example.com`;
    pkg.set(resource, 1);
    await notifier.handleSubscribe(subscribe({ user: bob }), inbound(), recorder().respond);
    assert.equal(transport.received.length, 1, 'mandatory (RFC 6665 §4.2.1.2)');
    pkg.set(resource, 2);
    await notifier.notifyResource('x-test', resource);
    await notifier.idle();
    assert.equal(transport.received.length, 1);
    skip = false;
    pkg.set(resource, 3);
    await notifier.notifyResource('x-test', resource);
    await notifier.idle();
    assert.equal(transport.received.length, 2);
    assert.equal(transport.received[1]?.cseq, 2);
    assert.match(transport.received[1]?.body ?? '', /state=3 auth=active version=1$/);
  });

  it('a replica that stops with the queue full owes the rest in Redis; nothing is lost', async () => {
    const { notifier, pkg, transport, clock } = setup({ concurrency: 1, maxQueued: 0 });
    const bob = user();
    const resource = `${bob}@example.com`;
    pkg.set(resource, 1);
    for (const w of ['q1', 'q2', 'q3']) await notifier.handleSubscribe(subscribe({ user: bob, watcher: w }), inbound(`${w}@example.com`), recorder().respond);
    transport.delayMs = 5;
    pkg.set(resource, 2);
    const r = await notifier.notifyResource('x-test', resource);
    assert.deepEqual([r.queued, r.deferred], [1, 2]);
    await notifier.idle();
    clock.advance(1000);
    const swept: number[] = [];
    for (let i = 0; i < 3; i++) {
      swept.push((await notifier.sweep()).deferred);
      await notifier.idle();
    }
    assert.deepEqual(swept, [1, 1, 0], 'one at a time: the queue is bounded');
    const latest = new Map(transport.received.map((n) => [n.request.callId, n.body]));
    assert.equal([...latest.values()].filter((b) => /state=2/.test(b)).length, 3);
  });
});
