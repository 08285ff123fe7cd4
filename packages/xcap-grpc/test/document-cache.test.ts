import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DocumentCache, type CachedDocument } from '../src/index.js';

const doc = (etag: string): CachedDocument => ({ kind: 'document', etag, contentType: 'application/resource-lists+xml', body: `<x e="${etag}"/>` });

function read(cache: DocumentCache, key: string, value: CachedDocument): void {
  cache.complete(cache.begin(key), value);
}

describe('document cache', () => {
  it('bound - holds at most maxEntries, the least recently used out first', () => {
    const c = new DocumentCache(2);
    read(c, 'a', doc('1'));
    read(c, 'b', doc('2'));
    assert.ok(c.get('a'), 'a is now the most recently used');
    read(c, 'c', doc('3'));
    assert.equal(c.size, 2);
    assert.equal(c.get('b'), undefined, 'b was the least recently used');
    assert.deepEqual(c.get('a'), doc('1'));
    assert.deepEqual(c.get('c'), doc('3'));
    assert.throws(() => new DocumentCache(0), RangeError);
  });

  it('drop - forgets the key, and a read of it in flight is not stored; reads of other keys are', () => {
    const c = new DocumentCache(10);
    read(c, 'a', doc('1'));
    const inflightA = c.begin('a');
    const inflightB = c.begin('b');
    c.drop('a');
    assert.equal(c.get('a'), undefined);
    c.complete(inflightA, doc('old'));
    c.complete(inflightB, doc('2'));
    assert.equal(c.get('a'), undefined, 'the read may predate the change');
    assert.deepEqual(c.get('b'), doc('2'), 'an unrelated change does not spoil other reads');
    read(c, 'a', doc('new'));
    assert.deepEqual(c.get('a'), doc('new'));
  });

  it('clear - suspended, nothing is stored until resume; reads begun while suspended stay unstored', () => {
    const c = new DocumentCache(10);
    read(c, 'a', doc('1'));
    const before = c.begin('b');
    c.clear(true);
    assert.equal(c.size, 0);
    c.complete(before, doc('2'));
    read(c, 'c', doc('3'));
    assert.equal(c.size, 0, 'suspended');
    const during = c.begin('d');
    c.resume();
    c.complete(during, doc('4'));
    assert.equal(c.get('d'), undefined, 'begun while suspended: events may have been missed');
    read(c, 'e', doc('5'));
    assert.deepEqual(c.get('e'), doc('5'));
  });
});
