import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { parseUri } from '@simple/sip-message';
import { Redis } from 'ioredis';
import { LocationStore, addressOfRecord, decodeBinding, encodeBinding, identityAor, type Binding } from '../src/index.js';
import { useRedisNamespace } from '@simple/testkit';

// Every key of this run lives under its own prefix, deleted at the end.
const redisClient = useRedisNamespace('location');
let redis: Redis;
before(() => {
  redis = redisClient();
});

const T0 = Date.now();

function binding(key: string, over: Partial<Binding> = {}): Binding {
  return {
    key,
    contact: key,
    params: '',
    q: 1,
    expiresAt: T0 + 60_000,
    callId: 'c',
    cseq: 1,
    path: [],
    flow: { edgeId: 'e1', flowId: 'f1', transport: 'UDP', remoteAddress: '192.0.2.1', remotePort: 5060 },
    outbound: false,
    receivedAt: T0,
    ...over,
  };
}

describe('@simple/location', () => {
  it('lookup - returns what a REGISTER wrote, q descending, with the flow', async () => {
    const store = new LocationStore({ redis, clock: { now: () => T0 } });
    const aor = `u-${randomBytes(3).toString('hex')}@example.com`;
    const r = await store.apply({
      aor, callId: 'c', cseq: 1, now: T0,
      change: { kind: 'update', writes: [{ key: 'sip:a@h', binding: binding('sip:a@h', { q: 0.5 }) }, { key: 'sip:b@h', binding: binding('sip:b@h') }] },
    });
    assert.equal(r.applied, true);
    const found = await store.lookup(aor);
    assert.deepEqual(found.map((b) => b.contact), ['sip:b@h', 'sip:a@h']);
    assert.equal(found[0]?.flow.edgeId, 'e1');
  });

  it('lookup - a lapsed binding is never returned', async () => {
    const aor = `u-${randomBytes(3).toString('hex')}@example.com`;
    await new LocationStore({ redis, clock: { now: () => T0 } }).apply({ aor, callId: 'c', cseq: 1, now: T0, change: { kind: 'update', writes: [{ key: 'sip:a@h', binding: binding('sip:a@h') }] } });
    assert.equal((await new LocationStore({ redis, clock: { now: () => T0 + 61_000 } }).lookup(aor)).length, 0);
  });

  it('binding codec - round trip, and malformed input is undefined', () => {
    const b = binding('sip:a@h', { instanceId: 'urn:uuid:1', regId: 1, outbound: true });
    assert.deepEqual(decodeBinding(encodeBinding(b)), b);
    assert.equal(decodeBinding('{"key":1}'), undefined);
    assert.equal(decodeBinding('not json'), undefined);
  });

  it('addressOfRecord - canonical user@domain (RFC 3261 §10.3 step 5)', () => {
    const u = parseUri('sip:Al%69ce@EXAMPLE.com;transport=tcp');
    assert.ok(u.ok && u.value.kind === 'sip');
    assert.equal(addressOfRecord(u.value), 'Alice@example.com');
    assert.equal(identityAor('sip:bob@Example.COM'), 'bob@example.com');
  });
});
