import type { Document, Element, Node } from '@simple/xml';
import { escapeXmlAttr as escapeAttr, escapeXmlText as escapeText } from '@simple/xml';

/**
 * Writes a node exactly as it stands in the DOM: names as spelled, and only the
 * namespace declarations the nodes themselves carry. RFC 4825 §8.3: "The server
 * MUST NOT add namespace bindings representing namespaces used by the element or
 * its children, but declared in ancestor elements".
 */
export function serializeNode(node: Node): string {
  switch (node.nodeType) {
    case 1: {
      const el = node as Element;
      let out = `<${el.nodeName}`;
      for (let i = 0; i < el.attributes.length; i++) {
        const a = el.attributes.item(i);
        if (a !== null) out += ` ${a.name}="${escapeAttr(a.value)}"`;
      }
      if (el.firstChild === null) return `${out}/>`;
      out += '>';
      for (let c: Node | null = el.firstChild; c !== null; c = c.nextSibling) out += serializeNode(c);
      return `${out}</${el.nodeName}>`;
    }
    case 3:
      return escapeText(node.nodeValue ?? '');
    case 4:
      return `<![CDATA[${node.nodeValue ?? ''}]]>`;
    case 7:
      return `<?${node.nodeName} ${node.nodeValue ?? ''}?>`;
    case 8:
      return `<!--${node.nodeValue ?? ''}-->`;
    default:
      return '';
  }
}

/** A whole document, UTF-8, with an XML declaration and the comments and PIs around the root. */
export function serializeDocument(doc: Document): string {
  let out = '<?xml version="1.0" encoding="UTF-8"?>\n';
  for (let c: Node | null = doc.firstChild; c !== null; c = c.nextSibling) {
    if (c.nodeType === 7 && c.nodeName === 'xml') continue;
    if (c.nodeType === 1 || c.nodeType === 7 || c.nodeType === 8) out += `${serializeNode(c)}\n`;
  }
  return out;
}
