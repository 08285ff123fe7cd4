// Public surface of @simple/xml: XML from the network, parsed safely.
export { parseXml, type XmlLimits, type XmlResult } from './parse-xml.js';
export { serializeXml, escapeXmlText, escapeXmlAttr } from './serialize-xml.js';
export { XmlError, type XmlErrorCode } from './xml-error.js';
export type { Document, Element, Node, Attr } from '@xmldom/xmldom';
export * from './patch/index.js';
