// The bounded, TTL-respecting cache behind the resolver's DNS answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BoundedTtlCache } from '../src/resolver/bounded-ttl-cache.js';

test('resolver cache - an entry lives for its TTL', () => {
  const cache = new BoundedTtlCache<string>(10);
  cache.set('k', 'v', 1000, 0);
  assert.equal(cache.get('k', 999), 'v');
  assert.equal(cache.get('k', 1000), undefined);
  assert.equal(cache.size, 0);
});

test('resolver cache - full, it drops the least recently used', () => {
  const cache = new BoundedTtlCache<number>(2);
  cache.set('a', 1, 1000, 0);
  cache.set('b', 2, 1000, 0);
  assert.equal(cache.get('a', 1), 1); // a is now the most recent
  cache.set('c', 3, 1000, 1);
  assert.equal(cache.size, 2);
  assert.equal(cache.get('b', 2), undefined);
  assert.equal(cache.get('a', 2), 1);
  assert.equal(cache.get('c', 2), 3);
});

test('resolver cache - a zero TTL or a zero bound keeps nothing', () => {
  const cache = new BoundedTtlCache<number>(2);
  cache.set('a', 1, 0, 0);
  assert.equal(cache.get('a', 0), undefined);
  const none = new BoundedTtlCache<number>(0);
  none.set('a', 1, 1000, 0);
  assert.equal(none.size, 0);
});
