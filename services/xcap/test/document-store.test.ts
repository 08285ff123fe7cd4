// Storage in Redis: every write a compare-and-set on the ETag, a change event per write,
// and no lost update when clients write one document at the same time.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { xcapKeys, xcapSubjects } from '@simple/contracts';
import { DocumentStore } from '../src/document-store.js';
import { startHarness, type Harness } from './support/harness.js';

describe('document store (real Redis)', () => {
  const redis = new Redis('redis://127.0.0.1:6379');
  const events: Array<{ subject: string; data: string }> = [];
  const store = new DocumentStore(redis, { publish: (subject, data) => events.push({ subject, data }) }, () => 42);
  const ref = { auid: 'resource-lists', xui: `sip:s-${randomBytes(4).toString('hex')}@store.test`, path: 'index' };

  after(async () => {
    await redis.del(xcapKeys.document(ref.auid, ref.xui, ref.path), xcapKeys.directory(ref.xui));
    await redis.quit();
  });

  it('put - creates only when absent, replaces only with the current ETag', async () => {
    const e1 = await store.put(ref, '<a/>', undefined);
    assert.ok(e1 !== undefined);
    assert.equal(await store.put(ref, '<b/>', undefined), undefined, 'a second create loses');
    assert.equal(await store.put(ref, '<b/>', 'stale'), undefined, 'a stale ETag loses');
    const e2 = await store.put(ref, '<b/>', e1);
    assert.ok(e2 !== undefined && e2 !== e1);
    assert.deepEqual(await store.get(ref), { body: '<b/>', etag: e2 });
    assert.deepEqual(await store.list(ref.xui), [{ auid: 'resource-lists', path: 'index', etag: e2 }]);
  });

  it('events - one per change on the AUID subject, with old and new ETags', async () => {
    const [created, replaced] = events.map((e) => ({ subject: e.subject, data: JSON.parse(e.data) as Record<string, unknown> }));
    assert.equal(events.length, 2, 'refused writes publish nothing');
    assert.equal(created?.subject, xcapSubjects.documentChanged('resource-lists'));
    assert.deepEqual(Object.keys(created?.data ?? {}).sort(), ['at', 'auid', 'document', 'newEtag', 'xui']);
    assert.equal(replaced?.data.oldEtag, created?.data.newEtag);
    assert.equal(replaced?.data.at, 42);
  });

  it('delete - only with the current ETag; the directory forgets the document', async () => {
    const cur = await store.get(ref);
    assert.ok(cur);
    assert.equal(await store.delete(ref, 'stale'), false);
    assert.equal(await store.delete(ref, cur.etag), true);
    assert.equal(await store.get(ref), undefined);
    assert.deepEqual(await store.list(ref.xui), []);
    const last = JSON.parse(events[events.length - 1]?.data ?? '{}') as Record<string, unknown>;
    assert.equal(last.oldEtag, cur.etag);
    assert.equal(last.newEtag, undefined);
  });
});

describe('concurrent writers (HTTP on 127.0.0.1, real Redis)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness(['ann']);
  });
  after(() => h.close());

  it('no lost update - twenty entries PUT at once all land, each write retried on the ETag', async () => {
    const doc = `${h.root}/resource-lists/users/${h.xui('ann')}/index`;
    const created = await h.request('ann', { method: 'PUT', url: doc, body: '<resource-lists xmlns="urn:ietf:params:xml:ns:resource-lists"><list name="l"/></resource-lists>', headers: { 'content-type': 'application/resource-lists+xml' } });
    assert.equal(created.statusCode, 201);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        h.request('ann', { method: 'PUT', url: `${doc}/~~/resource-lists/list/entry[@uri="sip:u${i}@example.org"]`, body: `<entry uri="sip:u${i}@example.org"/>`, headers: { 'content-type': 'application/xcap-el+xml' } }),
      ),
    );
    assert.deepEqual(results.map((r) => r.statusCode), Array(20).fill(201));
    const body = (await h.request('ann', { method: 'GET', url: doc })).body;
    for (let i = 0; i < 20; i++) assert.match(body, new RegExp(`sip:u${i}@example\\.org`));
    assert.equal(new Set(results.map((r) => r.headers.etag)).size, 20);
  });
});
