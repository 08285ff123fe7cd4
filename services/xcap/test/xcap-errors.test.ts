// RFC 4825 §11: every conflict report as a 409 with an xcap-error document (checked against the
// §11.2 schema), and the plain refusals: 404, 405, 412, 304, 415.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { UniquenessFailureError, XCAP_ERROR_NS, xcapErrorDocument } from '../src/errors/xcap-error.js';
import { SchemaValidator } from '../src/schema-validator.js';
import { fixture } from './support/fixtures.js';
import { startHarness, type Harness } from './support/harness.js';

const RL = 'application/resource-lists+xml';
const EL = 'application/xcap-el+xml';
const ATT = 'application/xcap-att+xml';
const LISTS = `<?xml version="1.0" encoding="UTF-8"?>
<resource-lists xmlns="urn:ietf:params:xml:ns:resource-lists">
  <list name="friends">
    <entry uri="sip:a@example.org"/>
    <entry uri="sip:b@example.org"/>
  </list>
</resource-lists>`;

describe('XCAP errors (RFC 4825 §11, HTTP on 127.0.0.1, real Redis)', () => {
  let h: Harness;
  let doc: string;
  const errorSchema = new SchemaValidator([{ namespace: XCAP_ERROR_NS, file: 'rfc4825-xcap-error.xsd' }]);
  const put = (url: string, body: string | Buffer, type: string, headers: Record<string, string> = {}) =>
    h.request('bill', { method: 'PUT', url, body, headers: { 'content-type': type, ...headers } });

  /** Asserts a 409 whose body is a valid xcap-error document holding `element`; returns the body. */
  function conflict(r: { statusCode: number; body: string; headers: Record<string, unknown> }, element: string): string {
    assert.equal(r.statusCode, 409, r.body);
    assert.equal(r.headers['content-type'], 'application/xcap-error+xml');
    assert.deepEqual(errorSchema.errors(r.body), []);
    assert.match(r.body, new RegExp(`<xcap-error xmlns="${XCAP_ERROR_NS}"><${element}[ />]`));
    return r.body;
  }

  before(async () => {
    h = await startHarness(['bill']);
    doc = `${h.root}/resource-lists/users/${h.xui('bill')}/index`;
    const r = await put(doc, LISTS, RL);
    assert.equal(r.statusCode, 201, r.body);
  });
  after(() => h.close());

  it('not-well-formed - a document PUT that is not well-formed XML', async () => {
    conflict(await put(doc, '<resource-lists xmlns="urn:ietf:params:xml:ns:resource-lists"><list>', RL), 'not-well-formed');
  });

  it('not-utf-8 - a document in Latin-1 bytes, or declaring another encoding', async () => {
    const latin1 = Buffer.concat([Buffer.from('<resource-lists xmlns="urn:ietf:params:xml:ns:resource-lists"><list name="caf'), Buffer.from([0xe9]), Buffer.from('"/></resource-lists>')]);
    conflict(await put(doc, latin1, RL), 'not-utf-8');
    conflict(await put(doc, '<?xml version="1.0" encoding="ISO-8859-1"?><resource-lists xmlns="urn:ietf:params:xml:ns:resource-lists"/>', RL), 'not-utf-8');
    conflict(await put(`${doc}/~~/resource-lists/list[@name="friends"]/entry[@uri="sip:c@example.org"]`, Buffer.from([0x3c, 0x65, 0xff, 0x3e]), EL), 'not-utf-8');
  });

  it('schema-validation-error - a document, or an element PUT, that the schema refuses', async () => {
    conflict(await put(doc, '<resource-lists xmlns="urn:ietf:params:xml:ns:resource-lists"><bogus/></resource-lists>', RL), 'schema-validation-error');
    conflict(await put(`${doc}/~~/resource-lists/list[@name="friends"]/bogus`, '<bogus/>', EL), 'schema-validation-error');
  });

  it('no-parent - the parent element does not exist: the ancestor is the closest existing one', async () => {
    const body = conflict(await put(`${doc}/~~/resource-lists/list[@name="nope"]/entry`, '<entry uri="sip:c@example.org"/>', EL), 'no-parent');
    assert.match(body, new RegExp(`<ancestor>${h.base}${h.root}/resource-lists/users/${h.xui('bill')}/index/~~/resource-lists</ancestor>`));
  });

  it('no-parent - an element PUT into a document that does not exist: the ancestor is the directory', async () => {
    const body = conflict(await put(`${h.root}/resource-lists/users/${h.xui('bill')}/other/~~/resource-lists/list`, '<list/>', EL), 'no-parent');
    assert.match(body, new RegExp(`<ancestor>${h.base}${h.root}/resource-lists/users/${h.xui('bill')}/</ancestor>`));
  });

  it('cannot-insert - a replacement that the request URI would no longer select', async () => {
    conflict(await put(`${doc}/~~/resource-lists/list[@name="friends"]`, '<list name="enemies"/>', EL), 'cannot-insert');
    conflict(await put(`${doc}/~~/resource-lists/list[@name="friends"]/@name`, '"enemies"', ATT), 'cannot-insert');
    conflict(await put(`${doc}/~~/resource-lists/list[@name="friends"]/entry[5]`, '<entry uri="sip:e@example.org"/>', EL), 'cannot-insert');
  });

  it('cannot-delete - a DELETE after which the request URI selects another element', async () => {
    conflict(await h.request('bill', { method: 'DELETE', url: `${doc}/~~/resource-lists/list[@name="friends"]/*[1]` }), 'cannot-delete');
  });

  it('uniqueness-failure - a second entry with the same uri, with an alternative value', async () => {
    const body = conflict(await put(`${doc}/~~/resource-lists/list[@name="friends"]/entry[3]`, '<entry uri="sip:a@example.org"/>', EL), 'uniqueness-failure');
    assert.match(body, /<exists field="resource-lists\/list\/entry\/@uri"><alt-value>sip:a-2@example.org<\/alt-value><\/exists>/);
  });

  it('§11.1 example - the uniqueness-failure document is the RFC\'s, element for element', () => {
    const ours = xcapErrorDocument(new UniquenessFailureError([{ field: 'rls-services/service/@uri', altValues: ['sip:mybuddies@example.com'] }]));
    const squeeze = (s: string): string => s.replace(/>\s+</g, '><').trim();
    assert.equal(squeeze(ours), squeeze(fixture('rfc4825-11.1-xcap-error.xml')));
    assert.deepEqual(errorSchema.errors(ours), []);
  });

  it('constraint-failure - an external anchor that is not an absolute HTTP URI', async () => {
    conflict(await put(`${doc}/~~/resource-lists/list[@name="friends"]/external`, '<external anchor="ftp://example.org/list"/>', EL), 'constraint-failure');
  });

  it('not-xml-frag - an element PUT with two elements, text, or nothing', async () => {
    const url = `${doc}/~~/resource-lists/list[@name="friends"]/entry[@uri="sip:c@example.org"]`;
    conflict(await put(url, '<entry uri="sip:c@example.org"/><entry uri="sip:d@example.org"/>', EL), 'not-xml-frag');
    conflict(await put(url, 'hello', EL), 'not-xml-frag');
    conflict(await put(url, '<entry uri="sip:c@example.org">', EL), 'not-xml-frag');
  });

  it('not-xml-att-value - an attribute PUT that is not a quoted AttValue', async () => {
    const url = `${doc}/~~/resource-lists/list[@name="friends"]/entry[1]/@uri`;
    conflict(await put(url, 'sip:z@example.org', ATT), 'not-xml-att-value');
    conflict(await put(url, '"a<b"', ATT), 'not-xml-att-value');
  });

  it('404 - no document, a selector that matches nothing or several elements, an unknown AUID', async () => {
    for (const url of [`${h.root}/resource-lists/users/${h.xui('bill')}/nope`, `${doc}/~~/resource-lists/list[@name="x"]`, `${doc}/~~/resource-lists/list/entry`, `${h.root}/no-such-auid/users/${h.xui('bill')}/index`]) {
      const r = await h.request('bill', { method: 'GET', url });
      assert.equal(r.statusCode, 404, url);
    }
    assert.equal((await h.request('bill', { method: 'DELETE', url: `${doc}/~~/resource-lists/list[@name="x"]` })).statusCode, 404);
  });

  it('405 - POST, a DELETE of namespace bindings, a PUT of xcap-caps', async () => {
    const post = await h.request('bill', { method: 'POST', url: doc, body: 'x', headers: { 'content-type': RL } });
    assert.equal(post.statusCode, 405);
    assert.match(String(post.headers.allow), /GET/);
    const ns = await h.request('bill', { method: 'DELETE', url: `${doc}/~~/resource-lists/namespace::*` });
    assert.equal(ns.statusCode, 405);
    assert.equal(ns.headers.allow, 'GET');
    const caps = await h.request(undefined, { method: 'PUT', url: `${h.root}/xcap-caps/global/index`, body: '<x/>', headers: { 'content-type': 'application/xcap-caps+xml' } });
    assert.equal(caps.statusCode, 405);
  });

  it('415 - a document, element or attribute PUT with the wrong MIME type', async () => {
    assert.equal((await put(doc, LISTS, 'application/xml')).statusCode, 415);
    assert.equal((await put(`${doc}/~~/resource-lists/list[@name="friends"]/entry[@uri="sip:c@example.org"]`, '<entry uri="sip:c@example.org"/>', 'application/xml')).statusCode, 415);
    assert.equal((await put(`${doc}/~~/resource-lists/list[@name="friends"]/@name`, '"friends"', EL)).statusCode, 415);
  });

  it('412 and 304 - If-Match and If-None-Match against the document ETag (§8.2.6, §9)', async () => {
    const get = await h.request('bill', { method: 'GET', url: doc });
    const etag = String(get.headers.etag);
    assert.equal((await put(doc, LISTS, RL, { 'if-match': '"stale"' })).statusCode, 412);
    assert.equal((await put(doc, LISTS, RL, { 'if-none-match': '*' })).statusCode, 412);
    // §8.2.6: "a conditional PUT of an element or attribute with an If-None-Match: * will always fail".
    assert.equal((await put(`${doc}/~~/resource-lists/list[@name="friends"]/entry[@uri="sip:q@example.org"]`, '<entry uri="sip:q@example.org"/>', EL, { 'if-none-match': '*' })).statusCode, 412);
    const notModified = await h.request('bill', { method: 'GET', url: `${doc}/~~/resource-lists/list[@name="friends"]`, headers: { 'if-none-match': etag } });
    assert.equal(notModified.statusCode, 304);
    assert.equal(notModified.headers.etag, etag);
    assert.equal((await h.request('bill', { method: 'DELETE', url: doc, headers: { 'if-match': '"stale"' } })).statusCode, 412);
    const ok = await put(`${doc}/~~/resource-lists/list[@name="friends"]/@name`, '"friends"', ATT, { 'if-match': etag });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.notEqual(ok.headers.etag, etag);
  });

  it('nothing changed - after all the refusals the document is still the one first put', async () => {
    const r = await h.request('bill', { method: 'GET', url: doc });
    assert.equal(r.body.trimEnd(), LISTS);
  });
});
