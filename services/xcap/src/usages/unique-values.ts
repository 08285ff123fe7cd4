import type { Element } from '@simple/xml';
import { UniquenessFailureError } from '../errors/xcap-error.js';

/** One uniqueness rule: attribute `attr` of the elements `{namespace}local` is unique among siblings. */
export interface UniqueRule {
  readonly namespace: string;
  readonly local: string;
  readonly attr: string;
  /** The `field` of the §11.2 <exists> element. */
  readonly field: string;
}

/**
 * Checks that an attribute is unique among same-named sibling elements, under every
 * element of the tree (RFC 4826 §3.4.5: "unique amongst all other ... siblings"), for
 * every rule in one walk of the tree. Suggests an alternative value that is free (§11.2
 * <alt-value>).
 */
export function uniqueAmongSiblings(root: Element, ...rules: readonly UniqueRule[]): UniquenessFailureError | undefined {
  const stack: Element[] = [root];
  const seen = rules.map(() => new Set<string>());
  while (stack.length > 0) {
    const parent = stack.pop() as Element;
    for (const s of seen) s.clear();
    for (let n = parent.firstChild; n !== null; n = n.nextSibling) {
      if (n.nodeType !== 1) continue;
      const c = n as Element;
      stack.push(c);
      const ns = c.namespaceURI ?? '';
      for (let i = 0; i < rules.length; i++) {
        const r = rules[i] as UniqueRule;
        if (ns !== r.namespace || c.localName !== r.local || !c.hasAttribute(r.attr)) continue;
        const v = c.getAttribute(r.attr) ?? '';
        const taken = seen[i] as Set<string>;
        if (taken.has(v)) return new UniquenessFailureError([{ field: r.field, altValues: [alternative(v, taken)] }]);
        taken.add(v);
      }
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
    for (let n = e.firstChild; n !== null; n = n.nextSibling) if (n.nodeType === 1) walk(n as Element);
  };
  walk(root);
  return out;
}
