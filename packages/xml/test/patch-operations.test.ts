import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyPatch, canonicalXml, parseXml, serializeXml, type Document, type PatchOptions } from '@simple/xml';

function doc(xml: string): Document {
  const r = parseXml(xml);
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.value;
}

/** Applies the operations (children of <diff decls>) and returns the patched root serialized without declaration. */
function patched(target: string, ops: string, decls = '', options: PatchOptions = {}): string {
  const r = applyPatch(doc(target), doc(`<diff ${decls}>${ops}</diff>`), options);
  assert.ok(r.ok, r.ok ? '' : `${r.error.code}: ${r.error.message}`);
  return serializeXml(r.value, false);
}

function code(target: string, ops: string, decls = '', options: PatchOptions = {}): string {
  const r = applyPatch(doc(target), doc(`<diff ${decls}>${ops}</diff>`), options);
  assert.ok(!r.ok, 'expected an error');
  return r.error.code;
}

const LIST = '<doc><item type="x">a</item><item type="y"><name>bob</name></item><item type="x">c</item><other/></doc>';

describe('selectors - RFC 5261 §4.1 and the §8 grammar', () => {
  it('positional constraints count per step, from 1', () => {
    assert.equal(patched(LIST, '<remove sel="doc/item[2]"/>'), '<doc><item type="x">a</item><item type="x">c</item><other/></doc>');
    assert.equal(patched(LIST, '<remove sel="/doc/*[4]"/>'), '<doc><item type="x">a</item><item type="y"><name>bob</name></item><item type="x">c</item></doc>');
  });

  it('predicates apply in order: [@type="x"][2] is the 2nd x, [2][@type="x"] the 2nd item if it is an x', () => {
    assert.match(patched(LIST, `<replace sel="doc/item[@type='x'][2]/text()">C</replace>`), /<item type="x">C<\/item>/);
    assert.equal(code(LIST, `<remove sel="doc/item[2][@type='x']"/>`), 'unlocated-node');
    assert.match(patched(LIST, `<add sel='doc/item[@type="y"]' type="@seen">1</add>`), /<item type="y" seen="1">/);
  });

  it('child value [name="v"] and self value [.="v"] predicates compare string-values', () => {
    assert.match(patched(LIST, `<add sel="doc/item[name='bob']" type="@who">b</add>`), /<item type="y" who="b">/);
    assert.match(patched(LIST, `<add sel="doc/item[.='c']" type="@last">1</add>`), /<item type="x" last="1">c<\/item>/);
  });

  it('"*" steps, white space between tokens, and an absolute path select the same node', () => {
    for (const sel of ['*/other', '* / other', '/doc/other', 'doc/*[4]']) {
      assert.match(patched(LIST, `<remove sel="${sel}"/>`), /c<\/item><\/doc>$/, sel);
    }
  });

  it('text(), comment() and processing-instruction() nodes, with and without [n]', () => {
    const t = '<doc>one<a/>two<!--c1--><!--c2--><?p1 x?><?p2 y?></doc>';
    assert.equal(patched(t, '<replace sel="doc/text()[2]">TWO</replace>'), '<doc>one<a/>TWO<!--c1--><!--c2--><?p1 x?><?p2 y?></doc>');
    assert.equal(patched(t, '<remove sel="doc/comment()[2]"/>'), '<doc>one<a/>two<!--c1--><?p1 x?><?p2 y?></doc>');
    assert.equal(patched(t, `<remove sel="doc/processing-instruction('p2')"/>`), '<doc>one<a/>two<!--c1--><!--c2--><?p1 x?></doc>');
    assert.equal(patched(t, `<remove sel="doc/processing-instruction()[1]"/>`), '<doc>one<a/>two<!--c1--><!--c2--><?p2 y?></doc>');
  });

  it('a text node is the whole run of adjacent text and CDATA (XPath data model)', () => {
    const t = '<doc>a<![CDATA[b]]>c<x/>d</doc>';
    assert.equal(patched(t, '<replace sel="doc/text()[1]">abc</replace>'), '<doc>abc<x/>d</doc>');
    assert.equal(patched(t, '<remove sel="doc/text()[2]"/>'), '<doc>a<![CDATA[b]]>c<x/></doc>');
  });

  it('attributes (@a, @p:a) and namespace::p select attribute and namespace nodes; xmlns is not an attribute', () => {
    const t = '<doc xmlns:p="urn:p" a="1" p:b="2"/>';
    assert.equal(patched(t, '<remove sel="doc/@q:b"/>', 'xmlns:q="urn:p"'), '<doc xmlns:p="urn:p" a="1"/>');
    assert.equal(code(t, '<remove sel="doc/@b"/>'), 'unlocated-node'); // @b is unqualified
    assert.equal(code(t, '<remove sel="doc/@xmlns:p"/>'), 'invalid-namespace-prefix'); // xmlns is not a declared prefix
    assert.equal(patched(t, '<replace sel="doc/namespace::p">urn:p</replace>'), '<doc xmlns:p="urn:p" a="1" p:b="2"/>');
  });

  it('id() finds xml:id, or the attributes the application says are IDs', () => {
    const t = '<doc><a xml:id="k1"/><b id="k2"/></doc>';
    assert.equal(patched(t, `<remove sel="id('k1')"/>`), '<doc><b id="k2"/></doc>');
    assert.equal(patched(t, `<add sel='id("k2")' type="@x">1</add>`, '', { idAttributes: ['id'] }), '<doc><a xml:id="k1"/><b id="k2" x="1"/></doc>');
    assert.equal(code(t, `<remove sel="id('k2')"/>`), 'unlocated-node'); // "id" is not known to be an ID
    assert.equal(patched(t, `<remove sel="id('k2')/@id"/>`, '', { idAttributes: ['id'] }), '<doc><a xml:id="k1"/><b/></doc>');
  });
});

describe('namespaces - RFC 5261 §4.2', () => {
  const NS_DOC = '<doc xmlns="urn:x" xmlns:z="urn:z"><elem/><z:elem/></doc>';

  it('§4.2.1 a prefix in the selector is looked up in the diff, whatever the target calls it', () => {
    assert.equal(patched(NS_DOC, '<remove sel="a:doc/b:elem"/>', 'xmlns:a="urn:x" xmlns:b="urn:z"'), '<doc xmlns="urn:x" xmlns:z="urn:z"><elem/></doc>');
  });

  it('§4.2.1 an unprefixed name takes the diff default namespace, also for a prefixed target element', () => {
    assert.equal(patched(NS_DOC, '<p:remove sel="doc/elem"/>', 'xmlns="urn:x" xmlns:p="urn:diff"'), '<doc xmlns="urn:x" xmlns:z="urn:z"><z:elem/></doc>');
    const prefixedTarget = '<x:doc xmlns:x="urn:x"><x:elem/></x:doc>';
    assert.equal(patched(prefixedTarget, '<p:remove sel="doc/elem"/>', 'xmlns="urn:x" xmlns:p="urn:diff"'), '<x:doc xmlns:x="urn:x"/>');
  });

  it('§4.2.2 without a diff default namespace an unprefixed name only matches an unqualified element', () => {
    assert.equal(code(NS_DOC, '<remove sel="doc/elem"/>'), 'unlocated-node');
    assert.equal(code(NS_DOC, '<remove sel="doc/elem"/>', 'xmlns:a="urn:x"'), 'unlocated-node');
    assert.equal(patched('<doc><elem/></doc>', '<remove sel="doc/elem"/>', 'xmlns:a="urn:x"'), '<doc/>');
    // ... and an unqualified element is not matched under a diff default namespace.
    assert.equal(code('<doc><elem/></doc>', '<p:remove sel="doc/elem"/>', 'xmlns="urn:x" xmlns:p="urn:diff"'), 'unlocated-node');
  });

  it('§4.2.3 added content takes the target prefix: rule 1, the diff prefix if the target declares it for the namespace', () => {
    const t = '<r xmlns:x="urn:a" xmlns:y="urn:a"/>';
    assert.equal(patched(t, '<add sel="r"><y:e/></add>', 'xmlns:y="urn:a"'), '<r xmlns:x="urn:a" xmlns:y="urn:a"><y:e/></r>');
  });

  it('§4.2.3 rule 2, the evaluation context prefix when its namespace is the same', () => {
    assert.equal(patched('<y:r xmlns:x="urn:a" xmlns:y="urn:a"/>', '<add sel="q:r"><q:e/></add>', 'xmlns:q="urn:a"'), '<y:r xmlns:x="urn:a" xmlns:y="urn:a"><y:e/></y:r>');
  });

  it('§4.2.3 rule 3, the RFC example: in-scope "x", "y"; "xx" picks x, "a" picks x, and a default namespace is picked first', () => {
    const t = '<r xmlns:x="urn:a" xmlns:y="urn:a"/>';
    assert.equal(patched(t, '<add sel="r"><xx:e/></add>', 'xmlns:xx="urn:a"'), '<r xmlns:x="urn:a" xmlns:y="urn:a"><x:e/></r>');
    assert.equal(patched(t, '<add sel="r"><a:e/></add>', 'xmlns:a="urn:a"'), '<r xmlns:x="urn:a" xmlns:y="urn:a"><x:e/></r>');
    assert.equal(patched(t, '<add sel="r"><yy:e/></add>', 'xmlns:yy="urn:a"'), '<r xmlns:x="urn:a" xmlns:y="urn:a"><y:e/></r>');
    const withDefault = '<r xmlns="urn:a" xmlns:x="urn:a" xmlns:y="urn:a"><k xmlns=""/></r>';
    assert.equal(patched(withDefault, '<add sel="q:r/k"><a:e/></add>', 'xmlns:q="urn:a" xmlns:a="urn:a"'), '<r xmlns="urn:a" xmlns:x="urn:a" xmlns:y="urn:a"><k xmlns=""><x:e/></k></r>');
  });

  it('§4.3.2 attributes never take the default namespace: a qualified attribute gets a prefix', () => {
    const t = '<r xmlns="urn:a" xmlns:b="urn:a"/>';
    assert.equal(patched(t, '<add sel="q:r" type="@q:att">v</add>', 'xmlns:q="urn:a"'), '<r xmlns="urn:a" xmlns:b="urn:a" b:att="v"/>');
    // No prefix for the namespace in the target: one is declared on the element.
    assert.equal(patched('<r/>', '<add sel="r" type="@q:att">v</add>', 'xmlns:q="urn:q"'), '<r xmlns:q="urn:q" q:att="v"/>');
  });

  it('§4.2.3 a namespace the target does not declare is declared on the new content; local declarations are copied', () => {
    assert.equal(patched('<r/>', '<add sel="r"><n:e/></add>', 'xmlns:n="urn:n"'), '<r><n:e xmlns:n="urn:n"/></r>');
    assert.equal(patched('<r xmlns="urn:a"/>', '<add sel="a:r"><e xmlns="urn:b"><f/></e></add>', 'xmlns:a="urn:a"'), '<r xmlns="urn:a"><e xmlns="urn:b"><f/></e></r>');
    // Unqualified content under a target default namespace gets xmlns="".
    assert.equal(patched('<r xmlns="urn:a"/>', '<add sel="a:r"><e/></add>', 'xmlns:a="urn:a"'), '<r xmlns="urn:a"><e xmlns=""/></r>');
  });

  it('§4.3.3 / §4.4.3 a namespace declaration added or replaced rebinds the names that use it', () => {
    const t = '<doc xmlns:p="urn:old"><p:e p:a="1"/></doc>';
    const r = applyPatch(doc(t), doc('<diff><replace sel="doc/namespace::p">urn:new</replace></diff>'));
    assert.ok(r.ok);
    const e = r.value.documentElement?.firstChild;
    assert.equal(e?.namespaceURI, 'urn:new');
    assert.equal(serializeXml(r.value, false), '<doc xmlns:p="urn:new"><p:e p:a="1"/></doc>');
    assert.equal(patched('<doc><e/></doc>', '<add sel="doc/e" type="namespace::n">urn:n</add>'), '<doc><e xmlns:n="urn:n"/></doc>');
  });
});

describe('operations - RFC 5261 §4.3-§4.5', () => {
  it('add: append (default), prepend, before, after', () => {
    const t = '<doc><a/><b/></doc>';
    assert.equal(patched(t, '<add sel="doc"><c/></add>'), '<doc><a/><b/><c/></doc>');
    assert.equal(patched(t, '<add sel="doc" pos="prepend"><c/></add>'), '<doc><c/><a/><b/></doc>');
    assert.equal(patched(t, '<add sel="doc/b" pos="before"><c/></add>'), '<doc><a/><c/><b/></doc>');
    assert.equal(patched(t, '<add sel="doc/a" pos="after"><c/>text<!--k--></add>'), '<doc><a/><c/>text<!--k--><b/></doc>');
  });

  it('add: §4.3.5 the example "new<bar/>elem" after text()[2]: text joins the located text node', () => {
    const r = applyPatch(doc('<doc><foo>one<x/>two<y/></foo></doc>'), doc('<diff><add sel="*/foo/text()[2]" pos="after">new<bar/>elem</add></diff>'));
    assert.ok(r.ok);
    const foo = r.value.documentElement?.firstChild;
    assert.equal(serializeXml(r.value, false), '<doc><foo>one<x/>twonew<bar/>elem<y/></foo></doc>');
    assert.equal(foo?.childNodes.length, 6); // one, x, "twonew", bar, elem, y
  });

  it('add: comments and processing instructions around the root element are allowed (§3)', () => {
    assert.equal(patched('<doc/>', '<add sel="doc" pos="before"><!--top--><?pi x?></add>'), '<!--top--><?pi x?><doc/>');
    assert.equal(patched('<!--a--><doc/><!--b-->', '<remove sel="comment()[2]"/>'), '<!--a--><doc/>');
  });

  it('add: CDATA sections in new content are kept (§4.3.5 Note)', () => {
    assert.equal(patched('<doc/>', '<add sel="doc"><![CDATA[<raw>]]></add>'), '<doc><![CDATA[<raw>]]></doc>');
  });

  it('replace: element, attribute (empty keeps it), text (empty removes it), comment, root element', () => {
    const t = '<doc a="1"><foo>text</foo><!--c--></doc>';
    assert.equal(patched(t, '<replace sel="doc/foo"><bar x="1"/></replace>'), '<doc a="1"><bar x="1"/><!--c--></doc>');
    assert.equal(patched(t, '<replace sel="doc/@a"/>'), '<doc a=""><foo>text</foo><!--c--></doc>');
    assert.equal(patched(t, '<replace sel="doc/foo/text()"/>'), '<doc a="1"><foo/><!--c--></doc>');
    assert.equal(patched(t, '<replace sel="doc/comment()"><!--new--></replace>'), '<doc a="1"><foo>text</foo><!--new--></doc>');
    assert.equal(patched(t, '<replace sel="doc">\n  <root/>\n</replace>'), '<root/>');
  });

  it('remove: ws before / after / both, and the text join without ws (§4.5.6)', () => {
    const t = '<doc>\n  <a/>\n  <b/>\n</doc>';
    assert.equal(patched(t, '<remove sel="doc/a" ws="before"/>'), '<doc>\n  <b/>\n</doc>');
    assert.equal(patched(t, '<remove sel="doc/a" ws="after"/>'), '<doc>\n  <b/>\n</doc>');
    assert.equal(patched(t, '<remove sel="doc/a" ws="both"/>'), '<doc><b/>\n</doc>');
    const r = applyPatch(doc(t), doc('<diff><remove sel="doc/a"/></diff>'));
    assert.ok(r.ok);
    assert.equal(r.value.documentElement?.childNodes.length, 3); // "\n  \n  ", b, "\n"
  });

  it('remove: a namespace declaration nobody uses any more', () => {
    assert.equal(patched('<doc xmlns:p="urn:p"><e/></doc>', '<remove sel="doc/namespace::p"/>'), '<doc><e/></doc>');
  });

  it('operations apply in document order, each to the result of the previous one (§4)', () => {
    const ops = '<add sel="doc"><x/></add><add sel="doc/x" type="@n">1</add><replace sel="doc/x/@n">2</replace><remove sel="doc/a"/>';
    assert.equal(patched('<doc><a/></doc>', ops), '<doc><x n="2"/></doc>');
  });

  it('operations may be in any namespace (pidf-diff, xcap-diff ...) and are recognized by name', () => {
    const t = '<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:a@b"><tuple id="t1"><status><basic>open</basic></status></tuple></presence>';
    const diff = `<p:pidf-diff xmlns="urn:ietf:params:xml:ns:pidf" xmlns:p="urn:ietf:params:xml:ns:pidf-diff" version="2">
      <p:replace sel="presence/tuple[@id='t1']/status/basic/text()">closed</p:replace>
    </p:pidf-diff>`;
    const r = applyPatch(doc(t), doc(diff), { operationNamespace: 'urn:ietf:params:xml:ns:pidf-diff' });
    assert.ok(r.ok);
    assert.match(serializeXml(r.value), /<basic>closed<\/basic>/);
  });
});

describe('canonicalXml - the equivalence used in the tests (C14N with comments)', () => {
  it('attribute order, empty-element form, CDATA and superfluous declarations do not matter', () => {
    const a = doc('<?xml version="1.0"?><r xmlns:p="urn:p" b="2" a="1"><p:e xmlns:p="urn:p"/><![CDATA[x<y]]></r>');
    const b = doc('<r a="1" b="2" xmlns:p="urn:p"><p:e></p:e>x&lt;y</r>');
    assert.equal(canonicalXml(a), canonicalXml(b));
    assert.equal(canonicalXml(a), '<r xmlns:p="urn:p" a="1" b="2"><p:e></p:e>x&lt;y</r>');
  });

  it('white space is significant unless ignored', () => {
    const a = doc('<r>\n  <e>a  b</e>\n</r>');
    const b = doc('<r><e>a b</e></r>');
    assert.notEqual(canonicalXml(a), canonicalXml(b));
    assert.equal(canonicalXml(a, { ignoreWhitespace: true }), canonicalXml(b, { ignoreWhitespace: true }));
  });
});
