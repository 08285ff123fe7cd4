import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { subscriptionKeys } from '@simple/contracts';
import { SipHeaders, SipResponse } from '@simple/sip-message';
import { Redis } from 'ioredis';
import {
  Notifier,
  SipEventsError,
  buildNotify,
  dialogId,
  formatMaxRate,
  formatSubscriptionStateHeader,
  grantExpiry,
  minNotifyInterval,
  negotiateContentType,
  notifyVerdict,
  parseMaxRate,
  type NotifyOutcome,
  type Subscription,
} from '../src/index.js';
import { FLOW, FakeTransport, TestPackage, subscribe } from './support.js';

const OFFERED = ['application/pidf+xml', 'application/xpidf+xml', 'text/plain'];

describe('policies - Accept negotiation (RFC 6665 §3.1.3, §4.1.2.1)', () => {
  const pick = (accept: string[] | undefined): ReturnType<typeof negotiateContentType> =>
    negotiateContentType(OFFERED, subscribe({ accept }));
  it('no Accept: the package decides (its default)', () => {
    assert.deepEqual(pick(undefined), { ok: true, contentType: undefined, accept: [] });
  });
  it('the highest q wins, ties go to the package order, q=0 refuses, the most specific range decides', () => {
    const r0 = pick(['text/plain, application/pidf+xml']);
    assert.ok(r0.ok && r0.contentType === 'application/pidf+xml');
    const r1 = pick(['application/pidf+xml;q=0.5, text/plain']);
    assert.ok(r1.ok && r1.contentType === 'text/plain');
    const r2 = pick(['*/*, application/pidf+xml;q=0']);
    assert.ok(r2.ok && r2.contentType === 'application/xpidf+xml');
    const r3 = pick(['application/*;q=0.2', 'text/*']);
    assert.ok(r3.ok && r3.contentType === 'text/plain');
  });
  it('nothing acceptable, or an empty Accept: 406; a malformed one: 400', () => {
    assert.deepEqual(pick(['image/png']), { ok: false, status: 406, reason: 'Not Acceptable' });
    assert.equal(pick(['']).ok, false);
    const bad = pick(['application']);
    assert.ok(!bad.ok && bad.status === 400);
  });
});

describe('policies - expiry (RFC 6665 §3.1.1, §4.2.1.1)', () => {
  const b = { minExpires: 60, maxExpires: 7200, defaultExpires: 3600 };
  it('default, zero, minimum, maximum', () => {
    assert.deepEqual(grantExpiry(undefined, b), { kind: 'grant', seconds: 3600 });
    assert.deepEqual(grantExpiry(0, b), { kind: 'grant', seconds: 0 });
    assert.deepEqual(grantExpiry(59, b), { kind: 'too-brief', minExpires: 60 });
    assert.deepEqual(grantExpiry(60, b), { kind: 'grant', seconds: 60 });
    assert.deepEqual(grantExpiry(10_000, b), { kind: 'grant', seconds: 7200 });
  });
  it('423 only below one hour: a minimum above it cannot refuse 3600 (it may not lengthen either)', () => {
    const high = { minExpires: 5000, maxExpires: 9000, defaultExpires: 6000 };
    assert.deepEqual(grantExpiry(3599, high), { kind: 'too-brief', minExpires: 5000 });
    assert.deepEqual(grantExpiry(3600, high), { kind: 'grant', seconds: 3600 });
  });
});

describe('policies - which NOTIFY outcomes end a subscription (RFC 6665 §4.2.2)', () => {
  const response = (status: number, retryAfter?: string): NotifyOutcome => {
    const h = new SipHeaders();
    if (retryAfter !== undefined) h.append('Retry-After', retryAfter);
    return { kind: 'response', response: new SipResponse(status, 'x', h) };
  };
  it('the listed responses, Timer F, a failed flow, a gone edge', () => {
    for (const s of [404, 405, 410, 416, 480, 481, 482, 483, 484, 485, 489, 501, 604, 408, 430]) assert.equal(notifyVerdict(response(s)), 'terminate', String(s));
    assert.equal(notifyVerdict(response(503)), 'terminate', 'a local 503: a transport failure');
    assert.equal(notifyVerdict({ kind: 'no-edge' }), 'terminate');
    assert.equal(notifyVerdict({ kind: 'timeout' }), 'terminate');
  });
  it('success, and failures that keep it', () => {
    assert.equal(notifyVerdict(response(200)), 'delivered');
    assert.equal(notifyVerdict(response(202)), 'delivered', '§8.3.1: a 202 is a 200');
    for (const s of [400, 401, 403, 415, 486, 491, 500, 502, 504, 600, 603]) assert.equal(notifyVerdict(response(s)), 'failed', String(s));
    assert.equal(notifyVerdict(response(503, '10')), 'failed', 'overload with Retry-After is transient');
    assert.equal(notifyVerdict({ kind: 'error', detail: 'x' }), 'failed');
    assert.equal(notifyVerdict({ kind: 'overloaded' }), 'retry');
  });
});

describe('policies - Subscription-State (RFC 6665 §4.1.3, §4.2.2; RFC 6446 §5.2)', () => {
  it('expires on active and pending, never on terminated; retry-after only where it means something', () => {
    assert.equal(formatSubscriptionStateHeader({ state: 'active', expires: 599.7 }), 'active;expires=599');
    assert.equal(formatSubscriptionStateHeader({ state: 'pending', expires: -3 }), 'pending;expires=0');
    assert.equal(formatSubscriptionStateHeader({ state: 'active', expires: 60, maxRateIntervalMs: 4000 }), 'active;expires=60;max-rate=0.25');
    assert.equal(formatSubscriptionStateHeader({ state: 'terminated', reason: 'timeout', retryAfter: 5 }), 'terminated;reason=timeout');
    assert.equal(formatSubscriptionStateHeader({ state: 'terminated', reason: 'giveup', retryAfter: 5 }), 'terminated;reason=giveup;retry-after=5');
    assert.equal(formatSubscriptionStateHeader({ state: 'terminated', reason: 'invariant' }), 'terminated;reason=invariant;retry-after=31536000');
  });
  it('max-rate: the grammar, the rate raised to fit the expiry (RFC 6446 §5.3), and its reflection', () => {
    assert.equal(parseMaxRate('0.5'), 0.5);
    assert.equal(parseMaxRate('0'), undefined);
    assert.equal(parseMaxRate('100'), undefined);
    assert.equal(parseMaxRate('1.'), undefined);
    assert.equal(minNotifyInterval({}, 0.5, 600), 0, 'off by default');
    assert.equal(minNotifyInterval({ honorMaxRate: true }, 0.5, 600), 2000);
    assert.equal(minNotifyInterval({ honorMaxRate: true }, 0.001, 600), 600_000, 'no slower than once per expiry');
    assert.equal(minNotifyInterval({ minIntervalMs: 5000, honorMaxRate: true }, 1, 600), 5000, 'local policy wins when stricter');
    assert.equal(formatMaxRate(3000), '0.3333333333');
    assert.equal(formatMaxRate(1), '99.9999999999');
  });
});

describe('policies - keys, dialog ids, NOTIFY building', () => {
  it('dialog ids are fixed-length hex whatever the Call-ID holds; keys of one subscription share a hash tag', () => {
    const id = dialogId('a{b}c@host', 'lt', undefined);
    assert.match(id, /^[0-9a-f]{32}$/);
    assert.notEqual(dialogId('x', 'a', 'b'), dialogId('x', 'b', 'a'));
    const tag = (k: string): string | undefined => /\{([^}]*)\}/.exec(k)?.[1];
    assert.equal(tag(subscriptionKeys.subscription(id)), tag(subscriptionKeys.subscriptionSender(id)));
    assert.equal(tag(subscriptionKeys.resourceSubscriptions('presence', 'we{ir}d@example.com')), 'res:presence:we%7Bir%7Dd@example.com');
  });

  it('a route set whose first hop is a strict router: it takes the Request-URI, the remote target goes last (RFC 3261 §12.2.1.1)', () => {
    const sub: Subscription = {
      id: 'x', eventPackage: 'presence', eventId: undefined, resource: 'bob@example.com', resourceUri: 'sip:bob@example.com',
      watcher: 'alice@example.com', watcherUri: 'sip:alice@example.com', identity: undefined,
      dialog: {
        callId: 'cid', localTag: 'lt', remoteTag: 'rt', localUri: '<sip:bob@example.com>;tag=lt', remoteUri: '<sip:alice@example.com>;tag=rt',
        remoteTarget: 'sip:alice@192.0.2.1', routeSet: ['sip:p1.example.com', 'sip:p2.example.com;lr'], remoteCseq: 1, localCseq: 0, contact: 'sip:presence@example.com',
      },
      flow: FLOW, contentType: 'application/pidf+xml', accept: [], expiresAt: 0, state: 'active', authorization: 'active',
      termination: undefined, maxRate: undefined, minIntervalMs: 0, eventParams: {}, subscribeBody: undefined, createdAt: 0, version: -1,
    };
    const n = buildNotify(sub, { cseq: 3, subscriptionState: 'active;expires=10', body: undefined, maxForwards: 70 });
    assert.equal(n.uri.toString(), 'sip:p1.example.com');
    assert.equal(n.headers.get('route'), '<sip:p2.example.com;lr>, <sip:alice@192.0.2.1>');
    assert.equal(n.headers.get('cseq'), '3 NOTIFY');
    assert.equal(n.headers.has('content-type'), false);
  });

  it('options are checked once: a lease shorter than the transport timeout, or a package given twice, is refused', () => {
    const redis = new Redis({ lazyConnect: true });
    const transport = Object.assign(new FakeTransport(), { timeoutMs: 34_000 });
    assert.throws(() => new Notifier({ redis, transport, packages: [new TestPackage()], senderLeaseMs: 30_000 }), (e: unknown) => e instanceof SipEventsError && e.code === 'config');
    assert.throws(() => new Notifier({ redis, transport, packages: [new TestPackage(), new TestPackage()] }), SipEventsError);
    assert.throws(() => new Notifier({ redis, transport, packages: [new TestPackage('bad name')] }), SipEventsError);
    assert.ok(new Notifier({ redis, transport, packages: [new TestPackage()] }));
    redis.disconnect();
  });
});
