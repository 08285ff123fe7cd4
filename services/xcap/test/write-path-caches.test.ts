// The two things that keep element reads and writes cheap: parsed documents reused by ETag,
// and the writes to one document run one at a time on a replica.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseXml, serializeXml, type Document } from '@simple/xml';
import { ParsedDocumentCache } from '../src/parsed-document-cache.js';
import { WriteQueue } from '../src/write-queue.js';

const ref = (path: string) => ({ auid: 'resource-lists', xui: 'sip:a@x.test', path });
let parses = 0;
const parse = (body: string): Document => {
  parses++;
  const r = parseXml(body);
  assert.ok(r.ok);
  return r.value;
};

describe('ParsedDocumentCache', () => {
  it('a version is parsed once; another ETag is parsed again; a writer takes the parse out of the cache', () => {
    const cache = new ParsedDocumentCache(10);
    parses = 0;
    const a = cache.shared(ref('index'), 'e1', '<a><b/></a>', parse);
    assert.equal(cache.shared(ref('index'), 'e1', '<a><b/></a>', parse), a);
    assert.equal(parses, 1);
    const taken = cache.take(ref('index'), 'e1', '<a><b/></a>', parse);
    assert.equal(taken, a, 'the writer gets the cached parse, no copy');
    assert.equal(parses, 1);
    taken.documentElement?.setAttribute('changed', 'yes');
    const again = cache.shared(ref('index'), 'e1', '<a><b/></a>', parse);
    assert.equal(parses, 2, 'a reader during the write parses the stored version again');
    assert.equal(serializeXml(again, false), '<a><b/></a>', 'and never sees the change in progress');
    cache.take(ref('other'), 'e9', '<x/>', parse);
    assert.equal(parses, 3, 'an unknown version is parsed');
  });

  it('least recently used out first; off with 0 entries; large documents are not kept; the text held together is bounded; a deleted one is forgotten', () => {
    const budget = new ParsedDocumentCache(10, 10, 8);
    budget.remember(ref('a'), 'e', parse('<a/>'), 6);
    budget.remember(ref('b'), 'e', parse('<a/>'), 6);
    assert.equal(budget.size, 1, 'the first went: 12 characters are over the budget of 10');
    assert.equal(budget.peek(ref('b'), 'e') !== undefined, true);
    budget.forget(ref('b'));
    assert.equal(budget.size, 0);
    const cache = new ParsedDocumentCache(2, 1000, 100);
    cache.remember(ref('1'), 'e', parse('<a/>'), 4);
    cache.remember(ref('2'), 'e', parse('<a/>'), 4);
    cache.shared(ref('1'), 'e', '<a/>', parse);
    cache.remember(ref('3'), 'e', parse('<a/>'), 4);
    parses = 0;
    cache.shared(ref('1'), 'e', '<a/>', parse);
    assert.equal(parses, 0, '1 was used last, 2 went');
    cache.shared(ref('2'), 'e', '<a/>', parse);
    assert.equal(parses, 1);
    cache.remember(ref('big'), 'e', parse('<a/>'), 101);
    parses = 0;
    cache.shared(ref('big'), 'e', '<a/>', parse);
    assert.equal(parses, 1);
    const off = new ParsedDocumentCache(0);
    off.shared(ref('1'), 'e', '<a/>', parse);
    off.shared(ref('1'), 'e', '<a/>', parse);
    assert.equal(off.size, 0);
  });
});

describe('WriteQueue', () => {
  it('runs the writes to one document one at a time, in order; other documents in parallel; a failure does not stop the queue', async () => {
    const q = new WriteQueue();
    const log: string[] = [];
    let running = 0;
    let most = 0;
    const job = (name: string, fail = false) => async (): Promise<string> => {
      running++;
      most = Math.max(most, running);
      log.push(`start ${name}`);
      await new Promise((r) => setTimeout(r, 5));
      log.push(`end ${name}`);
      running--;
      if (fail) throw new Error(name);
      return name;
    };
    const a = [q.run('doc', job('a1')), q.run('doc', job('a2', true)), q.run('doc', job('a3'))];
    const b = q.run('other', job('b1'));
    const results = await Promise.allSettled([...a, b]);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    const docLog = log.filter((l) => l.includes(' a'));
    assert.deepEqual(docLog, ['start a1', 'end a1', 'start a2', 'end a2', 'start a3', 'end a3']);
    assert.equal(most, 2, 'the other document ran beside');
    assert.equal(q.size, 0, 'nothing is kept once the queues are empty');
  });

  it('refuses more than maxWaiting writes to one document', async () => {
    const q = new WriteQueue(2);
    let release = (): void => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const first = q.run('doc', () => gate);
    const second = q.run('doc', () => Promise.resolve());
    assert.ok(first !== undefined && second !== undefined);
    assert.equal(q.run('doc', () => Promise.resolve()), undefined);
    assert.ok(q.run('another', () => Promise.resolve()) !== undefined);
    release();
    await Promise.all([first, second]);
  });
});
