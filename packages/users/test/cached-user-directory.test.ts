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
    loads = 0;
    await small.realmOf('e');
    assert.equal(loads, 0, 'the most recent entries stay (least recently stored out first)');
  });

  it('concurrent reads of one name share one load; an unknown name is not kept', async () => {
    let loads = 0;
    let release = (): void => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const inner = {
      realmOf: async (d: string) => {
        loads++;
        await gate;
        return d === 'known' ? d : undefined;
      },
      getUser: async () => undefined,
    };
    const c = new CachedUserDirectory(inner, 5000, 10);
    const burst = Promise.all([c.realmOf('known'), c.realmOf('known'), c.realmOf('known')]);
    release();
    assert.deepEqual(await burst, ['known', 'known', 'known']);
    assert.equal(loads, 1);
    await c.realmOf('known');
    assert.equal(loads, 1, 'kept');
    await c.realmOf('made-up');
    await c.realmOf('made-up');
    assert.equal(loads, 3, 'an unknown domain is read each time, never kept');
  });
});
