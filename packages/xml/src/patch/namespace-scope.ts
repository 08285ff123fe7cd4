import type { Document, Element, Node } from '@xmldom/xmldom';
import { XML_NS, XMLNS_NS, attributesOf, childNodes, isElement, ownDeclarations, plainAttributes } from './dom-nodes.js';

/** Prefix ('' = default namespace) to namespace URI ('' = no default namespace). */
export type NamespaceScope = Map<string, string>;

/**
 * The in-scope namespaces of an element (XPath 1.0 §5.4; RFC 5261 §2 "in-scope namespace
 * declaration"): the declarations of the element and its ancestors, plus the bindings its
 * own name and attribute names imply (a DOM built with createElementNS has no xmlns
 * attributes). `xml` is always bound. A document (or null) has only `xml` in scope.
 */
export function inScopeNamespaces(node: Element | Document | Node | null): NamespaceScope {
  const chain: Element[] = [];
  for (let n: Node | null = node; n !== null && isElement(n); n = n.parentNode) chain.unshift(n);
  const scope: NamespaceScope = new Map([['xml', XML_NS]]);
  for (const e of chain) extendScope(scope, e);
  return scope;
}

/** Adds what `e` declares or implies to `scope` (in place). */
export function extendScope(scope: NamespaceScope, e: Element): NamespaceScope {
  for (const [p, uri] of ownDeclarations(e)) scope.set(p, uri);
  scope.set(e.prefix ?? '', e.namespaceURI ?? '');
  for (const a of plainAttributes(e)) if (a.prefix !== null && a.prefix !== '' && a.namespaceURI !== null) scope.set(a.prefix, a.namespaceURI);
  scope.set('xml', XML_NS);
  return scope;
}

/**
 * RFC 5261 §4.2.3: the prefix under which a node of namespace `ns`, written with prefix
 * `diffPrefix` in the diff document, appears in the patched document, given the in-scope
 * namespaces of the evaluation context node and that node's own name. Returns undefined
 * when no in-scope prefix is bound to `ns` (the caller then declares one).
 * For attributes the default namespace is never a candidate (§4.3.2).
 */
export function choosePrefix(
  ns: string,
  diffPrefix: string,
  scope: NamespaceScope,
  context: { readonly prefix: string; readonly ns: string | null } | null,
  forAttribute: boolean,
): string | undefined {
  if (ns === XML_NS) return 'xml';
  const candidates = [...scope].filter(([p, uri]) => uri === ns && !(forAttribute && p === '')).map(([p]) => p);
  if (candidates.length === 0) return undefined;
  // 1. The diff document's prefix, when it is declared for the same namespace.
  if (candidates.includes(diffPrefix)) return diffPrefix;
  // 2. The prefix (also empty) of the evaluation context node, when its namespace is the same.
  if (context !== null && context.ns === ns && candidates.includes(context.prefix)) return context.prefix;
  // 3. Alphabetical order, the default namespace first: the entry just before where the
  //    diff prefix would be inserted, else the first entry.
  const sorted = candidates.sort((a, b) => (a === b ? 0 : a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1));
  let chosen = sorted[0] as string;
  for (const p of sorted) if (p === '' || p < diffPrefix) chosen = p;
  return chosen;
}

/** A prefix not bound in `scope`: `preferred` if possible, else ns1, ns2, ... */
export function freshPrefix(scope: NamespaceScope, preferred: string): string {
  if (preferred !== '' && !scope.has(preferred) && !/^xml/i.test(preferred)) return preferred;
  for (let i = 1; ; i++) if (!scope.has(`ns${i}`)) return `ns${i}`;
}

/** Declares prefix ('' = default) as uri on `e`. */
export function declareNamespace(e: Element, prefix: string, uri: string): void {
  e.setAttributeNS(XMLNS_NS, prefix === '' ? 'xmlns' : `xmlns:${prefix}`, uri);
}

/**
 * After the declaration of `prefix` on `root` changed to `uri` (RFC 5261 §4.3.3, §4.4.3),
 * every element and attribute name that resolves through that declaration moves to the new
 * namespace (RFC 5261 §2: a QName is expanded with the in-scope declarations). Stops below
 * elements that redeclare the prefix. Elements are re-created (a DOM name is immutable),
 * keeping their attributes and children. Returns the element that now stands for `root`.
 */
export function rebindPrefix(root: Element, prefix: string, uri: string): Element {
  const affected: Element[] = [];
  const walk = (e: Element, top: boolean): void => {
    if (!top && ownDeclarations(e).has(prefix)) return;
    affected.push(e);
    for (const c of childNodes(e)) if (isElement(c)) walk(c, false);
  };
  walk(root, true);
  let result = root;
  const newNs = uri === '' ? null : uri;
  for (const e of affected) {
    for (const a of plainAttributes(e)) {
      if ((a.prefix ?? '') !== prefix || prefix === '') continue;
      const value = a.value;
      e.removeAttributeNode(a);
      e.setAttributeNS(newNs, a.name, value);
    }
    if ((e.prefix ?? '') !== prefix) continue;
    const doc = e.ownerDocument as Document;
    const renamed = doc.createElementNS(newNs, e.nodeName);
    for (const a of attributesOf(e)) renamed.setAttributeNS(a.namespaceURI, a.name, a.value);
    for (const c of childNodes(e)) renamed.appendChild(c);
    e.parentNode?.replaceChild(renamed, e);
    if (e === root) result = renamed;
  }
  return result;
}

/** Whether a name in `owner`'s subtree resolves through its declaration of `prefix`. */
export function prefixInUse(owner: Element, prefix: string): boolean {
  const walk = (e: Element, top: boolean): boolean => {
    if (!top && ownDeclarations(e).has(prefix)) return false;
    if ((e.prefix ?? '') === prefix) return true;
    if (plainAttributes(e).some((a) => (a.prefix ?? '') === prefix)) return true;
    return childNodes(e).some((c) => isElement(c) && walk(c, false));
  };
  return walk(owner, true);
}

/** A namespace name: RFC 3986 gives no constraint checkable cheaply beyond non-empty, no white space, quotes or angle brackets. */
export const validNamespaceUri = (uri: string): boolean => uri !== '' && !/[\s"'<>]/.test(uri);
