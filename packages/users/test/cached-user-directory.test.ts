import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UserRecord } from '../src/user-record.js';
import { CachedUserDirectory } from '../src/cached-user-directory.js';

describe('auth - cached user directory', () => {
  const record = (ha1: string): UserRecord => ({ aor: 'a@x.test', username: 'a', domain: 'x.test', realm: 'x.test', ha1: { MD5: ha1, 'SHA-256': ha1, 'SHA-512-256': ha1 } });

  it('reads through once per TTL; a change shows after the TTL', async () => {
    let t = 0;
    let loads = 0;
    let current = record('one');
    const inner = { realmOf: async () => 'x.test', getUser: async () => (loads++, current) };
    const c = new CachedUserDirectory(inner, 5000, 10, () => t);
    assert.equal((await c.getUser('a@x.test'))?.ha1.MD5, 'one');
    current = record('two');
    assert.equal((await c.getUser('a@x.test'))?.ha1.MD5, 'one');
    assert.equal(loads, 1);
    t += 5001;
    assert.equal((await c.getUser('a@x.test'))?.ha1.MD5, 'two');
    assert.equal(loads, 2);
  });

  it('TTL 0 reads every time; the cache is bounded', async () => {
    let loads = 0;
    const inner = { realmOf: async (d: string) => (loads++, d), getUser: async () => undefined };
    const off = new CachedUserDirectory(inner, 0);
    await off.realmOf('a');
    await off.realmOf('a');
    assert.equal(loads, 2);
    const small = new CachedUserDirectory(inner, 1000, 3);
    for (const d of ['a', 'b', 'c', 'd', 'e']) await small.realmOf(d);
    loads = 0;
    await small.realmOf('a');
    assert.equal(loads, 1, 'an evicted entry is read again');
  });
});
