import { XMLSerializer, type Document, type Node } from '@xmldom/xmldom';

const serializer = new XMLSerializer();

/** Serializes a document (with an XML declaration) or a node, namespaces kept. */
export function serializeXml(node: Document | Node, declaration = true): string {
  const body = serializer.serializeToString(node);
  return declaration && node.nodeType === 9 && !body.startsWith('<?xml') ? `<?xml version="1.0" encoding="UTF-8"?>\n${body}` : body;
}

/** Character data escaped for element content (XML 1.0 §2.4). */
export function escapeXmlText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** An attribute value escaped for double quotes; white space as references so that attribute normalization keeps it (XML 1.0 §3.3.3). */
export function escapeXmlAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}
