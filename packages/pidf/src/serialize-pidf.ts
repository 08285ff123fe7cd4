import { serializeXml } from '@simple/xml';
import type { PresenceDocument } from './presence-document.js';
import type { PidfDiff } from './pidf-diff.js';

/** The document as UTF-8 XML text with an XML declaration, every node of its DOM kept. */
export function serializePidf(doc: PresenceDocument | PidfDiff): string {
  return serializeXml(doc.dom);
}
