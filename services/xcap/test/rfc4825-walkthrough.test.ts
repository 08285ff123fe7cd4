// RFC 4825 §13: every exchange of the walk-through, replayed in order against the app,
// with the XCAP root at the host's root as in the figures, and example.com replaced by
// the test's own provisioned domain.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { exchange, fixture, type Exchange } from './support/fixtures.js';
import { startHarness, type Harness } from './support/harness.js';

describe('RFC 4825 §13 walk-through (HTTP on 127.0.0.1, real Redis)', () => {
  let h: Harness;
  let ex: (name: string) => Exchange;
  const send = (e: Exchange) =>
    h.request('bill', { method: e.method as 'GET' | 'PUT' | 'DELETE', url: e.url, body: e.body === '' ? undefined : e.body, headers: e.headers['content-type'] === undefined ? {} : { 'content-type': e.headers['content-type'] } });

  before(async () => {
    h = await startHarness(['bill'], '');
    ex = (name) => exchange(name, (s) => s.replaceAll('example.com', h.domain));
  });
  after(() => h.close());

  it('fig24 - PUT of a new resource-lists document creates it: 201 with an ETag', async () => {
    const r = await send(ex('rfc4825-13-fig24-put-new-document.txt'));
    assert.equal(r.statusCode, 201, r.body);
    assert.match(String(r.headers.etag), /^"[^"]+"$/);
    assert.equal(r.body, '');
  });

  it('fig25 - PUT of an rls-services document whose service points at the friends list: 201', async () => {
    const r = await send(ex('rfc4825-13-fig25-put-rls-services.txt'));
    assert.equal(r.statusCode, 201, r.body);
    assert.ok(r.headers.etag);
  });

  it('fig26 - PUT of an <entry> into the friends list inserts it: 201', async () => {
    const r = await send(ex('rfc4825-13-fig26-put-entry-element.txt'));
    assert.equal(r.statusCode, 201, r.body);
    assert.ok(r.headers.etag);
  });

  it('fig27/fig28 - GET of the document returns it with the entry, as application/resource-lists+xml', async () => {
    const r = await send(ex('rfc4825-13-fig27-get-document.txt'));
    const want = ex('rfc4825-13-fig28-get-response.txt');
    assert.equal(r.statusCode, want.status);
    assert.equal(r.headers['content-type'], want.headers['content-type']);
    assert.ok(r.headers.etag);
    assert.equal(r.body.trim(), want.body.trim());
    assert.equal(r.body.trim(), fixture('rfc4825-13-fig28-fetch-result.xml').replaceAll('example.com', h.domain).trim());
  });

  it('fig29 - PUT of a <list> inside the friends list creates it after the entry: 201', async () => {
    const before = h.events.length;
    const r = await send(ex('rfc4825-13-fig29-put-list-element.txt'));
    assert.equal(r.statusCode, 201, r.body);
    const ev = h.events.slice(before);
    assert.equal(ev.length, 1);
    assert.equal(ev[0]?.subject, 'simple.v1.events.xcap.resource-lists');
    assert.equal(ev[0]?.data.newEtag, String(r.headers.etag).slice(1, -1));
  });

  it('fig30 - DELETE of petri\'s entry: 200 with the new ETag', async () => {
    const r = await send(ex('rfc4825-13-fig30-delete-entry.txt'));
    assert.equal(r.statusCode, 200, r.body);
    assert.ok(r.headers.etag);
    const doc = await h.request('bill', { method: 'GET', url: `/resource-lists/users/${h.xui('bill')}/index` });
    assert.doesNotMatch(doc.body, /petri/);
    assert.match(doc.body, /Nancy Gross/);
  });

  it('fig31/fig32 - GET of the second entry\'s uri attribute returns the quoted value as application/xcap-att+xml', async () => {
    const r = await send(ex('rfc4825-13-fig31-get-attribute.txt'));
    const want = ex('rfc4825-13-fig32-get-attribute-response.txt');
    assert.equal(r.statusCode, want.status);
    assert.equal(r.headers['content-type'], want.headers['content-type']);
    assert.ok(r.headers.etag);
    assert.equal(r.body, want.body.trim());
  });
});
