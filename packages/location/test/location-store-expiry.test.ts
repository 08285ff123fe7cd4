import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { redisKeys } from '@simple/contracts';
import { Redis } from 'ioredis';
import { LocationStore, type Binding } from '../src/index.js';
import { useRedisNamespace } from '@simple/testkit';

// Every key of this run lives under its own prefix, deleted at the end.
const redisClient = useRedisNamespace('location-expiry');
let redis: Redis;
before(() => {
  redis = redisClient();
});

const T0 = Date.now();
let seq = 0;
function aor(): string {
  return `s${++seq}-${randomBytes(3).toString('hex')}@example.com`;
}

function binding(key: string, expiresAt: number, over: Partial<Binding> = {}): Binding {
  return {
    key,
    contact: key,
    params: '',
    q: 1,
    expiresAt,
    callId: 'c',
    cseq: 1,
    path: [],
    flow: { edgeId: 'e', flowId: 'f', transport: 'UDP', remoteAddress: '192.0.2.1', remotePort: 5060 },
    outbound: false,
    receivedAt: T0,
    ...over,
  };
}

function clockAt(t: number): { now(): number } {
  return { now: () => t };
}

describe('location store', () => {
  it('expiry index - an AOR is scored by its earliest expiry; refreshing later never postpones it', async () => {
    const store = new LocationStore({ redis, clock: clockAt(T0) });
    const a = aor();
    await store.apply({ aor: a, callId: 'c', cseq: 1, now: T0, change: { kind: 'update', writes: [{ key: 'sip:x@h', binding: binding('sip:x@h', T0 + 600_000) }] } });
    assert.equal(Number(await redis.zscore(redisKeys.bindingExpiry(), a)), T0 + 600_000);
    await store.apply({ aor: a, callId: 'd', cseq: 1, now: T0, change: { kind: 'update', writes: [{ key: 'sip:y@h', binding: binding('sip:y@h', T0 + 60_000) }] } });
    assert.equal(Number(await redis.zscore(redisKeys.bindingExpiry(), a)), T0 + 60_000);
    await store.apply({ aor: a, callId: 'd', cseq: 2, now: T0, change: { kind: 'update', writes: [{ key: 'sip:y@h', binding: binding('sip:y@h', T0 + 900_000, { cseq: 2 }) }] } });
    assert.equal(Number(await redis.zscore(redisKeys.bindingExpiry(), a)), T0 + 60_000, 'a sweep may come early, never late');
  });

  it('hash TTL - follows the latest expiry plus the grace', async () => {
    const store = new LocationStore({ redis, clock: clockAt(T0), keyGraceMs: 5_000 });
    const a = aor();
    await store.apply({
      aor: a,
      callId: 'c',
      cseq: 1,
      now: T0,
      change: { kind: 'update', writes: [{ key: 'k1', binding: binding('k1', T0 + 60_000) }, { key: 'k2', binding: binding('k2', T0 + 120_000) }] },
    });
    const ttl = await redis.pttl(redisKeys.bindings(a));
    assert.ok(ttl > 120_000 && ttl <= 125_000, `pttl ${ttl}`);
  });

  it('purgeExpired - deletes what lapsed, returns it, and reschedules the AOR', async () => {
    const a = aor();
    await new LocationStore({ redis, clock: clockAt(T0) }).apply({
      aor: a,
      callId: 'c',
      cseq: 1,
      now: T0,
      change: { kind: 'update', writes: [{ key: 'k1', binding: binding('k1', T0 + 60_000) }, { key: 'k2', binding: binding('k2', T0 + 120_000) }] },
    });
    const later = new LocationStore({ redis, clock: clockAt(T0 + 90_000) });
    assert.ok((await later.dueAors(T0 + 90_000, 10_000)).includes(a));
    const lapsed = await later.purgeExpired(a);
    assert.deepEqual(lapsed.map((b) => b.key), ['k1']);
    assert.deepEqual((await later.lookup(a)).map((b) => b.key), ['k2']);
    assert.equal(await redis.hlen(redisKeys.bindings(a)), 1);
    assert.equal(Number(await redis.zscore(redisKeys.bindingExpiry(), a)), T0 + 120_000);
    assert.ok(!(await later.dueAors(T0 + 90_000, 10_000)).includes(a));

    const end = new LocationStore({ redis, clock: clockAt(T0 + 200_000) });
    assert.deepEqual((await end.purgeExpired(a)).map((b) => b.key), ['k2']);
    assert.equal(await redis.exists(redisKeys.bindings(a)), 0);
    assert.equal(await redis.zscore(redisKeys.bindingExpiry(), a), null);
  });

  it('purgeExpired - a sweep that comes early changes nothing and moves the score to the true expiry', async () => {
    const a = aor();
    const store = new LocationStore({ redis, clock: clockAt(T0) });
    await store.apply({ aor: a, callId: 'c', cseq: 1, now: T0, change: { kind: 'update', writes: [{ key: 'k', binding: binding('k', T0 + 30_000) }] } });
    await store.apply({ aor: a, callId: 'c', cseq: 2, now: T0, change: { kind: 'update', writes: [{ key: 'k', binding: binding('k', T0 + 300_000, { cseq: 2 }) }] } });
    const sweeper = new LocationStore({ redis, clock: clockAt(T0 + 31_000) });
    assert.deepEqual(await sweeper.purgeExpired(a), []);
    assert.equal(Number(await redis.zscore(redisKeys.bindingExpiry(), a)), T0 + 300_000);
  });

  it('apply - a stale CSeq aborts the whole update: nothing written, nothing purged', async () => {
    const a = aor();
    const store = new LocationStore({ redis, clock: clockAt(T0) });
    await store.apply({
      aor: a,
      callId: 'c',
      cseq: 5,
      now: T0,
      change: { kind: 'update', writes: [{ key: 'k1', binding: binding('k1', T0 + 10_000, { cseq: 5 }) }, { key: 'k2', binding: binding('k2', T0 + 600_000, { cseq: 5 }) }] },
    });
    const r = await store.apply({
      aor: a,
      callId: 'c',
      cseq: 5,
      now: T0 + 20_000,
      change: { kind: 'update', writes: [{ key: 'k3', binding: binding('k3', T0 + 600_000) }, { key: 'k2' }] },
    });
    assert.deepEqual(r, { applied: false, staleKey: 'k2' });
    assert.equal(await redis.hlen(redisKeys.bindings(a)), 2, 'the lapsed k1 is still there: an aborted request changes nothing');
  });

  it('lookup - a malformed field is ignored, and dropped by the next update', async () => {
    const a = aor();
    const store = new LocationStore({ redis, clock: clockAt(T0) });
    await store.apply({ aor: a, callId: 'c', cseq: 1, now: T0, change: { kind: 'update', writes: [{ key: 'k', binding: binding('k', T0 + 60_000) }] } });
    await redis.hset(redisKeys.bindings(a), 'junk', '{not json');
    assert.deepEqual((await store.lookup(a)).map((b) => b.key), ['k']);
    const r = await store.apply({ aor: a, callId: 'c', cseq: 2, now: T0, change: { kind: 'fetch' } });
    assert.ok(r.applied);
    assert.equal(r.changed, false, 'junk is not a binding');
    assert.equal(await redis.hexists(redisKeys.bindings(a), 'junk'), 0);
  });
});
