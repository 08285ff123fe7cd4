// Order-insensitive canonical form of an XML document: the multiset of its elements,
// attributes, namespace declarations and non-blank text, each named by the path of
// expanded names from the root (prefixes do not matter, namespaces do).
import { parseXml, type Element, type Node } from '@simple/xml';

function clark(n: { namespaceURI: string | null; localName: string | null; nodeName: string }): string {
  return n.namespaceURI ? `{${n.namespaceURI}}${n.localName ?? n.nodeName}` : (n.localName ?? n.nodeName);
}

export interface CanonicalOptions {
  /** Include namespace declarations (prefix=URI) per element (exact round trips); default true. */
  readonly declarations?: boolean;
  /** Trim text (documents re-indented by composition); default false. */
  readonly trimText?: boolean;
}

/** The sorted multiset of an element's subtree, paths relative to (and including) the element. */
export function elementMultiset(root: Element, options: CanonicalOptions = {}): string[] {
  const out: string[] = [];
  const walk = (el: Element, parentPath: string): void => {
    const path = `${parentPath}/${clark(el)}`;
    out.push(`E ${path}`);
    for (let i = 0; i < el.attributes.length; i++) {
      const a = el.attributes.item(i);
      if (a === null) continue;
      const isDecl = a.name === 'xmlns' || a.name.startsWith('xmlns:');
      if (isDecl) {
        if (options.declarations !== false) out.push(`N ${path} ${a.name}=${a.value}`);
      } else out.push(`A ${path} @${clark(a)}=${a.value}`);
    }
    for (let c: Node | null = el.firstChild; c !== null; c = c.nextSibling) {
      if (c.nodeType === 1) walk(c as Element, path);
      else if ((c.nodeType === 3 || c.nodeType === 4) && (c.nodeValue ?? '').trim() !== '') out.push(`T ${path} ${options.trimText === true ? (c.nodeValue ?? '').trim() : c.nodeValue}`);
    }
  };
  walk(root, '');
  return out.sort();
}

export function documentMultiset(xml: Buffer | string, options: CanonicalOptions = {}): string[] {
  const parsed = parseXml(xml);
  if (!parsed.ok) throw parsed.error;
  return elementMultiset(parsed.value.documentElement as Element, options);
}

/** Whether every entry of `part` occurs in `whole` at least as often. */
export function isSubMultiset(part: readonly string[], whole: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const w of whole) counts.set(w, (counts.get(w) ?? 0) + 1);
  const missing: string[] = [];
  for (const p of part) {
    const n = counts.get(p) ?? 0;
    if (n === 0) missing.push(p);
    else counts.set(p, n - 1);
  }
  return missing;
}

/** The multiset of the root's content (its child elements' subtrees), whatever the root is called. */
export function contentMultiset(root: Element, options: CanonicalOptions = { declarations: false }): string[] {
  const out: string[] = [];
  for (let c: Node | null = root.firstChild; c !== null; c = c.nextSibling) if (c.nodeType === 1) out.push(...elementMultiset(c as Element, options));
  return out.sort();
}
