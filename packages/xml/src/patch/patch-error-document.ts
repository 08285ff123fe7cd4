import { DOMImplementation } from '@xmldom/xmldom';
import { serializeXml } from '../serialize-xml.js';
import { XML_NS, XMLNS_NS, attributesOf } from './dom-nodes.js';
import { PATCH_OPS_ERROR_NS, SIMPLE_PATCH_ERROR_CODES, type PatchError } from './patch-error.js';

/**
 * The `application/patch-ops-error+xml` document for an error (RFC 5261 §5.1, schema §9):
 *
 *   <patch-ops-error xmlns="urn:ietf:params:xml:ns:patch-ops-error">
 *     <unlocated-node phrase="..."><add sel="..."/></unlocated-node>
 *   </patch-ops-error>
 *
 * The error element carries the `phrase` (and `xml:lang` when given) and, except for the
 * `patch-error-simple` elements (invalid-character-set, invalid-diff-format), a copy of the
 * operation element that failed, with its `sel` and the namespace declarations it needs.
 */
export function patchErrorDocument(error: PatchError, options: { readonly lang?: string } = {}): string {
  const doc = new DOMImplementation().createDocument(PATCH_OPS_ERROR_NS, 'patch-ops-error', null);
  const root = doc.documentElement;
  if (root === null) throw new Error('DOMImplementation.createDocument made no root element');
  const el = doc.createElementNS(PATCH_OPS_ERROR_NS, error.code);
  el.setAttribute('phrase', error.message);
  if (options.lang !== undefined) el.setAttributeNS(XML_NS, 'xml:lang', options.lang);
  if (!SIMPLE_PATCH_ERROR_CODES.has(error.code) && error.operation !== undefined) {
    const op = doc.importNode(error.operation, true);
    // Prefixed declarations go on the root, as in the §5.1 example (the default one stays:
    // the root's default namespace is patch-ops-error's).
    for (const a of [...attributesOf(op)]) {
      if (a.namespaceURI !== XMLNS_NS || a.name === 'xmlns') continue;
      if (root.getAttributeNodeNS(XMLNS_NS, a.localName ?? '') !== null) continue;
      root.setAttributeNS(XMLNS_NS, a.name, a.value);
      op.removeAttributeNode(a);
    }
    if (op.prefix !== null && op.prefix !== '' && op.namespaceURI !== null && root.getAttributeNodeNS(XMLNS_NS, op.prefix) === null) {
      root.setAttributeNS(XMLNS_NS, `xmlns:${op.prefix}`, op.namespaceURI);
    }
    el.appendChild(op);
  }
  root.appendChild(el);
  return serializeXml(doc);
}
