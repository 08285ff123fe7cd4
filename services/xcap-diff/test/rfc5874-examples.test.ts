// RFC 5874 Appendix A against this notifier's documents: every example validates against the
// RFC's schema (which shows the check can fail on nothing else), our documents do too, and our
// patches turn each version of the Appendix's sample document into the next exactly as the
// RFC's own patches do, step by step (A.2 history) and at once (A.2 aggregation); component
// contents and removals (A.3) carry the same information as the RFC's.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { evaluateNodeSelector, parseNodeSelector } from '@simple/xcap-uri';
import { applyPatch, canonicalXml, generatePatch, parseXml, type Document, type Element } from '@simple/xml';
import { renderXcapDiff, XCAP_DIFF_NS, type DiffEntry } from '../src/xcap-diff-document.js';
import { xcapDiffSchemaErrors } from './support/xcap-diff-schema.js';

const FIXTURES = new URL('./fixtures/rfc5874/', import.meta.url);
const fixture = (name: string): string => readFileSync(new URL(name, FIXTURES), 'utf8');
const schemaErrors = xcapDiffSchemaErrors;
const ROOT = 'http://xcap.example.com/';
const SEL = 'tests/users/sip:joe@example.com/index';

function parse(xml: string): Document {
  const r = parseXml(xml);
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.value;
}

/** The <document>, <element> and <attribute> children of an xcap-diff document. */
function entries(doc: Document): Element[] {
  const out: Element[] = [];
  for (let n = doc.documentElement?.firstChild ?? null; n !== null; n = n.nextSibling) if (n.nodeType === 1) out.push(n as Element);
  return out;
}

function patched(base: Document, patch: Element): Document {
  const r = applyPatch(parse(canonicalXml(base)), patch);
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.value;
}

/** The patch of one version to the next as this notifier makes it (compose-diff.ts). */
function ourPatch(from: Document, to: Document): Element {
  return generatePatch(from, to, { rootName: 'document', namespace: XCAP_DIFF_NS, prefix: 'd' });
}

describe('RFC 5874 examples and the xcap-diff schema', () => {
  it('every example document of RFC 5874 §5 and Appendix A is valid against the §4 schema; a wrong one is not', () => {
    const examples = readdirSync(FIXTURES).filter((f) => f.includes('-diff-') || f === 'rfc5874-5-xcap-diff.xml');
    assert.equal(examples.length, 9);
    for (const f of examples) assert.deepEqual(schemaErrors(fixture(f)), [], f);
    assert.notDeepEqual(schemaErrors(`<xcap-diff xmlns="${XCAP_DIFF_NS}"/>`), [], 'xcap-root is required');
    assert.notDeepEqual(schemaErrors(`<xcap-diff xmlns="${XCAP_DIFF_NS}" xcap-root="${ROOT}"><document/></xcap-diff>`), [], 'sel is required');
  });

  it('A.2 history: our patch for each version gives the version the RFC patch gives, and our document is valid', () => {
    const history = entries(parse(fixture('rfc5874-a.2-diff-patch-history.xml')));
    assert.equal(history.length, 3);
    const versions: Document[] = [parse(fixture('rfc5874-a-joe-index.xml'))];
    for (const step of history) versions.push(patched(versions[versions.length - 1] as Document, step));
    const ours: DiffEntry[] = history.map((step, i) => ({
      kind: 'document',
      sel: SEL,
      previousEtag: step.getAttribute('previous-etag') ?? '',
      newEtag: step.getAttribute('new-etag') ?? '',
      patch: ourPatch(versions[i] as Document, versions[i + 1] as Document),
    }));
    const body = renderXcapDiff(ROOT, ours);
    assert.deepEqual(schemaErrors(body), [], body);
    let v = versions[0] as Document;
    const rendered = entries(parse(body));
    assert.deepEqual(
      rendered.map((e) => [e.getAttribute('previous-etag'), e.getAttribute('new-etag')]),
      history.map((e) => [e.getAttribute('previous-etag'), e.getAttribute('new-etag')]),
      'the same ETag chain, in chronological order (RFC 5875 §4.7)',
    );
    for (let i = 0; i < rendered.length; i++) {
      v = patched(v, rendered[i] as Element);
      assert.equal(canonicalXml(v), canonicalXml(versions[i + 1] as Document), `version ${i + 1}`);
    }
  });

  it('A.2 aggregation: one patch from the first version to the last, equivalent to the RFC aggregated patch', () => {
    const [aggregated] = entries(parse(fixture('rfc5874-a.2-diff-aggregated-patch.xml')));
    assert.ok(aggregated !== undefined);
    const first = parse(fixture('rfc5874-a-joe-index.xml'));
    const last = patched(first, aggregated);
    const body = renderXcapDiff(ROOT, [{ kind: 'document', sel: SEL, previousEtag: '7ahggs3', newEtag: '63hjjsll', patch: ourPatch(first, last) }]);
    assert.deepEqual(schemaErrors(body), [], body);
    const [ours] = entries(parse(body));
    assert.ok(ours !== undefined);
    assert.equal(canonicalXml(patched(first, ours)), canonicalXml(last));
  });

  it('A.1: our <document> entries for a created, a modified and a removed document (as composeDiff makes them, test/compose-diff.test.ts) render as the RFC examples', () => {
    const cases: Array<[string, DiffEntry]> = [
      ['rfc5874-a.1-diff-created-document.xml', { kind: 'document', sel: 'tests/users/sip:joe@example.com/another_document', newEtag: 'terteer' }],
      ['rfc5874-a.1-diff-modified-document.xml', { kind: 'document', sel: 'tests/users/sip:joe@example.com/another_document', previousEtag: 'terteer', newEtag: 'huwiias' }],
      ['rfc5874-a.1-diff-removed-document.xml', { kind: 'document', sel: 'tests/users/sip:joe@example.com/another_document', previousEtag: 'huwiias' }],
    ];
    for (const [file, entry] of cases) {
      const body = renderXcapDiff(ROOT, [entry]);
      assert.deepEqual(schemaErrors(body), [], body);
      const theirs = entries(parse(fixture(file))).map(describeEntry);
      assert.deepEqual(entries(parse(body)).map(describeEntry), theirs, file);
    }
  });

  it('A.3: component contents (an attribute and an element) and a removed attribute, as in the RFC examples', () => {
    const v0 = parse(fixture('rfc5874-a-joe-index.xml'));
    const [firstStep] = entries(parse(fixture('rfc5874-a.2-diff-patch-history.xml')));
    assert.ok(firstStep !== undefined);
    const v1 = patched(v0, firstStep);
    const select = (doc: Document, selector: string) => {
      const s = parseNodeSelector(selector);
      assert.ok(s.ok);
      const r = evaluateNodeSelector(doc, s.value, { defaultNamespace: '', bindings: new Map() });
      assert.ok(r.ok, selector);
      return r.value;
    };
    const id = select(v1, 'doc/@id');
    const foo = select(v1, '*/foo');
    assert.ok(id.kind === 'attribute' && foo.kind === 'element');
    const body = renderXcapDiff(ROOT, [
      { kind: 'attribute', sel: `${SEL}/~~/doc/@id`, exists: true, value: id.attr.value },
      { kind: 'element', sel: `${SEL}/~~/*/foo`, exists: true, element: foo.element },
    ]);
    assert.deepEqual(schemaErrors(body), [], body);
    assert.deepEqual(entries(parse(body)).map(describeEntry), entries(parse(fixture('rfc5874-a.3-diff-component-contents.xml'))).map(describeEntry));
    const removed = renderXcapDiff(ROOT, [{ kind: 'attribute', sel: `${SEL}/~~/doc/@id`, exists: false }]);
    assert.deepEqual(schemaErrors(removed), []);
    assert.deepEqual(entries(parse(removed)).map(describeEntry), entries(parse(fixture('rfc5874-a.3-diff-attribute-removed.xml'))).map(describeEntry));
  });
});

/** What an entry says, whatever its prefixes and white space: name, attributes, and content (canonical). */
function describeEntry(e: Element): string {
  const attrs: string[] = [];
  for (let i = 0; i < e.attributes.length; i++) {
    const a = e.attributes.item(i);
    // The RFC wraps long `sel` values over lines; a line break there is the figure's, not the value's.
    if (a !== null && !a.name.startsWith('xmlns')) attrs.push(`${a.name}=${a.value.replace(/\n/g, '')}`);
  }
  let content = '';
  for (let n = e.firstChild; n !== null; n = n.nextSibling) {
    if (n.nodeType === 1) content += canonicalXml(n as Element).replace(/ xmlns(:\w+)?="[^"]*"/g, '');
    else if (n.nodeType === 3) content += (n.nodeValue ?? '').trim();
  }
  return `{${e.namespaceURI ?? ''}}${e.localName} ${attrs.sort().join(' ')} ${content}`;
}
