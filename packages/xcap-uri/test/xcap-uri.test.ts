import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { documentSelectorOf, encodeXcapSegment, parseXcapUri, parseXmlnsQuery } from '../src/xcap-uri.js';

describe('XCAP URI (RFC 4825 §6)', () => {
  it('document selector - AUID, users tree with the XUI, document path under the root', () => {
    const r = parseXcapUri('/xcap-root/resource-lists/users/sip:bill@example.com/index', '/xcap-root');
    assert.ok(r.ok && r.value.kind === 'document');
    assert.equal(r.value.document.auid, 'resource-lists');
    assert.deepEqual(r.value.document.tree, { kind: 'users', xui: 'sip:bill@example.com', aor: 'bill@example.com', domain: 'example.com' });
    assert.equal(r.value.document.path, 'index');
    assert.equal(r.value.nodeSelector, undefined);
  });

  it('document selector - the global tree and a nested document path', () => {
    const r = parseXcapUri('/xcap-root/xcap-caps/global/index', '/xcap-root');
    assert.ok(r.ok && r.value.kind === 'document');
    assert.deepEqual(r.value.document.tree, { kind: 'global' });
    const nested = parseXcapUri('/xcap-root/resource-lists/users/sip:bill@example.com/dir/doc', '/xcap-root');
    assert.ok(nested.ok && nested.value.kind === 'document');
    assert.equal(nested.value.document.path, 'dir/doc');
  });

  it('percent-decoding - the XUI and the node selector are decoded', () => {
    const r = parseXcapUri('/x/resource-lists/users/sip%3Abill%40example.com/index/~~/resource-lists/list%5b@name=%22friends%22%5d', '/x');
    assert.ok(r.ok && r.value.kind === 'document');
    assert.equal(r.value.document.tree.kind === 'users' && r.value.document.tree.xui, 'sip:bill@example.com');
    const step = r.value.nodeSelector?.steps[1];
    assert.deepEqual(step?.attr, { name: { prefix: undefined, local: 'name' }, value: 'friends' });
  });

  it('node selector - steps, positions, attribute tests, attribute and namespace terminals', () => {
    const r = parseXcapUri('/x/a/users/sip:u@h.test/d/~~/r/list[2][@name="a/b]"]/entry[@uri=\'x\']/@uri', '/x');
    assert.ok(r.ok && r.value.kind === 'document', r.ok ? '' : r.error);
    const sel = r.value.nodeSelector;
    assert.equal(sel?.steps.length, 3);
    assert.equal(sel?.steps[1]?.position, 2);
    assert.equal(sel?.steps[1]?.attr?.value, 'a/b]');
    assert.equal(sel?.steps[2]?.attr?.value, 'x');
    assert.deepEqual(sel?.terminal, { kind: 'attribute', name: { prefix: undefined, local: 'uri' } });
    const ns = parseXcapUri('/x/a/users/sip:u@h.test/d/~~/p:r/*/namespace::*?xmlns(p=urn:test)', '/x');
    assert.ok(ns.ok && ns.value.kind === 'document');
    assert.deepEqual(ns.value.nodeSelector?.terminal, { kind: 'namespace' });
    assert.equal(ns.value.nodeSelector?.steps[1]?.name, undefined);
    assert.equal(ns.value.bindings.get('p'), 'urn:test');
  });

  it('xmlns() query - several bindings, percent-encoded (§6.4)', () => {
    assert.deepEqual([...(parseXmlnsQuery('xmlns(a=urn:a)xmlns(b=urn:b%3Ac)') ?? [])], [['a', 'urn:a'], ['b', 'urn:b:c']]);
    assert.equal(parseXmlnsQuery('foo=bar'), undefined);
  });

  it('directory - a trailing slash after the XUI names the user\'s directory', () => {
    const r = parseXcapUri('/x/resource-lists/users/sip:u@h.test/', '/x');
    assert.ok(r.ok && r.value.kind === 'directory');
  });

  it('refusals - outside the root, unknown tree, non-SIP XUI, dot segments, bad selectors, bad encoding', () => {
    for (const u of [
      '/other/resource-lists/users/sip:u@h.test/index',
      '/x/resource-lists/people/sip:u@h.test/index',
      '/x/resource-lists/users/bill/index',
      '/x/resource-lists/users/sip:u@h.test/../index',
      '/x/resource-lists/users/sip:u@h.test/index/~~/a[0]',
      '/x/resource-lists/users/sip:u@h.test/index/~~/a[@b=c]',
      '/x/resource-lists/users/sip:u@h.test/index/~~/a[@b="c]',
      '/x/resource-lists/users/sip:u@h.test/index/~~/a//b',
      '/x/resource-lists/users/sip:u@h.test/index/~~/@a',
      '/x/resource-lists/users/sip:u@h.test/%E0%A4%A',
      '/x/resource-lists/users/sip:u@h.test/index?xmlns(p)',
    ]) {
      assert.equal(parseXcapUri(u, '/x').ok, false, u);
    }
  });
});

describe('XCAP URIs written by the server (RFC 4825 §6)', () => {
  it('a document selector keeps the XUI readable and encodes what a path segment may not hold; it parses back to the same document', () => {
    const sel = documentSelectorOf('resource-lists', 'sip:bill@example.com', 'my lists/index#1');
    assert.equal(sel, 'resource-lists/users/sip:bill@example.com/my%20lists/index%231');
    const r = parseXcapUri(`/xcap-root/${sel}`, '/xcap-root');
    assert.ok(r.ok && r.value.kind === 'document');
    assert.equal(r.value.document.path, 'my lists/index#1');
    assert.deepEqual(r.value.document.tree, { kind: 'users', xui: 'sip:bill@example.com', aor: 'bill@example.com', domain: 'example.com' });
    assert.equal(documentSelectorOf('xcap-caps', undefined, 'index'), 'xcap-caps/global/index');
    assert.equal(encodeXcapSegment('list[@name="friends"]'), 'list%5B@name=%22friends%22%5D');
  });
});
