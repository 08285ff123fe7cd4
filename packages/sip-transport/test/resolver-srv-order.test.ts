// RFC 2782 "Usage rules" ordering of SRV records, as RFC 3263 §4.2 requires.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { orderSrvRecords, type SrvRecordLike } from '../src/resolver/index.js';

const rr = (name: string, priority: number, weight: number, port = 5060): SrvRecordLike => ({
  name,
  priority,
  weight,
  port,
});
const names = (records: readonly SrvRecordLike[]) => records.map((r) => r.name);

test('SRV order - lowest priority first, whatever the weights', () => {
  const records = [rr('late', 20, 65535), rr('early', 10, 0), rr('middle', 15, 1)];
  assert.deepEqual(names(orderSrvRecords(records, () => 0.99)), ['early', 'middle', 'late']);
});

test('SRV order - weights draw in proportion: weight 10 vs 30 over 41 even draws', () => {
  // RFC 2782: a uniform number in [0, sum] inclusive; the first record whose running
  // sum is >= it. With a (10) then b (30), a is drawn for 0..10 (11 of 41 values).
  const first = { a: 0, b: 0 };
  for (let i = 0; i < 41; i++) {
    const [winner] = orderSrvRecords([rr('b', 0, 30), rr('a', 0, 10)], () => (i + 0.5) / 41);
    first[winner?.name as 'a' | 'b'] += 1;
  }
  assert.deepEqual(first, { a: 11, b: 30 });
});

test('SRV order - weight 0 is placed first and drawn only on a zero', () => {
  const records = [rr('heavy', 0, 100), rr('zero', 0, 0)];
  assert.deepEqual(names(orderSrvRecords(records, () => 0)), ['zero', 'heavy']);
  assert.deepEqual(names(orderSrvRecords(records, () => 0.01)), ['heavy', 'zero']);
});

test('SRV order - the same random numbers give the same order whatever the answer order', () => {
  const records = [rr('c', 0, 10), rr('a', 0, 10), rr('b', 0, 10), rr('a', 0, 10, 5070)];
  const draws = () => {
    const seq = [0.5, 0.2, 0.7];
    return () => seq.shift() ?? 0;
  };
  const one = orderSrvRecords(records, draws());
  const two = orderSrvRecords([...records].reverse(), draws());
  assert.deepEqual(one, two);
  assert.equal(one.length, 4);
});

test('SRV order - all weights 0 keep a name order, input untouched', () => {
  const records = [rr('z', 0, 0), rr('m', 0, 0), rr('a', 0, 0)];
  const copy = [...records];
  assert.deepEqual(names(orderSrvRecords(records, Math.random)), ['a', 'm', 'z']);
  assert.deepEqual(records, copy);
});

test('SRV order - a random source returning 1 stays in range', () => {
  assert.deepEqual(names(orderSrvRecords([rr('a', 0, 1), rr('b', 0, 1)], () => 1)), ['b', 'a']);
});
