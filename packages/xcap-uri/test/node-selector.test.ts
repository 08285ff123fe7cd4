import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseXml, type Document, type Element } from '@simple/xml';
import { evaluateNodeSelector } from '../src/node-selector/evaluate-node-selector.js';
import type { NamespaceContext } from '../src/node-selector/node-selector.js';
import { parseNodeSelector } from '../src/node-selector/parse-node-selector.js';
import { fixture } from './support/fixtures.js';

function doc(name: string): Document {
  const r = parseXml(fixture(name));
  assert.ok(r.ok);
  return r.value;
}

function select(d: Document, selector: string, ns: NamespaceContext) {
  const s = parseNodeSelector(selector);
  assert.ok(s.ok, selector);
  return evaluateNodeSelector(d, s.value, ns);
}

const WATCHERINFO: NamespaceContext = { defaultNamespace: 'urn:ietf:params:xml:ns:watcherinfo', bindings: new Map() };

describe('node selector evaluation (RFC 4825 §6.3, §6.4)', () => {
  it('§6.3 example - watcherinfo/watcher-list/watcher[@id="8ajksjda7s"] selects the first watcher', () => {
    const d = doc('rfc4825-6.3-watcherinfo-node-selector.xml');
    const r = select(d, 'watcherinfo/watcher-list/watcher[@id="8ajksjda7s"]', WATCHERINFO);
    assert.ok(r.ok && r.value.kind === 'element');
    assert.equal(r.value.element.getAttribute('id'), '8ajksjda7s');
  });

  it('positions - watcher[2] and *[2] count among the named, or among all elements', () => {
    const d = doc('rfc4825-6.3-watcherinfo-node-selector.xml');
    const named = select(d, 'watcherinfo/watcher-list/watcher[2]', WATCHERINFO);
    assert.ok(named.ok && named.value.kind === 'element');
    assert.equal(named.value.element.getAttribute('id'), 'hh8juja87s997-ass7');
    const any = select(d, 'watcherinfo/*/*[1]/@id', WATCHERINFO);
    assert.ok(any.ok && any.value.kind === 'attribute');
  });

  it('by-pos-attr - the nth element must also carry the attribute value, else no-match', () => {
    const d = doc('rfc4825-6.3-watcherinfo-node-selector.xml');
    assert.equal(select(d, 'watcherinfo/watcher-list/watcher[2][@id="8ajksjda7s"]', WATCHERINFO).ok, false);
    assert.equal(select(d, 'watcherinfo/watcher-list/watcher[1][@id="8ajksjda7s"]', WATCHERINFO).ok, true);
  });

  it('several matches - a step that selects more than one element is invalid', () => {
    const d = doc('rfc4825-6.3-watcherinfo-node-selector.xml');
    const r = select(d, 'watcherinfo/watcher-list/watcher', WATCHERINFO);
    assert.deepEqual(r, { ok: false, error: 'invalid' });
  });

  it('default namespace rule - an unprefixed name is in the usage namespace, not in no namespace', () => {
    const d = doc('rfc4825-6.3-watcherinfo-node-selector.xml');
    assert.deepEqual(select(d, 'watcherinfo', { defaultNamespace: '', bindings: new Map() }), { ok: false, error: 'no-match' });
  });

  it('§6.4 example - prefixes from xmlns() bindings select by namespace, whatever the document prefixes', () => {
    const d = doc('rfc4825-6.4-namespace-bindings.xml');
    const ns: NamespaceContext = { defaultNamespace: 'urn:test:default-namespace', bindings: new Map([['a', 'urn:test:namespace1-uri'], ['b', 'urn:test:namespace2-uri']]) };
    const r = select(d, 'foo/a:bar/b:baz', ns);
    assert.ok(r.ok && r.value.kind === 'element', r.ok ? r.value.kind : r.error);
    assert.equal(r.value.element.namespaceURI, 'urn:test:namespace2-uri');
    const first = select(d, 'foo/a:bar/a:baz', ns);
    assert.ok(first.ok && first.value.kind === 'element');
    assert.equal(first.value.element.nodeName, 'baz');
    assert.deepEqual(select(d, 'foo/c:bar', ns), { ok: false, error: 'unbound-prefix' });
  });

  it('namespace selector - namespace::* selects the element whose bindings are wanted', () => {
    const d = doc('rfc4825-6.4-namespace-bindings.xml');
    const ns: NamespaceContext = { defaultNamespace: 'urn:test:default-namespace', bindings: new Map([['a', 'urn:test:namespace1-uri']]) };
    const r = select(d, 'foo/a:bar/namespace::*', ns);
    assert.ok(r.ok && r.value.kind === 'namespace');
    assert.equal((r.value.element as Element).localName, 'bar');
  });
});
