import { parseXml, type XmlLimits } from '@simple/xml';
import { PidfError } from './pidf-error.js';
import { PresenceDocument } from './presence-document.js';
import type { Result } from './result.js';

export interface ParsePidfOptions {
  /** Bounds on the untrusted document (defaults of `parseXml`). */
  readonly limits?: XmlLimits;
}

/**
 * Parses an application/pidf+xml body (RFC 3863). The XML must be well-formed UTF-8
 * within the limits, and its root `{urn:ietf:params:xml:ns:pidf}presence`; beyond that
 * the reader is lenient, as RFC 4479 §5 asks ("Implementations SHOULD be prepared to
 * receive documents that are not valid, and extract whatever information from them that
 * they can parse"): see `PresenceDocument.problems()`. Never throws.
 */
export function parsePidf(input: Buffer | string, options: ParsePidfOptions = {}): Result<PresenceDocument, PidfError> {
  const xml = parseXml(input, options.limits);
  if (!xml.ok) return { ok: false, error: new PidfError(xml.error.code, xml.error.message, { cause: xml.error }) };
  const doc = PresenceDocument.fromDocument(xml.value);
  if (!doc.ok) return doc;
  // RFC 5262 §3: <pidf-full> is application/pidf-diff+xml, not application/pidf+xml.
  if (doc.value.kind !== 'presence') return { ok: false, error: new PidfError('not-pidf', 'a <pidf-full> document is application/pidf-diff+xml: use parsePartialPidf') };
  return doc;
}
