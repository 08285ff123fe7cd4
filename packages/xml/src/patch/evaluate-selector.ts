import type { Attr, CharacterData, Document, Element, Node, ProcessingInstruction } from '@xmldom/xmldom';
import {
  XML_NS,
  childNodes,
  isComment,
  isDocument,
  isElement,
  isPi,
  isXmlDeclaration,
  plainAttributes,
  stringValue,
  textRuns,
} from './dom-nodes.js';
import { inScopeNamespaces } from './namespace-scope.js';
import type { PatchErrorCode } from './patch-error.js';
import type { ExpandedName, Predicate, Selector } from './selector.js';

/** A node located by a selector (RFC 5261 §2 "located target node"), in the XPath 1.0 data model. */
export type Located =
  | { readonly kind: 'element'; readonly node: Element }
  /** A text node: a maximal run of DOM Text/CDATA siblings. */
  | { readonly kind: 'text'; readonly run: readonly CharacterData[]; readonly parent: Element }
  | { readonly kind: 'comment'; readonly node: CharacterData }
  | { readonly kind: 'pi'; readonly node: ProcessingInstruction }
  | { readonly kind: 'attribute'; readonly attr: Attr; readonly owner: Element }
  /** A namespace node of `owner`: the in-scope binding of `prefix`, wherever it is declared. */
  | { readonly kind: 'namespace'; readonly owner: Element; readonly prefix: string; readonly uri: string };

/** How id() finds elements (RFC 5261 §4.1): xml:id and/or attributes the application knows to be of type ID. */
export interface IdOptions {
  readonly idFunction: boolean;
  readonly xmlId: boolean;
  readonly idAttributes: readonly string[];
}

export type EvaluationResult =
  | { readonly ok: true; readonly nodes: readonly Located[] }
  | { readonly ok: false; readonly code: PatchErrorCode; readonly message: string };

type Context = Document | Element;

/**
 * Evaluates a parsed selector from the root node of `doc` (RFC 5261 §4.1: selections
 * always start from the root node). Each step selects children of the context nodes
 * (XPath child axis), its predicates applied in order with positions counted per context
 * node (XPath 1.0 §2.4). The result is in document order.
 */
export function evaluateSelector(doc: Document, sel: Selector, ids: IdOptions): EvaluationResult {
  let contexts: Context[] = [doc];
  if (sel.id !== undefined) {
    const found = byId(doc, sel.id, ids);
    if (!found.ok) return found;
    if (sel.steps.length === 0) return { ok: true, nodes: found.nodes.map((node) => ({ kind: 'element', node })) };
    contexts = [...found.nodes];
  }
  const steps = sel.steps;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    if (step === undefined) break;
    const last = i === steps.length - 1;
    const out: Located[] = [];
    for (const ctx of contexts) {
      switch (step.kind) {
        case 'element': {
          const kids = childNodes(ctx).filter((c): c is Element => isElement(c) && (step.name === '*' || nameMatches(c, step.name)));
          for (const node of filter(kids, step.predicates)) out.push({ kind: 'element', node });
          break;
        }
        case 'text':
          if (isElement(ctx)) for (const run of filter(textRuns(ctx), step.predicates)) out.push({ kind: 'text', run, parent: ctx });
          break;
        case 'comment':
          for (const node of filter(childNodes(ctx).filter(isComment), step.predicates)) out.push({ kind: 'comment', node });
          break;
        case 'pi': {
          // RFC 5261 §3: the XML prolog cannot be patched; the XML declaration is not a processing instruction.
          if (isDocument(ctx) && step.target !== undefined && step.target.toLowerCase() === 'xml') {
            return { ok: false, code: 'invalid-xml-prolog-operation', message: 'the XML declaration is part of the prolog and cannot be patched' };
          }
          const pis = childNodes(ctx).filter((c): c is ProcessingInstruction => isPi(c) && !isXmlDeclaration(c) && (step.target === undefined || c.target === step.target));
          for (const node of filter(pis, step.predicates)) out.push({ kind: 'pi', node });
          break;
        }
        case 'attribute':
          if (isElement(ctx)) {
            for (const attr of plainAttributes(ctx)) if (nameMatches(attr, step.name)) out.push({ kind: 'attribute', attr, owner: ctx });
          }
          break;
        case 'namespace':
          if (isElement(ctx)) {
            const uri = inScopeNamespaces(ctx).get(step.prefix);
            if (uri !== undefined && uri !== '') out.push({ kind: 'namespace', owner: ctx, prefix: step.prefix, uri });
          }
          break;
      }
    }
    if (last) return { ok: true, nodes: out };
    contexts = out.flatMap((l) => (l.kind === 'element' ? [l.node] : []));
  }
  return { ok: true, nodes: contexts.filter(isElement).map((node) => ({ kind: 'element', node })) };
}

const nameMatches = (n: Element | Attr, name: ExpandedName): boolean =>
  (n.localName ?? n.nodeName) === name.local && (n.namespaceURI ?? null) === name.ns;

/** Applies predicates in order; each filters the previous result, positions counted from 1 (XPath 1.0 §2.4). */
function filter<T extends Element | CharacterData | readonly CharacterData[]>(nodes: readonly T[], predicates: readonly Predicate[]): T[] {
  let cur = [...nodes];
  for (const p of predicates) {
    switch (p.kind) {
      case 'position':
        cur = cur[p.n - 1] === undefined ? [] : [cur[p.n - 1] as T];
        break;
      case 'attribute':
        cur = cur.filter((n) => isElement(n as Node) && plainAttributes(n as Element).some((a) => nameMatches(a, p.name) && a.value === p.value));
        break;
      case 'child':
        cur = cur.filter((n) => isElement(n as Node) && childNodes(n as Element).some((c) => isElement(c) && nameMatches(c, p.name) && stringValue(c) === p.value));
        break;
      case 'self':
        cur = cur.filter((n) => isElement(n as Node) && stringValue(n as Element) === p.value);
        break;
    }
  }
  return cur;
}

/**
 * XPath 1.0 id() (RFC 5261 §4.1): without a DTD or schema (parseXml refuses DTDs) the only
 * ID attributes known are xml:id (xml:id Recommendation) and the names the application says
 * are of type ID.
 */
function byId(doc: Document, id: string, ids: IdOptions): { readonly ok: true; readonly nodes: Element[] } | { readonly ok: false; readonly code: PatchErrorCode; readonly message: string } {
  if (!ids.idFunction) return { ok: false, code: 'unsupported-id-function', message: 'the id() function is not supported: no attribute is known to be of type ID' };
  const found: Element[] = [];
  let xmlIdOnly = false;
  const visit = (e: Element): void => {
    const xmlId = e.getAttributeNS(XML_NS, 'id');
    const byAttr = ids.idAttributes.some((name) => e.getAttribute(name) === id);
    if (byAttr || (ids.xmlId && xmlId === id)) found.push(e);
    else if (!ids.xmlId && xmlId === id) xmlIdOnly = true;
    for (const c of childNodes(e)) if (isElement(c)) visit(c);
  };
  if (doc.documentElement !== null) visit(doc.documentElement);
  if (found.length === 0 && xmlIdOnly) return { ok: false, code: 'unsupported-xml-id', message: `only an xml:id attribute has the value "${id}", and xml:id is not supported as an ID attribute` };
  if (!ids.xmlId && ids.idAttributes.length === 0) return { ok: false, code: 'unsupported-id-function', message: 'the id() function is not supported: no attribute is known to be of type ID' };
  return { ok: true, nodes: found };
}
