// RFC 5262: partial PIDF (application/pidf-diff+xml): <pidf-full> and <pidf-diff>.
import { parseXml, type Document, type Element } from '@simple/xml';
import { attr, childElements, collapse, inScopeNamespaces, isNamed } from './dom.js';
import { NS } from './namespaces.js';
import { PidfError } from './pidf-error.js';
import { PresenceDocument, renameRoot } from './presence-document.js';
import type { ParsePidfOptions } from './parse-pidf.js';
import type { Result } from './result.js';

/** One RFC 5261 patch operation of a <pidf-diff>, as written (applying it is the XML patch engine's job). */
export interface PatchOperation {
  readonly kind: 'add' | 'replace' | 'remove';
  /** The RFC 5261 §4 selector (`*\/tuple[@id='r1230d']/status/basic/text()`). */
  readonly sel: string;
  /** <add>: `before`, `after` or `prepend` (RFC 5261 §4.3). */
  readonly pos?: string;
  /** <add>: an attribute or namespace to add (RFC 5261 §4.3). */
  readonly type?: string;
  /** <remove>: `before`, `after` or `both` (RFC 5261 §4.5). */
  readonly ws?: string;
  readonly element: Element;
}

/** A <pidf-diff> document (RFC 5262 §3): patch operations on the previous full state. */
export class PidfDiff {
  constructor(readonly dom: Document) {}

  get root(): Element {
    return this.dom.documentElement as Element;
  }

  /** RFC 5262 §3.1: one counter across <pidf-full> and <pidf-diff>, incremented by one per update. */
  get version(): number | undefined {
    const v = attr(this.root, 'version');
    return v !== undefined && /^\d+$/.test(collapse(v)) ? Number(collapse(v)) : undefined;
  }

  /** RFC 5262 §3.2: when present, the same as the full document's presence 'entity'. */
  get entity(): string | undefined {
    const e = attr(this.root, 'entity');
    return e === undefined ? undefined : collapse(e);
  }

  get operations(): PatchOperation[] {
    const out: PatchOperation[] = [];
    for (const c of childElements(this.root)) {
      if (c.namespaceURI !== NS.pidfDiff) continue;
      const kind = c.localName;
      if (kind !== 'add' && kind !== 'replace' && kind !== 'remove') continue;
      const pos = attr(c, 'pos');
      const type = attr(c, 'type');
      const ws = attr(c, 'ws');
      out.push({ kind, sel: attr(c, 'sel') ?? '', ...(pos !== undefined && { pos }), ...(type !== undefined && { type }), ...(ws !== undefined && { ws }), element: c });
    }
    return out;
  }
}

/** An application/pidf-diff+xml body: the full state with its version, or a diff. */
export type PartialPidf = { readonly kind: 'full'; readonly document: PresenceDocument } | { readonly kind: 'diff'; readonly diff: PidfDiff };

/**
 * Parses an application/pidf-diff+xml body (RFC 5262 §3). "Although the XML Schema also
 * allows using <presence> as the document root element, it is disallowed from
 * applications utilizing this document format", so a <presence> root is refused. Never throws.
 */
export function parsePartialPidf(input: Buffer | string, options: ParsePidfOptions = {}): Result<PartialPidf, PidfError> {
  const xml = parseXml(input, options.limits);
  if (!xml.ok) return { ok: false, error: new PidfError(xml.error.code, xml.error.message, { cause: xml.error }) };
  const root = xml.value.documentElement as Element;
  if (isNamed(root, NS.pidfDiff, 'pidf-diff')) return { ok: true, value: { kind: 'diff', diff: new PidfDiff(xml.value) } };
  if (!isNamed(root, NS.pidfDiff, 'pidf-full')) return { ok: false, error: new PidfError('not-pidf-diff', `root element <${root.nodeName}> is neither <pidf-full> nor <pidf-diff> (RFC 5262 §3)`) };
  const doc = PresenceDocument.fromDocument(xml.value);
  return doc.ok ? { ok: true, value: { kind: 'full', document: doc.value } } : doc;
}

/**
 * The full state as a <pidf-full> with `version` (RFC 5262 §3, §3.1), e.g. for the first
 * NOTIFY of a partial-notification subscription (RFC 5263). The input is not changed.
 */
export function toPidfFull(doc: PresenceDocument, version: number): PresenceDocument {
  const bound = inScopeNamespaces(doc.root);
  let prefix: string | undefined;
  for (const [p, uri] of bound) if (uri === NS.pidfDiff && p !== '') prefix = p;
  let decl: { prefix: string; uri: string } | undefined;
  if (prefix === undefined) {
    prefix = 'p';
    for (let i = 2; bound.has(prefix); i++) prefix = `p${i}`;
    decl = { prefix, uri: NS.pidfDiff };
  }
  const full = doc.kind === 'pidf-full' ? doc.clone() : renameRoot(doc, NS.pidfDiff, `${prefix}:pidf-full`, decl);
  full.root.setAttribute('version', String(version));
  return full;
}

/** The <presence> document (application/pidf+xml) with the content of a <pidf-full>. The input is not changed. */
export function toPresence(doc: PresenceDocument): PresenceDocument {
  if (doc.kind === 'presence') return doc.clone();
  const bound = inScopeNamespaces(doc.root);
  let qname: string | undefined;
  for (const [p, uri] of bound) if (uri === NS.pidf) qname = p === '' ? 'presence' : `${p}:presence`;
  const out = renameRoot(doc, NS.pidf, qname ?? 'presence', qname === undefined ? { prefix: '', uri: NS.pidf } : undefined);
  out.root.removeAttribute('version');
  return out;
}
