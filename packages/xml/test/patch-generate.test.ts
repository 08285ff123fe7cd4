import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyPatch, canonicalXml, generatePatch, parsePatch, parseXml, serializeXml, type Document, type Element, type Node } from '@simple/xml';
import { seededRandom as prng } from '@simple/testkit';

function doc(xml: string): Document {
  const r = parseXml(xml);
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.value;
}


const BASES: Record<string, string> = {
  pidf: `<?xml version="1.0" encoding="UTF-8"?>
<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model"
    xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="pres:someone@example.com">
  <tuple id="bs35r9">
    <status><basic>open</basic></status>
    <contact priority="0.8">im:someone@mobilecarrier.net</contact>
    <timestamp>2005-10-27T16:49:29Z</timestamp>
  </tuple>
  <dm:person id="p1">
    <rpid:activities><rpid:busy/></rpid:activities>
    <dm:note xml:lang="en">Busy, back at 5</dm:note>
  </dm:person>
  <!-- device -->
  <dm:device id="pc122"><dm:deviceID>mac:8asd7f7d</dm:deviceID></dm:device>
</presence>`,
  lists: `<?xml version="1.0" encoding="UTF-8"?>
<?app-config mode="x"?>
<resource-lists xmlns="urn:ietf:params:xml:ns:resource-lists" xmlns:cp="urn:example:cp">
  <list name="friends">
    <entry uri="sip:bill@example.com"><display-name>Bill Doe</display-name></entry>
    <entry uri="sip:joe@example.com" cp:flag="1"><display-name>Joe</display-name></entry>
    <entry-ref ref="users/sip:bob@example.com/index"/>
  </list>
  <list name="work"><entry uri="sip:ann@example.com"/>text<![CDATA[raw]]></list>
</resource-lists>`,
  plain: `<doc a="1">
  <note>This is a sample document</note>
  <elem a="foo"><child/><child/>mixed <b>content</b> here</elem>
  <?test x="1"?>
</doc>`,
};

function elements(root: Element): Element[] {
  const out: Element[] = [root];
  for (let i = 0; i < out.length; i++) for (const c of [...(out[i] as Element).childNodes]) if (c.nodeType === 1) out.push(c as Element);
  return out;
}

/** One random edit of the document, in place: the kinds of change a presence or XCAP document sees. */
function mutate(d: Document, rnd: () => number): void {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const root = d.documentElement as Element;
  const all = elements(root);
  const el = pick(all);
  const nonRoot = all.filter((e) => e !== root);
  const ns = el.namespaceURI;
  const name = (local: string): string => (el.prefix ? `${el.prefix}:${local}` : local);
  const kids = [...el.childNodes];
  const at = (): Node | null => (kids.length === 0 ? null : (kids[Math.floor(rnd() * (kids.length + 1))] ?? null));
  switch (Math.floor(rnd() * 13)) {
    case 0:
      el.setAttribute(pick(['a', 'id', 'new']), `v${Math.floor(rnd() * 100)}`);
      break;
    case 1: {
      const attrs = [...el.attributes].filter((a) => !a.name.startsWith('xmlns'));
      if (attrs.length > 0) el.removeAttributeNode(pick(attrs));
      break;
    }
    case 2: {
      const texts = kids.filter((k) => k.nodeType === 3 || k.nodeType === 4);
      if (texts.length > 0) (pick(texts) as Node & { data: string }).data = `t${Math.floor(rnd() * 1000)}`;
      else el.appendChild(d.createTextNode('fresh text'));
      break;
    }
    case 3:
      el.insertBefore(d.createElementNS(ns, name(pick(['added', 'entry', 'x']))), at());
      break;
    case 4:
      if (nonRoot.length > 0) {
        const victim = pick(nonRoot);
        victim.parentNode?.removeChild(victim);
      }
      break;
    case 5:
      if (nonRoot.length > 0) {
        const old = pick(nonRoot);
        const renamed = d.createElementNS(old.namespaceURI, old.prefix ? `${old.prefix}:renamed` : 'renamed');
        for (const c of [...old.childNodes]) renamed.appendChild(c);
        old.parentNode?.replaceChild(renamed, old);
      }
      break;
    case 6:
      el.insertBefore(d.createComment(` c${Math.floor(rnd() * 100)} `), at());
      break;
    case 7: {
      const ws = kids.filter((k) => k.nodeType === 3 && /^\s+$/.test(k.nodeValue ?? ''));
      if (ws.length > 0) el.removeChild(pick(ws));
      else el.insertBefore(d.createTextNode('\n    '), at());
      break;
    }
    case 8:
      if (nonRoot.length > 0) {
        const src = pick(nonRoot);
        src.parentNode?.insertBefore(src.cloneNode(true), src.nextSibling);
      }
      break;
    case 9: {
      const sibs = kids.filter((k) => k.nodeType === 1);
      if (sibs.length >= 2) {
        const i = Math.floor(rnd() * (sibs.length - 1));
        el.insertBefore(sibs[i + 1] as Node, sibs[i] as Node);
      }
      break;
    }
    case 10:
      // A namespace declaration and a qualified attribute and element using it.
      el.setAttributeNS('http://www.w3.org/2000/xmlns/', 'xmlns:q', 'urn:example:q');
      el.setAttributeNS('urn:example:q', 'q:flag', 'on');
      el.insertBefore(d.createElementNS('urn:example:q', 'q:ext'), at());
      break;
    case 11:
      d.insertBefore(d.createProcessingInstruction('pi', `n=${Math.floor(rnd() * 10)}`), root);
      break;
    case 12:
      el.insertBefore(d.createElementNS(null, 'plain'), at());
      break;
  }
}

/** Serialized and parsed again: the new document as a peer would receive it. */
const reparse = (d: Document): Document => doc(serializeXml(d));

function roundTrip(oldDoc: Document, newDoc: Document, label: string): string {
  const diff = generatePatch(oldDoc, newDoc);
  const text = serializeXml(diff.ownerDocument as Document);
  const direct = applyPatch(oldDoc, diff);
  assert.ok(direct.ok, `${label}: ${direct.ok ? '' : `${direct.error.code} ${direct.error.message}`}\n${text}`);
  assert.equal(canonicalXml(direct.value), canonicalXml(newDoc), `${label}\n${text}`);
  const parsed = parsePatch(text);
  assert.ok(parsed.ok, label);
  const viaText = applyPatch(oldDoc, parsed.value);
  assert.ok(viaText.ok, `${label} (as text): ${viaText.ok ? '' : `${viaText.error.code} ${viaText.error.message}`}\n${text}`);
  assert.equal(canonicalXml(viaText.value), canonicalXml(newDoc), `${label} (as text)\n${text}`);
  return text;
}

describe('generatePatch - seeded random mutations round-trip', () => {
  const RUNS = 40;
  for (const [base, xml] of Object.entries(BASES)) {
    it(`${base} - ${RUNS} mutated copies, 1-5 edits each: diff applied to the original equals the copy`, () => {
      const original = doc(xml);
      let nonRootOps = 0;
      for (let seed = 1; seed <= RUNS; seed++) {
        const rnd = prng(seed * 7919 + base.length);
        const copy = original.cloneNode(true) as Document;
        const edits = 1 + Math.floor(rnd() * 5);
        for (let i = 0; i < edits; i++) mutate(copy, rnd);
        const mutated = reparse(copy);
        const text = roundTrip(original, mutated, `${base} seed ${seed}`);
        // The root element keeps its name in these mutations: it is never replaced whole.
        const rootReplaced = [...text.matchAll(/<replace[^>]*sel="([^"]*)"/g)].some((m) => !(m[1] as string).includes('/'));
        assert.equal(rootReplaced, false, `${base} seed ${seed}: whole-document replace\n${text}`);
        if (/<(add|replace|remove) /.test(text)) nonRootOps++;
      }
      assert.ok(nonRootOps >= RUNS / 2, 'most mutations change something');
    });
  }

  it('identical documents give an empty diff', () => {
    const d = doc(BASES.pidf as string);
    const diff = generatePatch(d, d.cloneNode(true) as Document);
    assert.equal([...diff.childNodes].filter((n) => n.nodeType === 1).length, 0);
  });

  it('a changed root element name is the one case of a whole replace', () => {
    roundTrip(doc('<a><x/></a>'), doc('<b><x/></b>'), 'root rename');
  });

  it('a changed default namespace declaration replaces that element only', () => {
    const text = roundTrip(doc('<r><e xmlns="urn:1"><f/></e><g/></r>'), doc('<r><e xmlns="urn:2"><f/></e><g/></r>'), 'default ns');
    assert.match(text, /<replace [^>]*sel="r\/n1:e"><e xmlns="urn:2">/);
  });

  it('the diff root and operations can be in an application namespace (RFC 5262 pidf-diff style)', () => {
    const oldDoc = doc(BASES.pidf as string);
    const newDoc = reparse(oldDoc);
    (newDoc.getElementsByTagNameNS('urn:ietf:params:xml:ns:pidf', 'basic')[0]?.firstChild as Node & { data: string }).data = 'closed';
    const diff = generatePatch(oldDoc, newDoc, { rootName: 'pidf-diff', namespace: 'urn:ietf:params:xml:ns:pidf-diff' });
    assert.equal(diff.localName, 'pidf-diff');
    const text = serializeXml(diff.ownerDocument as Document);
    assert.match(text, /<p:replace [^>]*sel="n1:presence\/n1:tuple\/n1:status\/n1:basic\/text\(\)\[1\]">closed<\/p:replace>/);
    const r = applyPatch(oldDoc, diff, { operationNamespace: 'urn:ietf:params:xml:ns:pidf-diff' });
    assert.ok(r.ok);
    assert.equal(canonicalXml(r.value), canonicalXml(newDoc));
  });
});
