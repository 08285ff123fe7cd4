import type { Element, Node } from '@simple/xml';
import { childElements, matchingName, type NamespaceContext, type Step } from '@simple/xcap-uri';

/**
 * Inserts a new child element where RFC 4825 §8.2.3 puts it, so that the
 * target selector (the last step) selects it. Returns false when the position
 * cannot be reached (fewer than n-1 siblings for `[n]`). The caller then checks
 * that the whole request URI selects the new element (cannot-insert otherwise).
 */
export function insertElement(parent: Element, step: Step, element: Element, ns: NamespaceContext): boolean {
  const named = matchingName(childElements(parent), step, ns);
  if (named === undefined) return false;
  let before: Node | null;
  if (step.position !== undefined) {
    if (step.position === 1) {
      // §8.2.3: "When n=1 ... the new element MUST appear just before the existing first element
      // with this same expanded name" (or before all elements for the wildcard); with none, it goes last.
      before = named[0] ?? null;
    } else {
      // §8.2.3: "the element MUST be inserted so that there are n-1 sibling elements before it with
      // the same expanded name ... [and] as many sibling nodes appear after it as possible."
      const previous = named[step.position - 2];
      if (previous === undefined) return false;
      before = previous.nextSibling;
    }
  } else if (step.name !== undefined && named.length > 0) {
    // §8.2.3: "Earliest last": no element after it with the same expanded name, as many nodes after it as possible.
    before = (named[named.length - 1] as Element).nextSibling;
  } else {
    // §8.2.3: the new element is the last element; comment, text and PI nodes after the former last element come before it.
    before = null;
  }
  parent.insertBefore(element, before);
  return true;
}
