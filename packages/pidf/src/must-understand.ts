import type { Element } from '@simple/xml';
import { collapse, descendantsAndSelf } from './dom.js';
import { NS } from './namespaces.js';

/**
 * Whether an extension element carries, on itself or a descendant, the PIDF
 * `mustUnderstand` attribute set to true. RFC 3863 §4.2.3: "in order to understand a
 * complex extension, nested elements within an extension element might need to be marked
 * as mandatory ... with a mustUnderstand='true' or mustUnderstand='1' attribute"; an
 * agent that does not recognize such an element "should treat that entire element and
 * any content as unrecognized and not attempt to process it".
 */
export function mustUnderstand(el: Element): boolean {
  return descendantsAndSelf(el).some((e) => {
    if (!e.hasAttributeNS(NS.pidf, 'mustUnderstand')) return false;
    const v = collapse(e.getAttributeNS(NS.pidf, 'mustUnderstand') ?? '');
    return v === 'true' || v === '1';
  });
}
