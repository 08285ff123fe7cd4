import type { Element } from '@simple/xml';
import { childElements } from '@simple/xcap-uri';
import { UniquenessFailureError } from '../errors/xcap-error.js';

/**
 * Checks that an attribute is unique among same-named sibling elements, under every
 * element of the tree (RFC 4826 §3.4.5: "unique amongst all other ... siblings").
 * Suggests an alternative value that is free (§11.2 <alt-value>).
 */
export function uniqueAmongSiblings(root: Element, namespace: string, local: string, attr: string, field: string): UniquenessFailureError | undefined {
  const stack: Element[] = [root];
  while (stack.length > 0) {
    const parent = stack.pop() as Element;
    const seen = new Set<string>();
    for (const c of childElements(parent)) {
      stack.push(c);
      if ((c.namespaceURI ?? '') !== namespace || c.localName !== local || !c.hasAttribute(attr)) continue;
      const v = c.getAttribute(attr) ?? '';
      if (seen.has(v)) return new UniquenessFailureError([{ field, altValues: [alternative(v, seen)] }]);
      seen.add(v);
    }
  }
  return undefined;
}

/** A value like `v` that is not in `taken`: `name-2`, or for a SIP URI `sip:user-2@host`. */
export function alternative(v: string, taken: ReadonlySet<string>): string {
  for (let i = 2; ; i++) {
    const at = v.indexOf('@');
    const candidate = /^sips?:/i.test(v) && at > 0 ? `${v.slice(0, at)}-${i}${v.slice(at)}` : `${v}-${i}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** Every element of a subtree with the given expanded name, in document order. */
export function descendants(root: Element, namespace: string, local: string): Element[] {
  const out: Element[] = [];
  const walk = (e: Element): void => {
    if ((e.namespaceURI ?? '') === namespace && e.localName === local) out.push(e);
    for (const c of childElements(e)) walk(c);
  };
  walk(root);
  return out;
}
