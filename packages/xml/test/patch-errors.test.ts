import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  PATCH_ERROR_CODES,
  PATCH_OPS_ERROR_NS,
  PatchError,
  SIMPLE_PATCH_ERROR_CODES,
  applyPatch,
  canonicalXml,
  parsePatch,
  parseXml,
  patchErrorDocument,
  serializeXml,
  type Document,
  type Element,
  type PatchErrorCode,
  type PatchOptions,
} from '@simple/xml';

const dir = new URL('./fixtures/rfc5261/', import.meta.url);

function doc(xml: string): Document {
  const r = parseXml(xml);
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.value;
}

const TARGET = `<?xml version="1.0" encoding="UTF-8"?>
<doc xmlns:pref="urn:test" a="1">
  <foo a="1">This is a sample document</foo><bar/>
  <item/>
  <item/>
  <pref:used/>
  <!-- comment -->
  <?test x?>
</doc>`;

/** Applies `ops` (the children of a <diff> with the given extra namespace declarations) to TARGET; expects failure. */
function failing(ops: string, options: PatchOptions = {}, decls = '', target = TARGET): PatchError {
  const t = doc(target);
  const before = serializeXml(t);
  const r = applyPatch(t, doc(`<diff ${decls}>${ops}</diff>`), options);
  assert.ok(!r.ok, 'the patch must fail');
  assert.equal(serializeXml(t), before, 'the target is unchanged');
  return r.error;
}

/**
 * The element-to-type map of the patch-ops-error schema (RFC 5261 §9), read from the copied
 * XSD: `tns:patch-error` elements hold exactly one element (the failed operation; a
 * sequence of one xsd:any), `tns:patch-error-simple` ones none. Both allow `phrase`,
 * `xml:lang` and any other attribute (anyAttribute lax).
 */
const xsd = doc(readFileSync(new URL('rfc5261-patch-ops-error.xsd', dir), 'utf8'));
const XSD_NS = 'http://www.w3.org/2001/XMLSchema';
const schemaTypes = new Map<string, string>();
for (const e of [...xsd.getElementsByTagNameNS(XSD_NS, 'element')]) {
  if (e.parentNode === xsd.documentElement && e.getAttribute('type') !== null) schemaTypes.set(e.getAttribute('name') as string, e.getAttribute('type') as string);
}

/** Checks a patch-ops-error document against the schema rules above; returns its error element. */
function validateErrorDocument(xml: string): Element {
  const parsed = doc(xml);
  const root = parsed.documentElement as Element;
  assert.equal(root.localName, 'patch-ops-error');
  assert.equal(root.namespaceURI, PATCH_OPS_ERROR_NS);
  const children = [...root.childNodes].filter((n) => n.nodeType === 1) as Element[];
  assert.equal(children.length, 1);
  const el = children[0] as Element;
  assert.equal(el.namespaceURI, PATCH_OPS_ERROR_NS);
  const type = schemaTypes.get(el.localName ?? '');
  assert.ok(type === 'tns:patch-error' || type === 'tns:patch-error-simple', `${el.localName} is declared by the schema`);
  const inner = [...el.childNodes].filter((n) => n.nodeType === 1);
  assert.equal(inner.length, type === 'tns:patch-error' ? 1 : 0, `${el.localName}: content of ${type}`);
  assert.ok(el.getAttribute('phrase'));
  return el;
}

/** The checks every error case makes: the code, the selector, and the error document. */
function check(error: PatchError, code: PatchErrorCode, sel?: string): void {
  assert.ok(error instanceof PatchError);
  assert.equal(error.code, code, error.message);
  const el = validateErrorDocument(patchErrorDocument(error));
  assert.equal(el.localName, code);
  assert.equal(el.getAttribute('phrase'), error.message);
  if (sel !== undefined) {
    assert.equal(error.sel, sel);
    const op = [...el.childNodes].find((n) => n.nodeType === 1) as Element;
    assert.equal(op.getAttribute('sel'), sel);
  }
}

describe('patch errors - RFC 5261 §5.1 error elements', () => {
  it('schema - the copied XSD declares exactly the 14 error elements of §5.1', () => {
    assert.deepEqual([...schemaTypes.keys()].sort(), [...PATCH_ERROR_CODES].sort());
    for (const code of PATCH_ERROR_CODES) {
      assert.equal(schemaTypes.get(code) === 'tns:patch-error-simple', SIMPLE_PATCH_ERROR_CODES.has(code), code);
    }
  });

  it('invalid-attribute-value - pos, ws, type values and selector syntax', () => {
    check(failing(`<add sel="doc" pos="middle"><x/></add>`), 'invalid-attribute-value', 'doc');
    check(failing(`<remove sel="doc/foo" ws="around"/>`), 'invalid-attribute-value', 'doc/foo');
    check(failing(`<add sel="doc" type="attr">v</add>`), 'invalid-attribute-value', 'doc');
    check(failing(`<remove sel="doc/[1]"/>`), 'invalid-attribute-value', 'doc/[1]');
    check(failing(`<remove sel="doc/foo[last()]"/>`), 'invalid-attribute-value', 'doc/foo[last()]');
    check(failing(`<remove sel="doc//foo"/>`), 'invalid-attribute-value', 'doc//foo');
    check(failing(`<add sel="doc/@a">x</add>`), 'invalid-attribute-value', 'doc/@a'); // xpath-add type (§8)
    check(failing(`<remove/>`), 'invalid-attribute-value');
  });

  it('invalid-attribute-value - a CDATA section as a new attribute value (§5.1), an attribute that exists', () => {
    check(failing(`<add sel="doc/foo" type="@user"><![CDATA[Bob]]></add>`), 'invalid-attribute-value', 'doc/foo');
    check(failing(`<add sel="doc/foo" type="@a">2</add>`), 'invalid-attribute-value', 'doc/foo');
  });

  it('invalid-character-set - diff and target in different character sets', () => {
    const e = failing(`<remove sel="doc/@a"/>`, { targetCharset: 'ISO-8859-1' });
    check(e, 'invalid-character-set');
    assert.equal(e.operation, undefined);
    const latin1 = parsePatch(Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><diff><add sel="doc">\xe9</add></diff>', 'latin1'));
    assert.ok(!latin1.ok);
    check(latin1.error, 'invalid-character-set');
    // Same charset under another spelling is fine.
    assert.ok(applyPatch(doc(TARGET), doc('<diff><remove sel="doc/@a"/></diff>'), { targetCharset: 'utf8' }).ok);
  });

  it('invalid-diff-format - a diff that is not well-formed, or has a DTD', () => {
    const broken = parsePatch('<diff><add sel="doc"><x></add></diff>');
    assert.ok(!broken.ok);
    check(broken.error, 'invalid-diff-format');
    const dtd = parsePatch('<!DOCTYPE diff [<!ENTITY e "x">]><diff><add sel="doc">&e;</add></diff>');
    assert.ok(!dtd.ok);
    check(dtd.error, 'invalid-diff-format');
    // A diff with more operations than the application allows.
    const many = applyPatch(doc(TARGET), doc(`<diff>${'<remove sel="doc/@a"/>'.repeat(3)}</diff>`), { maxOperations: 2 });
    assert.ok(!many.ok);
    check(many.error, 'invalid-diff-format');
  });

  it('invalid-entity-declaration - a reference to an undeclared entity, reported with its operation', () => {
    const r = parsePatch('<diff><remove sel="doc/@a"/><add sel="doc/foo">x &unknown; y<b a="&other;"/></add></diff>');
    assert.ok(!r.ok);
    check(r.error, 'invalid-entity-declaration', 'doc/foo');
    assert.match(r.error.message, /&unknown;/);
    const inAttr = parsePatch('<diff><add sel="doc" type="@x">&nope;</add></diff>');
    assert.ok(!inAttr.ok);
    check(inAttr.error, 'invalid-entity-declaration', 'doc');
  });

  it('invalid-namespace-prefix - undeclared selector or type prefix, prefix already declared, prefix still in use', () => {
    check(failing(`<remove sel="x:doc"/>`), 'invalid-namespace-prefix', 'x:doc');
    check(failing(`<add sel="doc" type="@x:a">v</add>`), 'invalid-namespace-prefix', 'doc');
    check(failing(`<add sel="doc" type="namespace::pref">urn:other</add>`), 'invalid-namespace-prefix', 'doc');
    check(failing(`<add sel="doc" type="namespace::xml">urn:other</add>`), 'invalid-namespace-prefix', 'doc');
    check(failing(`<remove sel="doc/namespace::pref"/>`), 'invalid-namespace-prefix', 'doc/namespace::pref');
  });

  it('invalid-namespace-uri - empty URI, declaration not on the located element', () => {
    check(failing(`<add sel="doc/foo" type="namespace::n"></add>`), 'invalid-namespace-uri', 'doc/foo');
    check(failing(`<replace sel="doc/namespace::pref"></replace>`), 'invalid-namespace-uri', 'doc/namespace::pref');
    // pref is in scope on <foo> (namespace axis), but declared on <doc> (§4.4.3, §4.5.3).
    check(failing(`<replace sel="doc/foo/namespace::pref">urn:new</replace>`), 'invalid-namespace-uri', 'doc/foo/namespace::pref');
    check(failing(`<remove sel="doc/foo/namespace::pref"/>`), 'invalid-namespace-uri', 'doc/foo/namespace::pref');
  });

  it('invalid-node-types - replacement of another type, several nodes, children for a non-element', () => {
    check(failing(`<replace sel="doc/foo">text</replace>`), 'invalid-node-types', 'doc/foo');
    check(failing(`<replace sel="doc/foo"><a/><b/></replace>`), 'invalid-node-types', 'doc/foo');
    check(failing(`<replace sel="doc/comment()"><x/></replace>`), 'invalid-node-types', 'doc/comment()');
    check(failing(`<replace sel="doc/processing-instruction('test')"><!-- c --></replace>`), 'invalid-node-types', "doc/processing-instruction('test')");
    check(failing(`<replace sel="doc/@a"><x/></replace>`), 'invalid-node-types', 'doc/@a');
    check(failing(`<replace sel="doc/foo/text()"><x/></replace>`), 'invalid-node-types', 'doc/foo/text()');
    check(failing(`<add sel="doc/comment()"><x/></add>`), 'invalid-node-types', 'doc/comment()');
    check(failing(`<add sel="doc/foo/text()" type="@a">1</add>`), 'invalid-node-types', 'doc/foo/text()');
  });

  it('invalid-patch-directive - unknown operation, pos with type, ws on an attribute', () => {
    check(failing(`<move sel="doc/foo"/>`), 'invalid-patch-directive', 'doc/foo');
    check(failing(`<add sel="doc" type="@b" pos="before">v</add>`), 'invalid-patch-directive', 'doc');
    check(failing(`<remove sel="doc/@a" ws="after"/>`), 'invalid-patch-directive', 'doc/@a');
    check(failing(`<remove sel="doc/foo/text()" ws="before"/>`), 'invalid-patch-directive', 'doc/foo/text()');
    // An application may require the operations in its own namespace.
    const e = failing(`<add sel="doc"><x/></add>`, { operationNamespace: 'urn:ietf:params:xml:ns:pidf-diff' });
    check(e, 'invalid-patch-directive', 'doc');
  });

  it('invalid-root-element-operation - remove the root, add a sibling element to it', () => {
    check(failing(`<remove sel="doc"/>`), 'invalid-root-element-operation', 'doc');
    check(failing(`<add sel="doc" pos="after"><doc2/></add>`), 'invalid-root-element-operation', 'doc');
    check(failing(`<add sel="/doc" pos="before"><!-- ok --><doc2/></add>`), 'invalid-root-element-operation', '/doc');
  });

  it('invalid-xml-prolog-operation - the XML declaration, text outside the root', () => {
    check(failing(`<remove sel="processing-instruction('xml')"/>`), 'invalid-xml-prolog-operation', "processing-instruction('xml')");
    check(failing(`<add sel="doc" pos="before">text</add>`), 'invalid-xml-prolog-operation', 'doc');
  });

  it('invalid-whitespace-directive - no white space text node where ws says', () => {
    check(failing(`<remove sel="doc/foo" ws="after"/>`), 'invalid-whitespace-directive', 'doc/foo');
    check(failing(`<remove sel="doc/bar" ws="before"/>`), 'invalid-whitespace-directive', 'doc/bar');
    check(failing(`<remove sel="doc/bar" ws="both"/>`), 'invalid-whitespace-directive', 'doc/bar');
  });

  it('unlocated-node - nothing, or more than one node, located', () => {
    check(failing(`<remove sel="doc/nothing"/>`), 'unlocated-node', 'doc/nothing');
    check(failing(`<remove sel="doc/item"/>`), 'unlocated-node', 'doc/item');
    check(failing(`<remove sel="doc/item[3]"/>`), 'unlocated-node', 'doc/item[3]');
    check(failing(`<remove sel="doc/foo[@a='2']"/>`), 'unlocated-node', "doc/foo[@a='2']");
    check(failing(`<remove sel="id('nope')"/>`), 'unlocated-node', "id('nope')");
  });

  it('unsupported-id-function / unsupported-xml-id - id() when it, or xml:id, is not supported', () => {
    const t = '<doc><foo xml:id="f1"/></doc>';
    check(failing(`<remove sel="id('f1')"/>`, { idFunction: false }, '', t), 'unsupported-id-function', "id('f1')");
    check(failing(`<remove sel="id('f1')"/>`, { xmlId: false }, '', t), 'unsupported-xml-id', "id('f1')");
    check(failing(`<remove sel="id('f1')"/>`, { xmlId: false, idAttributes: ['id'] }, '', t), 'unsupported-xml-id', "id('f1')");
    // Supported by default (§4.1: non-validating parsers use xml:id).
    assert.ok(applyPatch(doc(t), doc(`<diff><remove sel="id('f1')"/></diff>`)).ok);
  });
});

describe('patchErrorDocument - the application/patch-ops-error+xml body (RFC 5261 §5.1)', () => {
  it('reproduces the §5.1 example: unlocated-node with the failed <p:add>', () => {
    const t = doc('<?xml version="1.0" encoding="UTF-8"?><presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:a@example.com"/>');
    const p = doc(`<?xml version="1.0" encoding="UTF-8"?>
<p:pidf-diff xmlns:p="urn:ietf:params:xml:ns:pidf-diff"><p:add sel='id("ert4773")'>
    <p:note>some text added</p:note>
  </p:add></p:pidf-diff>`);
    const r = applyPatch(t, p);
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'unlocated-node');
    assert.equal(r.error.sel, 'id("ert4773")');
    const withRfcPhrase = new PatchError(r.error.code, 'a unique node could not be located with the id() function.', { operation: r.error.operation });
    const xml = patchErrorDocument(withRfcPhrase);
    validateErrorDocument(xml);
    const expected = doc(readFileSync(new URL('rfc5261-5.1-patch-ops-error.xml', dir), 'utf8'));
    assert.equal(canonicalXml(doc(xml), { ignoreWhitespace: true }), canonicalXml(expected, { ignoreWhitespace: true }));
  });

  it('the fixture itself passes the schema checks', () => {
    validateErrorDocument(readFileSync(new URL('rfc5261-5.1-patch-ops-error.xml', dir), 'utf8'));
  });

  it('the failed operation keeps the namespaces its selector needs, and xml:lang is written', () => {
    const e = failing(`<p:remove sel="x:doc/item[2]"/>`, {}, 'xmlns:p="urn:diff" xmlns:x="urn:x"');
    assert.equal(e.code, 'unlocated-node');
    const el = validateErrorDocument(patchErrorDocument(e, { lang: 'en' }));
    assert.equal(el.getAttributeNS('http://www.w3.org/XML/1998/namespace', 'lang'), 'en');
    const op = [...el.childNodes].find((n) => n.nodeType === 1) as Element;
    assert.equal(op.lookupNamespaceURI('x'), 'urn:x');
    // Unprefixed "item" means no namespace, not the error document's default namespace.
    assert.equal(op.lookupNamespaceURI(null), null);
  });

  it('every code: a schema-valid document with the error element', () => {
    const op = doc('<diff><remove sel="doc/x"/></diff>').documentElement?.firstChild as Element;
    for (const code of PATCH_ERROR_CODES) {
      const el = validateErrorDocument(patchErrorDocument(new PatchError(code, `phrase for ${code}`, { sel: 'doc/x', operation: op })));
      assert.equal(el.localName, code);
    }
  });
});

describe('applyPatch - atomicity', () => {
  it('a failing second operation leaves the target unchanged and returns only the error', () => {
    const t = doc(TARGET);
    const before = serializeXml(t);
    const r = applyPatch(t, doc('<diff><add sel="doc" type="@new">1</add><remove sel="doc/foo"/><remove sel="doc/missing"/></diff>'));
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'unlocated-node');
    assert.equal(r.error.sel, 'doc/missing');
    assert.equal(serializeXml(t), before);
    assert.equal(t.documentElement?.getAttribute('new'), null);
  });

  it('a successful patch returns a new document and leaves the target as it was', () => {
    const t = doc(TARGET);
    const before = serializeXml(t);
    const r = applyPatch(t, doc('<diff><add sel="doc" type="@new">1</add><remove sel="doc/foo"/></diff>'));
    assert.ok(r.ok);
    assert.notEqual(r.value, t);
    assert.equal(r.value.documentElement?.getAttribute('new'), '1');
    assert.equal(serializeXml(t), before);
  });
});

describe('applyPatch - seeded random operations (hostile diffs)', () => {
  it('never throws; every result re-parses to the same document; every error gives a schema-valid error document', () => {
    let seed = 12345;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
    const target = doc(`<?xml version="1.0"?><!--top--><doc xmlns:p="urn:p" a="1"><p:e p:x="1">t<![CDATA[c]]>u</p:e><f xml:id="i1">x</f><f/><!--c--><?pi d?>
</doc>`);
    const sels = ['doc', '/doc', '*', 'doc/*', 'doc/f', 'doc/f[1]', 'doc/f[2]', 'doc/q:e', 'doc/q:e/text()', 'doc/q:e/@q:x', 'doc/@a', 'doc/namespace::p', 'doc/q:e/namespace::p', "id('i1')", "id('i1')/text()", 'doc/comment()', 'comment()', "processing-instruction('xml')", 'doc/processing-instruction()', 'doc/text()[1]', 'doc/text()[2]', 'doc/f[.="x"]', "doc/f[@xml:id='i1']", 'doc/[', '', 'doc/f[0]', 'doc/x:y', '@a', 'namespace::p'];
    const contents = ['', 'text', '<x/>', '<x/><y/>', '<!--c-->', '<?pi z?>', '<q:n/>', '<![CDATA[cd]]>', ' <x/> ', 'urn:new', '<z xmlns="urn:z"><w/></z>'];
    const attrs = ['', ' pos="before"', ' pos="after"', ' pos="prepend"', ' pos="x"', ' type="@b"', ' type="@q:b"', ' type="namespace::n"', ' type="namespace::p"', ' ws="before"', ' ws="after"', ' ws="both"'];
    const seen = new Set<string>();
    let succeeded = 0;
    for (let i = 0; i < 3000; i++) {
      const ops = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => {
        const k = pick(['add', 'replace', 'remove', 'move']);
        return `<${k} sel="${pick(sels).replace(/"/g, '&quot;')}"${pick(attrs)}>${pick(contents)}</${k}>`;
      }).join('');
      const r = applyPatch(target, doc(`<diff xmlns:q="urn:p">${ops}</diff>`));
      if (r.ok) {
        succeeded++;
        assert.equal(canonicalXml(doc(serializeXml(r.value))), canonicalXml(r.value), ops);
      } else {
        seen.add(r.error.code);
        validateErrorDocument(patchErrorDocument(r.error));
      }
    }
    assert.ok(succeeded > 100);
    assert.ok(seen.size >= 8, [...seen].join());
  });
});
