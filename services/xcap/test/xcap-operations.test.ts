// RFC 4825 §8.2–8.4 beyond the walk-through: attributes created, replaced and deleted, elements
// replaced in place, a namespaced attribute through xmlns() bindings, and the status of each.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHarness, type Harness } from './support/harness.js';

const RL_NS = 'urn:ietf:params:xml:ns:resource-lists';

describe('XCAP operations (HTTP on 127.0.0.1, real Redis)', () => {
  let h: Harness;
  let doc: string;
  let sel: string;
  const put = (url: string, body: string, type: string) => h.request('dora', { method: 'PUT', url, body, headers: { 'content-type': type } });
  const get = (url: string) => h.request('dora', { method: 'GET', url });

  before(async () => {
    h = await startHarness(['dora']);
    doc = `${h.root}/resource-lists/users/${h.xui('dora')}/index`;
    sel = `${doc}/~~/resource-lists/list[@name="l"]`;
    const r = await put(doc, `<resource-lists xmlns="${RL_NS}">\n  <list name="l">\n    <entry uri="sip:a@example.org"/>\n  </list>\n</resource-lists>\n`, 'application/resource-lists+xml');
    assert.equal(r.statusCode, 201);
  });
  after(() => h.close());

  it('§8.2.3 wildcard - an element the schema wants first is inserted with *[1] and an attribute test; by name it lands last and fails the schema', async () => {
    const last = await put(`${sel}/display-name`, '<display-name>Old</display-name>', 'application/xcap-el+xml');
    assert.equal(last.statusCode, 409);
    assert.match(last.body, /<schema-validation-error/);
    const first = await put(`${sel}/*[1][@xml:lang="en"]`, '<display-name xml:lang="en">Old</display-name>', 'application/xcap-el+xml');
    assert.equal(first.statusCode, 201, first.body);
    assert.equal((await get(`${sel}/*[1]`)).body, '<display-name xml:lang="en">Old</display-name>');
  });

  it('attribute - replaced (200) and read back as an AttValue; an attribute the schema does not allow is refused', async () => {
    const attr = `${sel}/entry[1]/@uri`;
    assert.equal((await put(attr, '"sip:b@example.org"', 'application/xcap-att+xml')).statusCode, 200);
    assert.equal((await get(attr)).body, '"sip:b@example.org"');
    const note = await put(`${sel}/entry[1]/@note`, "'a &amp; b'", 'application/xcap-att+xml');
    assert.equal(note.statusCode, 409);
    assert.match(note.body, /<schema-validation-error/);
  });

  it('element replacement - PUT on an existing element replaces it in place (200)', async () => {
    const r = await put(`${sel}/display-name`, '<display-name>New</display-name>', 'application/xcap-el+xml');
    assert.equal(r.statusCode, 200);
    assert.equal(r.body, '', '§8.2.7: a 200 OK response to PUT MUST not contain any content');
    assert.equal((await get(`${sel}/*[1]`)).body, '<display-name>New</display-name>');
  });

  it('namespaced attribute - a prefixed attribute through an xmlns() binding is declared on the element', async () => {
    const url = `${sel}/entry[1]/@x:tag?xmlns(x=urn:example:tags)`;
    assert.equal((await put(url, '"vip"', 'application/xcap-att+xml')).statusCode, 201);
    assert.equal((await get(url)).body, '"vip"');
    const entry = await get(`${sel}/entry[1]`);
    assert.equal(entry.body, '<entry uri="sip:b@example.org" xmlns:x="urn:example:tags" x:tag="vip"/>');
    assert.equal((await put(url, '"gold"', 'application/xcap-att+xml')).statusCode, 200);
    const del = await h.request('dora', { method: 'DELETE', url });
    assert.equal(del.statusCode, 200);
    assert.ok(del.headers.etag);
    assert.equal((await get(url)).statusCode, 404);
  });

  it('DELETE - an element goes with its white space kept; the document keeps its ETag chain', async () => {
    const before = (await get(doc)).headers.etag;
    const r = await h.request('dora', { method: 'DELETE', url: `${sel}/entry[@uri="sip:b@example.org"]` });
    assert.equal(r.statusCode, 200);
    assert.notEqual(r.headers.etag, before);
    const body = (await get(doc)).body;
    // The display-name went in just before the entry (no white space between them); the entry's white space stays.
    assert.match(body, /<list name="l">\n {4}<display-name>New<\/display-name>\n {2}<\/list>/);
  });

  it('DELETE of the document - 200 without an ETag, then 404', async () => {
    const r = await h.request('dora', { method: 'DELETE', url: doc });
    assert.equal(r.statusCode, 200);
    assert.equal(r.headers.etag, undefined);
    assert.equal((await get(doc)).statusCode, 404);
    assert.equal((await h.request('dora', { method: 'DELETE', url: doc })).statusCode, 404);
  });
});
