import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { applyPatch, canonicalXml, generatePatch, parsePatch, parseXml, serializeXml, type Document, type Element } from '@simple/xml';

// RFC 5261 Appendix A: 18 target / diff / result triples (test/fixtures/rfc5261/README.md).
const dir = new URL('./fixtures/rfc5261/', import.meta.url);
const examples = readdirSync(dir)
  .filter((f) => f.endsWith('-1-target.xml'))
  .map((f) => f.slice(0, -'-1-target.xml'.length))
  .sort();

function load(name: string): Document {
  const r = parseXml(readFileSync(new URL(name, dir)));
  assert.ok(r.ok, `${name}: ${r.ok ? '' : r.error.message}`);
  return r.value;
}

const triple = (ex: string): { target: Document; patch: Document; result: Document } => ({
  target: load(`${ex}-1-target.xml`),
  patch: load(`${ex}-2-patch.xml`),
  result: load(`${ex}-3-result.xml`),
});

// Examples about white space: their results are compared white space included.
const WHITESPACE_EXAMPLES = ['a.05', 'a.12', 'a.15', 'a.18'];
// The one result the RFC prints without the text merge of §4.5.6 (see the A.16 test below).
const NOT_WHITESPACE_EXACT = ['a.16'];
const id = (ex: string): string => /rfc5261-(a\.\d\d)/.exec(ex)?.[1] ?? ex;

describe('applyPatch - RFC 5261 Appendix A', () => {
  it('all 18 examples are present in the fixtures', () => {
    assert.equal(examples.length, 18);
  });

  for (const ex of examples) {
    it(`${id(ex)} ${ex.replace(/^rfc5261-a\.\d\d-/, '')} - target + diff gives the result`, () => {
      const { target, patch, result } = triple(ex);
      const before = serializeXml(target);
      const r = applyPatch(target, patch.documentElement as Element);
      assert.ok(r.ok, r.ok ? '' : `${r.error.code}: ${r.error.message}`);
      assert.equal(canonicalXml(r.value, { ignoreWhitespace: true }), canonicalXml(result, { ignoreWhitespace: true }));
      if (WHITESPACE_EXAMPLES.includes(id(ex)) || !NOT_WHITESPACE_EXACT.includes(id(ex))) {
        assert.equal(canonicalXml(r.value), canonicalXml(result), 'white space included');
      }
      assert.equal(serializeXml(target), before, 'the target document is not modified');
    });
  }

  it('a.16 - removing a PI without ws joins the text nodes around it (§4.5.6), which the printed result omits', () => {
    const { target, patch } = triple(examples.find((e) => id(e) === 'a.16') as string);
    const r = applyPatch(target, patch.documentElement as Element);
    assert.ok(r.ok);
    const doc = r.value.documentElement;
    assert.equal(doc?.childNodes.length, 3);
    assert.equal(doc?.lastChild?.nodeValue, '\n  \n');
  });

  it('a.18 - added content takes the target prefix of its namespace (§4.2.3): <y:node/> becomes <z:node/>', () => {
    const { target, patch } = triple(examples.find((e) => id(e) === 'a.18') as string);
    const r = applyPatch(target, patch.documentElement as Element);
    assert.ok(r.ok);
    const xml = serializeXml(r.value);
    assert.match(xml, /<z:node\/>/);
    assert.match(xml, /<child id="ert4773">/);
    assert.doesNotMatch(xml, /xmlns:y=/);
    assert.match(xml, /<elem a="bar" b="new attr"\/>/);
  });

  it('a.01 - the diff read from text with parsePatch applies the same', () => {
    const ex = examples[0] as string;
    const p = parsePatch(readFileSync(new URL(`${ex}-2-patch.xml`, dir)));
    assert.ok(p.ok);
    const r = applyPatch(load(`${ex}-1-target.xml`), p.value);
    assert.ok(r.ok);
    assert.equal(canonicalXml(r.value), canonicalXml(load(`${ex}-3-result.xml`)));
  });
});

describe('generatePatch - RFC 5261 Appendix A target/result pairs', () => {
  for (const ex of examples) {
    it(`${id(ex)} - the generated diff turns the target into the result, also after a text round trip`, () => {
      const { target, result } = triple(ex);
      const diff = generatePatch(target, result);
      const direct = applyPatch(target, diff);
      assert.ok(direct.ok, direct.ok ? '' : `${direct.error.code}: ${direct.error.message}`);
      assert.equal(canonicalXml(direct.value), canonicalXml(result));
      const text = serializeXml(diff.ownerDocument as Document);
      const reparsed = parsePatch(text);
      assert.ok(reparsed.ok);
      const viaText = applyPatch(target, reparsed.value);
      assert.ok(viaText.ok, viaText.ok ? '' : `${viaText.error.code}: ${viaText.error.message}\n${text}`);
      assert.equal(canonicalXml(viaText.value), canonicalXml(result));
      // Changed subtrees, not the whole document: the root element is never replaced here.
      const rootReplaced = [...text.matchAll(/<replace[^>]*sel="([^"]*)"/g)].some((m) => !(m[1] as string).includes('/'));
      assert.equal(rootReplaced, false, text);
    });
  }

  it('the generated diffs are as small as the RFC ones for single changes', () => {
    for (const ex of examples) {
      if (['a.05', 'a.16', 'a.18'].includes(id(ex))) continue; // several nodes change at once there
      const { target, result } = triple(ex);
      const ops = [...generatePatch(target, result).childNodes].filter((n) => n.nodeType === 1);
      assert.equal(ops.length, 1, id(ex));
    }
  });
});
