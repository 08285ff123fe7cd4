// Small namespace-aware DOM helpers over the xmldom types that @simple/xml re-exports.
import type { Attr, Document, Element, Node } from '@simple/xml';
import { NS, PREFERRED_PREFIX } from './namespaces.js';

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const CDATA_SECTION_NODE = 4;

/** The document an element belongs to (every element has one; the DOM types allow null only for documents). */
export function docOf(el: Element): Document {
  return el.ownerDocument as Document;
}

export function isElement(node: Node | null | undefined): node is Element {
  return node !== null && node !== undefined && node.nodeType === ELEMENT_NODE;
}

/** Element children, in document order. */
export function childElements(parent: Element): Element[] {
  const out: Element[] = [];
  for (let c = parent.firstChild; c !== null; c = c.nextSibling) if (isElement(c)) out.push(c);
  return out;
}

export function isNamed(el: Element, ns: string, local: string): boolean {
  return el.namespaceURI === ns && el.localName === local;
}

export function childrenNamed(parent: Element, ns: string, local: string): Element[] {
  return childElements(parent).filter((c) => isNamed(c, ns, local));
}

export function firstChildNamed(parent: Element, ns: string, local: string): Element | undefined {
  for (let c = parent.firstChild; c !== null; c = c.nextSibling) if (isElement(c) && isNamed(c, ns, local)) return c;
  return undefined;
}

/** `{namespace}local`, or `local` for an element in no namespace (James Clark's notation). */
export function clarkName(el: Element): string {
  const local = el.localName ?? el.nodeName;
  return el.namespaceURI ? `{${el.namespaceURI}}${local}` : local;
}

/** The character data of an element and its descendants, as written. */
export function textOf(el: Element): string {
  let out = '';
  for (let c = el.firstChild; c !== null; c = c.nextSibling) {
    if (c.nodeType === TEXT_NODE || c.nodeType === CDATA_SECTION_NODE) out += c.nodeValue ?? '';
    else if (isElement(c)) out += textOf(c);
  }
  return out;
}

/** XML Schema whitespace "collapse" (tokens, URIs, numbers, booleans, dates). */
export function collapse(s: string): string {
  return s.replace(/[\t\n\r ]+/g, ' ').trim();
}

/** An unqualified attribute, or undefined when absent. */
export function attr(el: Element, name: string): string | undefined {
  return el.hasAttribute(name) ? el.getAttribute(name) ?? undefined : undefined;
}

/** The element's own `xml:lang`, or undefined. */
export function xmlLang(el: Element): string | undefined {
  return el.hasAttributeNS(NS.xml, 'lang') ? el.getAttributeNS(NS.xml, 'lang') ?? undefined : undefined;
}

/** `xml:lang` in scope for the element (its own, else the nearest ancestor's). */
export function langInScope(el: Element): string | undefined {
  for (let n: Node | null = el; isElement(n); n = n.parentNode) {
    const lang = xmlLang(n);
    if (lang !== undefined) return lang;
  }
  return undefined;
}

export function attributes(el: Element): Attr[] {
  const out: Attr[] = [];
  for (let i = 0; i < el.attributes.length; i++) {
    const a = el.attributes.item(i);
    if (a !== null) out.push(a);
  }
  return out;
}

export function isNamespaceDeclaration(a: Attr): boolean {
  return a.namespaceURI === NS.xmlns || a.name === 'xmlns' || a.name.startsWith('xmlns:');
}

/** Namespace declarations in scope at `el`: prefix ('' for the default namespace) to URI, nearest first. */
export function inScopeNamespaces(el: Element): Map<string, string> {
  const out = new Map<string, string>();
  for (let n: Node | null = el; isElement(n); n = n.parentNode) {
    for (const a of attributes(n)) {
      if (!isNamespaceDeclaration(a)) continue;
      const prefix = a.name === 'xmlns' ? '' : a.name.slice('xmlns:'.length);
      if (!out.has(prefix)) out.set(prefix, a.value);
    }
  }
  return out;
}

/** The prefix the element itself declares for `prefix`, if any ('' = default namespace). */
export function ownDeclaration(el: Element, prefix: string): string | undefined {
  const name = prefix === '' ? 'xmlns' : `xmlns:${prefix}`;
  return el.hasAttribute(name) ? el.getAttribute(name) ?? '' : undefined;
}

export function declareNamespace(el: Element, prefix: string, uri: string): void {
  el.setAttributeNS(NS.xmlns, prefix === '' ? 'xmlns' : `xmlns:${prefix}`, uri);
}

/**
 * The qualified name to give a new element of namespace `ns` in `doc`: the prefix the
 * root already binds to `ns` (none if it is the default namespace), else a preferred
 * prefix declared on the root, so that the document keeps one declaration per namespace.
 */
export function qualifiedName(doc: Document, ns: string, local: string): string {
  const root = doc.documentElement;
  if (root === null) return local;
  const bound = inScopeNamespaces(root);
  for (const [prefix, uri] of bound) if (uri === ns) return prefix === '' ? local : `${prefix}:${local}`;
  const base = PREFERRED_PREFIX[ns] ?? 'ns';
  let prefix = base;
  for (let i = 2; bound.has(prefix); i++) prefix = `${base}${i}`;
  declareNamespace(root, prefix, ns);
  return `${prefix}:${local}`;
}

/** Creates `{ns}local` with the document's prefix for `ns`, optional text, and appends it. */
export function appendElement(parent: Element, ns: string, local: string, text?: string): Element {
  const doc = docOf(parent);
  const el = doc.createElementNS(ns, qualifiedName(doc, ns, local));
  if (text !== undefined) el.appendChild(doc.createTextNode(text));
  parent.appendChild(el);
  return el;
}

export function setAttr(el: Element, name: string, value: string | number | undefined): void {
  if (value === undefined) return;
  el.setAttribute(name, String(value));
}

export function setXmlLang(el: Element, lang: string | undefined): void {
  if (lang !== undefined) el.setAttributeNS(NS.xml, 'xml:lang', lang);
}

/** Replaces the element's content by one text node. */
export function setText(el: Element, text: string): void {
  while (el.firstChild !== null) el.removeChild(el.firstChild);
  el.appendChild(docOf(el).createTextNode(text));
}

/** Every element of the subtree rooted at `el`, `el` first, in document order. */
export function descendantsAndSelf(el: Element): Element[] {
  const out: Element[] = [];
  const walk = (e: Element): void => {
    out.push(e);
    for (const c of childElements(e)) walk(c);
  };
  walk(el);
  return out;
}
