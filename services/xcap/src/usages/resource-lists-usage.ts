import { RESOURCE_LISTS_NS } from '@simple/xcap-uri';
import type { Document, Element } from '@simple/xml';
import { ConstraintFailureError, type XcapError } from '../errors/xcap-error.js';
import type { ApplicationUsage } from './application-usage.js';
import { descendants, uniqueAmongSiblings, type UniqueRule } from './unique-values.js';

export { RESOURCE_LISTS_NS };

/** RFC 4826 §3.4: the resource-lists application usage (buddy lists). */
export class ResourceListsUsage implements ApplicationUsage {
  readonly auid = 'resource-lists';
  readonly mimeType = 'application/resource-lists+xml';
  readonly defaultNamespace = RESOURCE_LISTS_NS;
  readonly schemas = [{ namespace: RESOURCE_LISTS_NS, file: 'rfc4826-resource-lists.xsd' }] as const;
  readonly userWritable = true;
  readonly globalPublic = false;

  checkConstraints(doc: Document): Promise<XcapError | undefined> {
    return Promise.resolve(checkResourceListConstraints(doc.documentElement as Element));
  }
}

const RESOURCE_LIST_UNIQUE: readonly UniqueRule[] = [
  { namespace: RESOURCE_LISTS_NS, local: 'list', attr: 'name', field: 'resource-lists/list/@name' },
  { namespace: RESOURCE_LISTS_NS, local: 'entry', attr: 'uri', field: 'resource-lists/list/entry/@uri' },
  { namespace: RESOURCE_LISTS_NS, local: 'entry-ref', attr: 'ref', field: 'resource-lists/list/entry-ref/@ref' },
  { namespace: RESOURCE_LISTS_NS, local: 'external', attr: 'anchor', field: 'resource-lists/list/external/@anchor' },
];

/** RFC 4826 §3.4.5 data constraints, shared with rls-services (whose <list> is a resource list). */
export function checkResourceListConstraints(root: Element): XcapError | undefined {
  // §3.4.5: "the "name" attribute of a <list> element MUST be unique amongst all other "name" attributes of <list> elements that are siblings".
  // "the "uri" attribute of an <entry> MUST be unique amongst ... sibling <entry> elements", likewise "ref" of <entry-ref> and "anchor" of <external>.
  const unique = uniqueAmongSiblings(root, ...RESOURCE_LIST_UNIQUE);
  if (unique !== undefined) return unique;
  // §3.4.5: "The URI in the "ref" attribute of the <entry-ref> element MUST be a relative path reference".
  for (const e of descendants(root, RESOURCE_LISTS_NS, 'entry-ref')) {
    const ref = e.getAttribute('ref') ?? '';
    if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(ref) || ref.startsWith('/')) return new ConstraintFailureError(`entry-ref "${ref}" is not a relative path reference`);
  }
  // §3.4.5: "The URI in the "anchor" attribute of the <external> element MUST be an absolute HTTP URI".
  for (const e of descendants(root, RESOURCE_LISTS_NS, 'external')) {
    const anchor = e.getAttribute('anchor') ?? '';
    if (!/^https?:\/\/[^/]/i.test(anchor)) return new ConstraintFailureError(`external anchor "${anchor}" is not an absolute HTTP URI`);
  }
  return undefined;
}
