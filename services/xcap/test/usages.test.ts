// The application usages: each RFC example document is accepted (schema and constraints),
// each usage's own constraints are enforced, xcap-caps is generated, and the directory lists documents.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { UserStore } from '@simple/users';
import { defaultNamespaceOf } from '@simple/xcap-uri';
import { defaultUsages } from '../src/build-xcap.js';
import { SchemaValidator } from '../src/schema-validator.js';
import { fixture } from './support/fixtures.js';
import { startHarness, type Harness } from './support/harness.js';

describe('application usages (HTTP on 127.0.0.1, real Redis)', () => {
  let h: Harness;
  const put = (user: string, url: string, body: string, type: string) => h.request(user, { method: 'PUT', url, body, headers: { 'content-type': type } });
  const docUrl = (auid: string, user: string, path = 'index') => `${h.root}/${auid}/users/${h.xui(user)}/${path}`;
  const local = (name: string) => fixture(name).replaceAll('example.com', h.domain);

  before(async () => {
    h = await startHarness(['joe', 'bob']);
  });
  after(() => h.close());

  it('resource-lists (RFC 4826 §3.3) - the RFC example is accepted and read back', async () => {
    const r = await put('joe', docUrl('resource-lists', 'joe'), local('rfc4826-3.3-resource-lists.xml'), 'application/resource-lists+xml');
    assert.equal(r.statusCode, 201, r.body);
    const g = await h.request('joe', { method: 'GET', url: `${docUrl('resource-lists', 'joe')}/~~/resource-lists/list[@name="friends"]/list[@name="close-friends"]/entry[2]/display-name` });
    assert.equal(g.statusCode, 200);
    assert.equal(g.headers['content-type'], 'application/xcap-el+xml');
    // §8.3: no namespace declarations from ancestors are added to the element.
    assert.equal(g.body, '<display-name>Nancy Gross</display-name>');
  });

  it('resource-lists - an entry-ref that is an absolute URI is a constraint failure (§3.4.5)', async () => {
    const r = await put('joe', `${docUrl('resource-lists', 'joe')}/~~/resource-lists/list[@name="friends"]/entry-ref[@ref="http://example.org/x"]`, '<entry-ref ref="http://example.org/x"/>', 'application/xcap-el+xml');
    assert.equal(r.statusCode, 409);
    assert.match(r.body, /<constraint-failure/);
  });

  it('resource-lists - two sibling lists with one name are a uniqueness failure with an alternative', async () => {
    const r = await put('joe', `${docUrl('resource-lists', 'joe')}/~~/resource-lists/list[2]`, '<list name="friends"/>', 'application/xcap-el+xml');
    assert.equal(r.statusCode, 409);
    assert.match(r.body, /<exists field="resource-lists\/list\/@name"><alt-value>friends-2<\/alt-value><\/exists>/);
  });

  it('namespace bindings (§10) - GET namespace::* returns the element name with every binding in scope', async () => {
    const r = await h.request('joe', { method: 'GET', url: `${docUrl('resource-lists', 'joe')}/~~/resource-lists/list[@name="friends"]/namespace::*` });
    assert.equal(r.statusCode, 200);
    assert.equal(r.headers['content-type'], 'application/xcap-ns+xml');
    assert.equal(r.body, '<list xmlns="urn:ietf:params:xml:ns:resource-lists" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>');
  });

  it('rls-services (RFC 4826 §4.3) - the RFC example is accepted in joe\'s tree', async () => {
    const r = await put('joe', docUrl('rls-services', 'joe'), local('rfc4826-4.3-rls-services.xml'), 'application/rls-services+xml');
    assert.equal(r.statusCode, 201, r.body);
  });

  it('rls-services - a service URI another user holds is a uniqueness failure with a free alternative (§4.4.5, §11.1)', async () => {
    const doc = `<?xml version="1.0" encoding="UTF-8"?>
<rls-services xmlns="urn:ietf:params:xml:ns:rls-services"><service uri="sip:mybuddies@${h.domain}"><resource-list>http://xcap.test/resource-lists/users/sip:bob@${h.domain}/index</resource-list><packages><package>presence</package></packages></service></rls-services>`;
    const r = await put('bob', docUrl('rls-services', 'bob'), doc, 'application/rls-services+xml');
    assert.equal(r.statusCode, 409);
    assert.match(r.body, new RegExp(`<uniqueness-failure><exists field="rls-services/service/@uri"><alt-value>sip:mybuddies-2@${h.domain.replace(/\./g, '\\.')}</alt-value></exists></uniqueness-failure>`));
    const user = await put('bob', docUrl('rls-services', 'bob'), doc.replace('mybuddies', 'joe'), 'application/rls-services+xml');
    assert.equal(user.statusCode, 409, 'the URI of an existing user is taken');
  });

  it('rls-services - a resource-list into another user\'s tree, or not HTTP, is a constraint failure (§4.4.5)', async () => {
    const other = `<rls-services xmlns="urn:ietf:params:xml:ns:rls-services"><service uri="sip:bobs@${h.domain}"><resource-list>http://xcap.test/resource-lists/users/sip:joe@${h.domain}/index</resource-list><packages><package>presence</package></packages></service></rls-services>`;
    const r = await put('bob', docUrl('rls-services', 'bob'), other, 'application/rls-services+xml');
    assert.equal(r.statusCode, 409);
    assert.match(r.body, /<constraint-failure/);
    const ftp = await put('bob', docUrl('rls-services', 'bob'), other.replace('http://xcap.test/', 'ftp://xcap.test/').replace('sip:joe@', 'sip:bob@'), 'application/rls-services+xml');
    assert.match(ftp.body, /<constraint-failure/);
  });

  it('rls-services - once joe deletes his document the URI is free for bob', async () => {
    assert.equal((await h.request('joe', { method: 'DELETE', url: docUrl('rls-services', 'joe') })).statusCode, 200);
    const doc = `<rls-services xmlns="urn:ietf:params:xml:ns:rls-services"><service uri="sip:mybuddies@${h.domain}"><list name="l"/><packages><package>presence</package></packages></service></rls-services>`;
    const r = await put('bob', docUrl('rls-services', 'bob'), doc, 'application/rls-services+xml');
    assert.equal(r.statusCode, 201, r.body);
  });

  it('pres-rules (RFC 5025 §6) - the RFC example is accepted as application/auth-policy+xml, selected in the common-policy namespace', async () => {
    const r = await put('joe', docUrl('pres-rules', 'joe'), local('rfc5025-6-pres-rules.xml'), 'application/auth-policy+xml');
    assert.equal(r.statusCode, 201, r.body);
    const g = await h.request('joe', { method: 'GET', url: `${docUrl('pres-rules', 'joe')}/~~/ruleset/rule[@id="a"]/actions/pr:sub-handling?xmlns(pr=urn:ietf:params:xml:ns:pres-rules)` });
    assert.equal(g.statusCode, 200, g.body);
    assert.equal(g.body, '<pr:sub-handling>allow</pr:sub-handling>');
  });

  it('pres-rules - a sub-handling value outside the schema is refused, and a rule id already used', async () => {
    const url = `${docUrl('pres-rules', 'joe')}/~~/ruleset/rule[@id="a"]/actions/pr:sub-handling?xmlns(pr=urn:ietf:params:xml:ns:pres-rules)`;
    const bad = await put('joe', url, '<pr:sub-handling>maybe</pr:sub-handling>', 'application/xcap-el+xml');
    assert.equal(bad.statusCode, 409);
    assert.match(bad.body, /<schema-validation-error/);
    const ok = await put('joe', url, '<pr:sub-handling>block</pr:sub-handling>', 'application/xcap-el+xml');
    assert.equal(ok.statusCode, 200, ok.body);
    // The fragment is read in its parent's namespace context, where the default namespace is pres-rules: the rule needs its cr: prefix.
    const unqualified = await put('joe', `${docUrl('pres-rules', 'joe')}/~~/ruleset/rule[2]`, '<rule id="b"/>', 'application/xcap-el+xml');
    assert.match(unqualified.body, /<cannot-insert/);
    const dup = await put('joe', `${docUrl('pres-rules', 'joe')}/~~/ruleset/rule[2]`, '<cr:rule id="a"/>', 'application/xcap-el+xml');
    assert.equal(dup.statusCode, 409);
    // §8.2.5 checks the schema first: RFC 4745 types the rule id as xs:ID.
    assert.match(dup.body, /<schema-validation-error phrase="[^"]*xs:ID/);
  });

  it('pidf-manipulation (RFC 4827) - a PIDF document is stored; a tuple without status is refused', async () => {
    const pidf = `<?xml version="1.0" encoding="UTF-8"?>\n<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:joe@${h.domain}"><tuple id="t1"><status><basic>open</basic></status></tuple></presence>`;
    assert.equal((await put('joe', docUrl('pidf-manipulation', 'joe'), pidf, 'application/pidf+xml')).statusCode, 201);
    const bad = await put('joe', `${docUrl('pidf-manipulation', 'joe')}/~~/presence/tuple[@id="t2"]`, '<tuple id="t2"/>', 'application/xcap-el+xml');
    assert.equal(bad.statusCode, 409);
    assert.match(bad.body, /<schema-validation-error/);
  });

  it('xcap-caps (RFC 4825 §12) - generated, valid against its schema, readable by anyone, with an ETag', async () => {
    const r = await h.request(undefined, { method: 'GET', url: `${h.root}/xcap-caps/global/index` });
    assert.equal(r.statusCode, 200);
    assert.equal(r.headers['content-type'], 'application/xcap-caps+xml');
    assert.ok(r.headers.etag);
    const caps = new SchemaValidator([{ namespace: 'urn:ietf:params:xml:ns:xcap-caps', file: 'rfc4825-xcap-caps.xsd' }]);
    assert.deepEqual(caps.errors(r.body), []);
    for (const auid of ['resource-lists', 'rls-services', 'pres-rules', 'pidf-manipulation', 'xcap-caps']) assert.match(r.body, new RegExp(`<auid>${auid}</auid>`));
    assert.match(r.body, /<namespace>urn:ietf:params:xml:ns:pres-rules<\/namespace>/);
    const auids = await h.request(undefined, { method: 'GET', url: `${h.root}/xcap-caps/global/index/~~/xcap-caps/auids/auid[1]` });
    assert.equal(auids.statusCode, 200);
    const head = await h.request(undefined, { method: 'HEAD', url: `${h.root}/xcap-caps/global/index` });
    assert.equal(head.statusCode, 200);
    assert.equal(head.headers.etag, r.headers.etag);
    assert.equal(head.body, '');
  });

  it('directory - a user\'s documents with their ETags, per AUID and in all (xcap-directory, OMA directory.xml)', async () => {
    const all = await h.request('joe', { method: 'GET', url: `${h.root}/xcap-directory/users/${h.xui('joe')}/` });
    assert.equal(all.statusCode, 200);
    assert.equal(all.headers['content-type'], 'application/vnd.oma.xcap-directory+xml');
    assert.match(all.body, /<folder auid="resource-lists">/);
    assert.match(all.body, /<folder auid="pres-rules">/);
    assert.doesNotMatch(all.body, /rls-services/, 'the deleted document is gone from the listing');
    const one = await h.request('joe', { method: 'GET', url: `${h.root}/pres-rules/users/${h.xui('joe')}/` });
    assert.equal(one.statusCode, 200);
    assert.doesNotMatch(one.body, /resource-lists/);
    const etag = String((await h.request('joe', { method: 'GET', url: docUrl('pres-rules', 'joe') })).headers.etag).slice(1, -1);
    assert.match(one.body, new RegExp(`etag="${etag}"`));
    const oma = await h.request('joe', { method: 'GET', url: `${h.root}/xcap-directory/users/${h.xui('joe')}/directory.xml` });
    assert.equal(oma.body, all.body);
    assert.equal((await h.request('bob', { method: 'GET', url: `${h.root}/xcap-directory/users/${h.xui('joe')}/directory.xml` })).statusCode, 403);
  });
});

describe('default document namespaces (RFC 4825 §5.4) agree with @simple/xcap-uri', () => {
  it('every registered usage has the namespace the xcap-diff notifier resolves its selectors with', () => {
    const registry = defaultUsages(new Redis('redis://127.0.0.1:6379', { lazyConnect: true }), new UserStore(new Redis('redis://127.0.0.1:6379', { lazyConnect: true })));
    const usages = registry.all();
    assert.ok(usages.length >= 5);
    for (const u of usages) assert.equal(defaultNamespaceOf(u.auid), u.defaultNamespace, u.auid);
  });
});
