// The gRPC read API (proto/simple/xcap/v1/xcap_documents.proto) over loopback, in front of
// the real Redis, with change events on the real NATS: what it answers for documents
// written through XCAP over HTTP, how it refuses bad requests, and the reader's cache.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { credentials, status, type ServiceError } from '@grpc/grpc-js';
import { connectNats, type NatsConnection } from '@simple/platform';
import { XcapDocumentReader, XcapDocumentsClient, XcapReadError, type GetDocumentRequest, type XcapDocumentResult, type GetDocumentResponse } from '@simple/xcap-grpc';
import { xcapDocumentsHandlers, type XcapGrpcMethod } from '../src/grpc/xcap-documents-handlers.js';
import { startXcapGrpcServer, type XcapGrpcServer } from '../src/grpc/xcap-grpc-server.js';
import { startHarness, type Harness } from './support/harness.js';

const RL_TYPE = 'application/resource-lists+xml';
const list = (name: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<resource-lists xmlns="urn:ietf:params:xml:ns:resource-lists"><list name="${name}"/></resource-lists>`;

describe('xcap gRPC read API (loopback, real Redis and NATS)', () => {
  let h: Harness;
  let nats: NatsConnection;
  let server: XcapGrpcServer;
  let client: XcapDocumentsClient;
  let reader: XcapDocumentReader;
  const calls: Array<{ method: XcapGrpcMethod; code: string }> = [];

  before(async () => {
    nats = await connectNats('nats://127.0.0.1:4222', 'xcap-grpc-test');
    h = await startHarness(['ann', 'ben'], '/xcap-root', { publish: (subject, data) => nats.publish(subject, data) });
    server = await startXcapGrpcServer(xcapDocumentsHandlers({ ...h.core, onCall: (method, code) => calls.push({ method, code }), onError: (method, err) => console.error(method, err) }), '127.0.0.1', 0);
    client = new XcapDocumentsClient(`127.0.0.1:${server.port}`, credentials.createInsecure());
    reader = await XcapDocumentReader.connect({ address: `127.0.0.1:${server.port}`, deadlineMs: 5000, cache: { nats, maxEntries: 2 } });
  });

  after(async () => {
    reader.close();
    client.close();
    await server.close(1000);
    await h.close();
    await nats.close();
  });

  const docUrl = (user: string, path = 'index'): string => `${h.root}/resource-lists/users/${h.xui(user)}/${path}`;
  async function putList(user: string, name: string, path = 'index'): Promise<string> {
    const r = await h.request(user, { method: 'PUT', url: docUrl(user, path), body: list(name), headers: { 'content-type': RL_TYPE } });
    assert.ok(r.statusCode === 201 || r.statusCode === 200, r.body);
    const etag = r.headers.etag;
    assert.ok(typeof etag === 'string');
    // The event went out on this connection, and comes back on it before the PONG: after the
    // flush, the reader's cache has seen it (reads that overlap a change are not cached).
    await nats.flush();
    return etag.slice(1, -1);
  }

  function getDocument(req: Partial<GetDocumentRequest>): Promise<GetDocumentResponse> {
    return new Promise((resolve, reject) =>
      client.getDocument({ auid: '', xui: '', path: '', ...req }, (err: ServiceError | null, res) => (err === null ? resolve(res) : reject(err))),
    );
  }

  it('GetDocument - a document PUT over HTTP is read with its ETag, MIME type and body', async () => {
    const etag = await putList('ann', 'friends');
    const res = await getDocument({ auid: 'resource-lists', xui: h.xui('ann'), path: 'index' });
    assert.deepEqual(res, { found: true, etag, contentType: RL_TYPE, body: list('friends'), notModified: false });
    const http = await h.request('ann', { method: 'GET', url: docUrl('ann') });
    assert.equal(http.headers.etag, `"${res.etag}"`, 'the same ETag as XCAP over HTTP');
  });

  it('GetDocument - a missing document is found = false with status OK', async () => {
    const res = await getDocument({ auid: 'resource-lists', xui: h.xui('ben'), path: 'index' });
    assert.deepEqual(res, { found: false, etag: '', contentType: '', body: '', notModified: false });
    assert.deepEqual(calls.at(-1), { method: 'GetDocument', code: 'OK' });
  });

  it('GetDocument - if_none_match with the current ETag (bare or quoted) is not_modified without a body; a stale one gets the document', async () => {
    const etag = await putList('ann', 'family', 'family');
    const ref = { auid: 'resource-lists', xui: h.xui('ann'), path: 'family' };
    for (const ifNoneMatch of [etag, `"${etag}"`]) {
      assert.deepEqual(await getDocument({ ...ref, ifNoneMatch }), { found: true, etag, contentType: RL_TYPE, body: '', notModified: true });
    }
    const stale = await getDocument({ ...ref, ifNoneMatch: 'stale-etag' });
    assert.equal(stale.notModified, false);
    assert.equal(stale.body, list('family'));
  });

  it('GetDocument - the global tree: xcap-caps/global/index is the generated document, with the HTTP ETag (RFC 4825 §12)', async () => {
    const res = await getDocument({ auid: 'xcap-caps', xui: '', path: 'index' });
    assert.equal(res.found, true);
    assert.equal(res.contentType, 'application/xcap-caps+xml');
    assert.match(res.body, /<auid>resource-lists<\/auid>/);
    const http = await h.request(undefined, { method: 'GET', url: `${h.root}/xcap-caps/global/index` });
    assert.equal(http.headers.etag, `"${res.etag}"`);
  });

  it('ListDocuments - the directory index of a tree, sorted, with current ETags', async () => {
    const index = await putList('ann', 'friends');
    const family = await putList('ann', 'family2', 'family');
    const res = await new Promise<{ auid: string; path: string; etag: string }[]>((resolve, reject) =>
      client.listDocuments({ xui: h.xui('ann') }, (err, r) => (err === null ? resolve(r.documents) : reject(err))),
    );
    assert.deepEqual(res, [
      { auid: 'resource-lists', path: 'family', etag: family },
      { auid: 'resource-lists', path: 'index', etag: index },
    ]);
    assert.deepEqual(await reader.list(h.xui('ben')), []);
  });

  it('GetDocumentVersions - the replacements since a known ETag, oldest first, each with the body it replaced; none when it is forgotten; reset on delete', async () => {
    const ref = { auid: 'resource-lists', xui: h.xui('ben'), path: 'versions' };
    const e1 = await putList('ben', 'one', 'versions');
    const e2 = await putList('ben', 'two', 'versions');
    const e3 = await putList('ben', 'three', 'versions');
    assert.deepEqual(await reader.versions(ref, e1), {
      etag: e3,
      body: list('three'),
      history: [
        { previousEtag: e1, etag: e2, previousBody: list('one') },
        { previousEtag: e2, etag: e3, previousBody: list('two') },
      ],
    });
    assert.deepEqual((await reader.versions(ref, e2))?.history.map((v) => v.etag), [e3]);
    assert.deepEqual((await reader.versions(ref, 'never-seen'))?.history, []);
    const del = await h.request('ben', { method: 'DELETE', url: docUrl('ben', 'versions') });
    assert.equal(del.statusCode, 200, del.body);
    assert.equal(await reader.versions(ref, e1), undefined);
    const again = await putList('ben', 'again', 'versions');
    assert.deepEqual(await reader.versions(ref, e3), { etag: again, body: list('again'), history: [] }, 'a new document starts a new history');
  });

  it('rls-services/global/index (RFC 4826 §4.4.8) - the union of every user index, read over gRPC only, kept in step with PUT and DELETE', async () => {
    const tag = Math.random().toString(36).slice(2, 8);
    const service = (user: string, name: string): string =>
      `<?xml version="1.0" encoding="UTF-8"?>\n<rls-services xmlns="urn:ietf:params:xml:ns:rls-services" xmlns:rl="urn:ietf:params:xml:ns:resource-lists">\n <service uri="sip:${name}-${tag}@${h.domain}">\n  <list name="${name}">\n   <rl:entry uri="sip:${user}@${h.domain}"/>\n  </list>\n  <packages>\n   <package>presence</package>\n  </packages>\n </service>\n</rls-services>\n`;
    const put = async (user: string, path: string, name: string): Promise<void> => {
      const r = await h.request(user, { method: 'PUT', url: `${h.root}/rls-services/users/${h.xui(user)}/${path}`, body: service(user, name), headers: { 'content-type': 'application/rls-services+xml' } });
      assert.ok(r.statusCode === 201 || r.statusCode === 200, r.body);
      // The change events went out on this connection; after the flush the reader's cache has seen them.
      await nats.flush();
    };
    const global = async (): Promise<string> => {
      const r = await reader.get({ auid: 'rls-services', xui: undefined, path: 'index' });
      assert.equal(r.kind, 'document');
      return r.kind === 'document' ? r.body : '';
    };
    await put('ann', 'index', 'mybuddies');
    await put('ben', 'index', 'marketing');
    await put('ben', 'other', 'elsewhere');
    const union = await global();
    assert.deepEqual(h.core.usages.schemaErrors('rls-services', union), [], union);
    assert.match(union, new RegExp(`<service uri="sip:mybuddies-${tag}@[^"]+"[^>]*>\\s*<list name="mybuddies">`));
    assert.match(union, new RegExp(`<service uri="sip:marketing-${tag}@`));
    assert.doesNotMatch(union, new RegExp(`elsewhere-${tag}`), 'only documents named index are in the union');
    // §4.4.9: "its access MUST be restricted to trusted elements": not served over HTTP to users.
    const http = await h.request('ann', { method: 'GET', url: `${h.root}/rls-services/global/index` });
    assert.equal(http.statusCode, 404);
    const del = await h.request('ben', { method: 'DELETE', url: `${h.root}/rls-services/users/${h.xui('ben')}/index` });
    assert.equal(del.statusCode, 200, del.body);
    await nats.flush();
    assert.doesNotMatch(await global(), new RegExp(`marketing-${tag}`), 'a deleted document leaves the union');
    await put('ann', 'index', 'renamed');
    const after = await global();
    assert.doesNotMatch(after, new RegExp(`mybuddies-${tag}`), 'a replaced service leaves the union');
    assert.match(after, new RegExp(`renamed-${tag}`));
  });

  it('a server with a token refuses a call without it (UNAUTHENTICATED) and answers one with it', async () => {
    const token = 'a-shared-secret-of-the-platform';
    const guarded = await startXcapGrpcServer(xcapDocumentsHandlers({ ...h.core, token }), '127.0.0.1', 0);
    const anonymous = await XcapDocumentReader.connect({ address: `127.0.0.1:${guarded.port}` });
    const wrong = await XcapDocumentReader.connect({ address: `127.0.0.1:${guarded.port}`, token: 'a-shared-secret-of-the-plotform' });
    const trusted = await XcapDocumentReader.connect({ address: `127.0.0.1:${guarded.port}`, token });
    try {
      const ref = { auid: 'xcap-caps', xui: undefined, path: 'index' };
      await assert.rejects(anonymous.get(ref), (e: unknown) => e instanceof XcapReadError && e.code === status.UNAUTHENTICATED);
      await assert.rejects(wrong.get(ref), (e: unknown) => e instanceof XcapReadError && e.code === status.UNAUTHENTICATED);
      assert.equal((await trusted.get(ref)).kind, 'document');
    } finally {
      anonymous.close();
      wrong.close();
      trusted.close();
      await guarded.close(1000);
    }
  });

  it('INVALID_ARGUMENT - a bad AUID, XUI or path is refused with a message naming the field, and the server goes on', async () => {
    const cases: Array<[Partial<GetDocumentRequest>, RegExp]> = [
      [{ auid: '', xui: h.xui('ann'), path: 'index' }, /^auid:/],
      [{ auid: 'bad/auid', xui: h.xui('ann'), path: 'index' }, /^auid:/],
      [{ auid: 'no-such-usage', xui: h.xui('ann'), path: 'index' }, /^auid: unknown application usage/],
      [{ auid: 'resource-lists', xui: 'tel:+15551234', path: 'index' }, /^xui:/],
      [{ auid: 'resource-lists', xui: 'not a uri', path: 'index' }, /^xui:/],
      [{ auid: 'resource-lists', xui: h.xui('ann'), path: '' }, /^path:/],
      [{ auid: 'resource-lists', xui: h.xui('ann'), path: '../index' }, /^path:/],
      [{ auid: 'resource-lists', xui: h.xui('ann'), path: 'a//b' }, /^path:/],
      [{ auid: 'resource-lists', xui: h.xui('ann'), path: 'index/~~/resource-lists' }, /^path:/],
      [{ auid: 'resource-lists', xui: h.xui('ann'), path: 'x'.repeat(5000) }, /^path: longer than/],
    ];
    for (const [req, message] of cases) {
      await assert.rejects(getDocument(req), (e: ServiceError) => {
        assert.equal(e.code, status.INVALID_ARGUMENT, JSON.stringify(req).slice(0, 100));
        assert.match(e.details, message);
        return true;
      });
    }
    assert.deepEqual(calls.at(-1), { method: 'GetDocument', code: 'INVALID_ARGUMENT' });
    await assert.rejects(reader.list('sip:'), (e: XcapReadError) => e instanceof XcapReadError && e.code === status.INVALID_ARGUMENT && /^xui:/.test(e.details));
    // Still serving.
    assert.equal((await getDocument({ auid: 'resource-lists', xui: h.xui('ann'), path: 'index' })).found, true);
  });

  it('reader cache - a read is served from the cache until the change event drops it; the next read sees the new ETag', async () => {
    const first = await putList('ben', 'v1');
    const ref = { auid: 'resource-lists', xui: h.xui('ben'), path: 'index' };
    const r1 = await reader.get(ref);
    assert.deepEqual(r1, { kind: 'document', etag: first, contentType: RL_TYPE, body: list('v1') });
    const before = calls.length;
    assert.deepEqual(await reader.get(ref), r1, 'a second read from the cache');
    assert.equal(calls.length, before, 'no call reached the server');
    assert.deepEqual(await reader.get(ref, { ifNoneMatch: first }), { kind: 'not-modified', etag: first });

    const second = await putList('ben', 'v2');
    // Without the event the cache would answer v1 for ever: the wait would time out.
    await waitFor(async () => etagOf(await reader.get(ref)) === second, 'the change event to drop the entry');
    assert.deepEqual(await reader.get(ref), { kind: 'document', etag: second, contentType: RL_TYPE, body: list('v2') });
  });

  it('reader cache - bounded by its entry count; a missing document is cached and dropped when it is created', async () => {
    const missing = { auid: 'resource-lists', xui: h.xui('ben'), path: 'later' };
    assert.deepEqual(await reader.get(missing), { kind: 'not-found' });
    await reader.get({ auid: 'resource-lists', xui: h.xui('ann'), path: 'index' });
    await reader.get({ auid: 'resource-lists', xui: h.xui('ann'), path: 'family' });
    assert.equal(reader.cachedEntries, 2, 'maxEntries is 2');
    assert.deepEqual(await reader.get(missing), { kind: 'not-found' });
    const etag = await putList('ben', 'later', 'later');
    await waitFor(async () => etagOf(await reader.get(missing)) === etag, 'the create event to drop the negative entry');
  });
});

function etagOf(r: XcapDocumentResult): string | undefined {
  return r.kind === 'not-found' ? undefined : r.etag;
}

async function waitFor(cond: () => Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
