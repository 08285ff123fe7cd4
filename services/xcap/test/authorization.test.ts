// HTTP Digest against the SIP user store, and the default authorization policy (RFC 4825 §5.7):
// a user reaches only their own tree; everyone else gets 401 or 403 and learns nothing.
// Hostile XML (billion laughs, external entities) is refused with a clear error.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { DigestAuthenticator, parseParams } from '../src/digest-authenticator.js';
import { PASSWORD, startHarness, type Harness } from './support/harness.js';

interface UsageCase {
  readonly auid: string;
  readonly type: string;
  readonly doc: (domain: string) => string;
  readonly element: string;
  readonly fragment: string;
}

const USAGES: readonly UsageCase[] = [
  {
    auid: 'resource-lists',
    type: 'application/resource-lists+xml',
    doc: () => '<resource-lists xmlns="urn:ietf:params:xml:ns:resource-lists"><list name="l"/></resource-lists>',
    element: 'resource-lists/list[@name="l"]',
    fragment: '<list name="l"><entry uri="sip:x@example.org"/></list>',
  },
  {
    auid: 'rls-services',
    type: 'application/rls-services+xml',
    doc: (d) => `<rls-services xmlns="urn:ietf:params:xml:ns:rls-services"><service uri="sip:svc-${randomBytes(3).toString('hex')}@${d}"><list name="l"/><packages><package>presence</package></packages></service></rls-services>`,
    element: 'rls-services/service/packages',
    fragment: '<packages><package>presence</package></packages>',
  },
  {
    auid: 'pres-rules',
    type: 'application/auth-policy+xml',
    doc: () => '<cr:ruleset xmlns:cr="urn:ietf:params:xml:ns:common-policy"><cr:rule id="r1"/></cr:ruleset>',
    element: 'ruleset/rule[@id="r1"]',
    fragment: '<cr:rule id="r1"/>',
  },
  {
    auid: 'pidf-manipulation',
    type: 'application/pidf+xml',
    doc: (d) => `<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:joe@${d}"><tuple id="t"><status><basic>open</basic></status></tuple></presence>`,
    element: 'presence/tuple[@id="t"]',
    fragment: '<tuple id="t"><status><basic>closed</basic></status></tuple>',
  },
];

describe('authentication and authorization (HTTP on 127.0.0.1, real Redis)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness(['joe', 'bob']);
    for (const u of USAGES) {
      const r = await h.request('joe', { method: 'PUT', url: `${h.root}/${u.auid}/users/${h.xui('joe')}/index`, body: u.doc(h.domain), headers: { 'content-type': u.type } });
      assert.equal(r.statusCode, 201, `${u.auid}: ${r.body}`);
    }
  });
  after(() => h.close());

  for (const u of USAGES) {
    const requests = (owner: string, path = 'index') => {
      const doc = `${h.root}/${u.auid}/users/${h.xui(owner)}/${path}`;
      return [
        { method: 'GET' as const, url: doc },
        { method: 'GET' as const, url: `${doc}/~~/${u.element}` },
        { method: 'PUT' as const, url: doc, body: u.doc(h.domain), headers: { 'content-type': u.type } },
        { method: 'PUT' as const, url: `${doc}/~~/${u.element}`, body: u.fragment, headers: { 'content-type': 'application/xcap-el+xml' } },
        { method: 'DELETE' as const, url: `${doc}/~~/${u.element}` },
        { method: 'DELETE' as const, url: doc },
        { method: 'GET' as const, url: `${h.root}/${u.auid}/users/${h.xui(owner)}/` },
      ];
    };

    it(`${u.auid} - without credentials every request is challenged (401, Digest, realm = the domain), existing or not`, async () => {
      for (const path of ['index', 'missing']) {
        for (const req of requests('joe', path)) {
          const r = await h.request(undefined, req);
          assert.equal(r.statusCode, 401, `${req.method} ${req.url}`);
          assert.equal(r.body, '');
          const challenges = [r.headers['www-authenticate'] ?? []].flat();
          assert.equal(challenges.length, 2);
          assert.equal(parseParams(challenges[0]!.slice(7)).realm, h.domain);
        }
      }
    });

    it(`${u.auid} - another user gets 403 with an empty body on every resource, existing or not`, async () => {
      for (const path of ['index', 'missing']) {
        for (const req of requests('joe', path)) {
          const r = await h.request('bob', req);
          assert.equal(r.statusCode, 403, `${req.method} ${req.url}`);
          assert.equal(r.body, '');
          assert.equal(r.headers.etag, undefined);
        }
      }
    });

    it(`${u.auid} - a wrong password is challenged again (401)`, async () => {
      const r = await h.request('joe', { ...requests('joe')[0]!, password: 'wrong password' });
      assert.equal(r.statusCode, 401);
    });

    it(`${u.auid} - the owner reads, writes and deletes their own tree (MD5 and SHA-256)`, async () => {
      const [getDoc, getEl, putDoc, putEl, delEl, delDoc, dir] = requests('joe');
      assert.equal((await h.request('joe', getDoc!)).statusCode, 200);
      assert.equal((await h.request('joe', { ...getEl!, algorithm: 'MD5' })).statusCode, 200);
      assert.equal((await h.request('joe', putEl!)).statusCode, 200);
      assert.equal((await h.request('joe', dir!)).statusCode, 200);
      const del = await h.request('joe', delEl!);
      assert.ok(del.statusCode === 200 || del.statusCode === 409, `${del.statusCode} ${del.body}`);
      assert.equal((await h.request('joe', delDoc!)).statusCode, 200);
      assert.equal((await h.request('joe', putDoc!)).statusCode, 201);
    });
  }

  it('global tree - xcap-caps is public; other usages have no global documents; nobody writes there', async () => {
    assert.equal((await h.request(undefined, { method: 'GET', url: `${h.root}/xcap-caps/global/index` })).statusCode, 200);
    assert.equal((await h.request(undefined, { method: 'GET', url: `${h.root}/resource-lists/global/index` })).statusCode, 404);
    assert.equal((await h.request(undefined, { method: 'PUT', url: `${h.root}/resource-lists/global/index`, body: '<x/>', headers: { 'content-type': 'application/resource-lists+xml' } })).statusCode, 404);
    assert.equal((await h.request(undefined, { method: 'DELETE', url: `${h.root}/xcap-caps/global/index` })).statusCode, 405);
  });

  it('digest - a nonce older than five minutes gets stale=true; a digest for another URI is refused', async () => {
    let now = Date.now();
    const auth = new DigestAuthenticator(h.users, () => now);
    const [challenge] = auth.challenges(h.domain);
    const nonce = parseParams(challenge!.slice(7)).nonce ?? '';
    const uri = `${h.root}/resource-lists/users/${h.xui('joe')}/index`;
    const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
    const ha1 = sha(`joe:${h.domain}:${PASSWORD}`);
    const response = sha(`${ha1}:${nonce}:00000001:c:auth:${sha(`GET:${uri}`)}`);
    const header = `Digest username="joe", realm="${h.domain}", nonce="${nonce}", uri="${uri}", algorithm=SHA-256, qop=auth, nc=00000001, cnonce="c", response="${response}"`;
    assert.deepEqual(await auth.verify(header, 'GET', h.domain, h.domain, uri), { ok: true, user: { aor: h.aor('joe') } });
    assert.deepEqual(await auth.verify(header, 'GET', h.domain, h.domain, `${uri}x`), { ok: false, stale: false });
    now += 6 * 60_000;
    assert.deepEqual(await auth.verify(header, 'GET', h.domain, h.domain, uri), { ok: false, stale: true });
    assert.match(auth.challenges(h.domain, true)[0]!, /stale=true/);
  });

  it('hostile XML - a billion-laughs document is refused as not well-formed, saying DOCTYPE is not accepted', async () => {
    const lol = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><resource-lists xmlns="urn:ietf:params:xml:ns:resource-lists"><list name="&lol2;"/></resource-lists>`;
    const r = await h.request('joe', { method: 'PUT', url: `${h.root}/resource-lists/users/${h.xui('joe')}/lol`, body: lol, headers: { 'content-type': 'application/resource-lists+xml' } });
    assert.equal(r.statusCode, 409);
    assert.match(r.body, /<not-well-formed phrase="DOCTYPE declarations are not accepted"\/>/);
  });

  it('hostile XML - an external entity, in a document or in an element fragment, is refused and nothing is stored', async () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><resource-lists xmlns="urn:ietf:params:xml:ns:resource-lists"><list name="&x;"/></resource-lists>`;
    const doc = `${h.root}/resource-lists/users/${h.xui('joe')}/xxe`;
    const r = await h.request('joe', { method: 'PUT', url: doc, body: xxe, headers: { 'content-type': 'application/resource-lists+xml' } });
    assert.equal(r.statusCode, 409);
    assert.match(r.body, /<not-well-formed phrase="DOCTYPE declarations are not accepted"\/>/);
    assert.equal((await h.request('joe', { method: 'GET', url: doc })).statusCode, 404);
    const frag = await h.request('joe', {
      method: 'PUT',
      url: `${h.root}/resource-lists/users/${h.xui('joe')}/index/~~/resource-lists/list[@name="x"]`,
      body: '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><list name="&x;"/>',
      headers: { 'content-type': 'application/xcap-el+xml' },
    });
    assert.equal(frag.statusCode, 409);
    assert.match(frag.body, /<not-xml-frag phrase="DOCTYPE declarations are not accepted"\/>/);
  });
});
