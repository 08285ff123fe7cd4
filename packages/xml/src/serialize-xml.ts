import { XMLSerializer, type Document, type Node } from '@xmldom/xmldom';

const serializer = new XMLSerializer();

/** Serializes a document (with an XML declaration) or a node, namespaces kept. */
export function serializeXml(node: Document | Node, declaration = true): string {
  const body = serializer.serializeToString(node);
  return declaration && node.nodeType === 9 && !body.startsWith('<?xml') ? `<?xml version="1.0" encoding="UTF-8"?>\n${body}` : body;
}
