import { inScopeNamespaces, serializeNode } from '@simple/xcap-uri';
import { escapeXmlAttr, escapeXmlText, serializeXml, type Element } from '@simple/xml';

export const XCAP_DIFF_NS = 'urn:ietf:params:xml:ns:xcap-diff';
export const XCAP_DIFF_TYPE = 'application/xcap-diff+xml';

/**
 * One child of `<xcap-diff>` (RFC 5874 §3):
 * - `document`: `new-etag` alone (exists or created), `previous-etag` alone (removed), both
 *   (changed) with the patch that turns one into the other, 'unchanged' for
 *   `<body-not-changed/>`, or no patch (fetch it again);
 * - `element` / `attribute`: a component's content, or `exists="0"` once it is gone.
 */
export type DiffEntry =
  | { readonly kind: 'document'; readonly sel: string; readonly previousEtag?: string; readonly newEtag?: string; readonly patch?: Element | 'unchanged' }
  | { readonly kind: 'element'; readonly sel: string; readonly exists: true; readonly element: Element }
  | { readonly kind: 'attribute'; readonly sel: string; readonly exists: true; readonly value: string }
  | { readonly kind: 'element' | 'attribute'; readonly sel: string; readonly exists: false };

/** The xcap-diff document (RFC 5874 §3), UTF-8; `xcapRoot` ends with "/". */
export function renderXcapDiff(xcapRoot: string, entries: readonly DiffEntry[]): string {
  // The prefix of our own elements must not hide a binding an element's content relies on.
  const taken = new Set<string>();
  for (const e of entries) if (e.kind === 'element' && e.exists) for (const p of inScopeNamespaces(e.element).keys()) taken.add(p);
  let d = 'd';
  for (let i = 1; taken.has(d); i++) d = `d${i}`;
  let out = `<?xml version="1.0" encoding="UTF-8"?>\n<${d}:xcap-diff xmlns:${d}="${XCAP_DIFF_NS}" xcap-root="${escapeXmlAttr(xcapRoot)}">\n`;
  for (const e of entries) out += ` ${renderEntry(e, d)}\n`;
  return `${out}</${d}:xcap-diff>\n`;
}

function renderEntry(e: DiffEntry, d: string): string {
  const sel = ` sel="${escapeXmlAttr(e.sel)}"`;
  if (e.kind === 'document') {
    const etags = `${e.previousEtag === undefined ? '' : ` previous-etag="${escapeXmlAttr(e.previousEtag)}"`}${e.newEtag === undefined ? '' : ` new-etag="${escapeXmlAttr(e.newEtag)}"`}`;
    if (e.patch === undefined) return `<${d}:document${sel}${etags}/>`;
    if (e.patch === 'unchanged') return `<${d}:document${sel}${etags}><${d}:body-not-changed/></${d}:document>`;
    // The patch's root is a <document> of its own, declaring the prefixes its operations use (RFC 5261 §4.2.1).
    e.patch.setAttribute('sel', e.sel);
    if (e.previousEtag !== undefined) e.patch.setAttribute('previous-etag', e.previousEtag);
    if (e.newEtag !== undefined) e.patch.setAttribute('new-etag', e.newEtag);
    return serializeXml(e.patch, false);
  }
  if (!e.exists) return `<${d}:${e.kind}${sel} exists="0"/>`;
  if (e.kind === 'attribute') return `<${d}:attribute${sel}>${escapeXmlText(e.value)}</${d}:attribute>`;
  // RFC 5874 §3: "all needed namespace declarations MUST exist within the <xml-diff> document";
  // the element keeps its own declarations and prefixes, its ancestors' go on the wrapper.
  const decls = [...inScopeNamespaces(e.element)].map(([p, uri]) => ` ${p === '' ? 'xmlns' : `xmlns:${p}`}="${escapeXmlAttr(uri)}"`).join('');
  return `<${d}:element${sel}${decls}>${serializeNode(e.element)}</${d}:element>`;
}
