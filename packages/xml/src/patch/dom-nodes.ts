import type { Attr, CharacterData, Document, Element, Node, ProcessingInstruction } from '@xmldom/xmldom';

// DOM node types (DOM Level 2 Core), as numbers so that no DOM global is needed.
export const ELEMENT_NODE = 1;
export const ATTRIBUTE_NODE = 2;
export const TEXT_NODE = 3;
export const CDATA_SECTION_NODE = 4;
export const PROCESSING_INSTRUCTION_NODE = 7;
export const COMMENT_NODE = 8;
export const DOCUMENT_NODE = 9;

export const XML_NS = 'http://www.w3.org/XML/1998/namespace';
export const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

export const isElement = (n: Node | null | undefined): n is Element => n?.nodeType === ELEMENT_NODE;
export const isDocument = (n: Node | null | undefined): n is Document => n?.nodeType === DOCUMENT_NODE;
export const isTextLike = (n: Node | null | undefined): n is CharacterData =>
  n?.nodeType === TEXT_NODE || n?.nodeType === CDATA_SECTION_NODE;
export const isComment = (n: Node | null | undefined): n is CharacterData => n?.nodeType === COMMENT_NODE;
export const isPi = (n: Node | null | undefined): n is ProcessingInstruction => n?.nodeType === PROCESSING_INSTRUCTION_NODE;

/** The XML declaration, which xmldom keeps as a processing instruction named `xml`. */
export const isXmlDeclaration = (n: Node | null | undefined): boolean => isPi(n) && n.target.toLowerCase() === 'xml';

/** A namespace declaration attribute (`xmlns` or `xmlns:p`): a namespace node, not an attribute, in XPath. */
export const isNamespaceDeclaration = (a: Attr): boolean =>
  a.namespaceURI === XMLNS_NS || a.name === 'xmlns' || a.name.startsWith('xmlns:');

/** The prefix a namespace declaration binds ('' for the default namespace). */
export const declaredPrefix = (a: Attr): string => (a.name === 'xmlns' ? '' : a.name.slice('xmlns:'.length));

export function childNodes(n: Node): Node[] {
  const out: Node[] = [];
  for (let c = n.firstChild; c !== null; c = c.nextSibling) out.push(c);
  return out;
}

export function attributesOf(e: Element): Attr[] {
  const out: Attr[] = [];
  for (let i = 0; i < e.attributes.length; i++) {
    const a = e.attributes.item(i);
    if (a !== null) out.push(a);
  }
  return out;
}

/** The ordinary (non-namespace-declaration) attributes of an element. */
export const plainAttributes = (e: Element): Attr[] => attributesOf(e).filter((a) => !isNamespaceDeclaration(a));

/** The namespace declarations made on the element itself: prefix ('' for default) to URI ('' undeclares the default). */
export function ownDeclarations(e: Element): Map<string, string> {
  const out = new Map<string, string>();
  for (const a of attributesOf(e)) if (isNamespaceDeclaration(a)) out.set(declaredPrefix(a), a.value);
  return out;
}

/**
 * XPath 1.0 §5.7: a text node is a maximal run of character data, so adjacent DOM
 * Text and CDATA section nodes form one text node. Returns the runs among `parent`'s children.
 */
export function textRuns(parent: Node): CharacterData[][] {
  const runs: CharacterData[][] = [];
  let cur: CharacterData[] | undefined;
  for (let c = parent.firstChild; c !== null; c = c.nextSibling) {
    if (isTextLike(c)) {
      if (cur === undefined) runs.push((cur = []));
      cur.push(c);
    } else cur = undefined;
  }
  return runs;
}

/** The run of Text/CDATA siblings that contains `n`. */
export function runAround(n: CharacterData): CharacterData[] {
  let first: Node = n;
  while (isTextLike(first.previousSibling)) first = first.previousSibling;
  const run: CharacterData[] = [];
  for (let c: Node | null = first; isTextLike(c); c = c.nextSibling) run.push(c);
  return run;
}

export const runText = (run: readonly CharacterData[]): string => run.map((t) => t.data).join('');

/** XPath 1.0 §5.2: the string-value of an element is the concatenation of its descendant text. */
export function stringValue(n: Node): string {
  if (isTextLike(n)) return n.data;
  let s = '';
  for (let c = n.firstChild; c !== null; c = c.nextSibling) if (isElement(c) || isTextLike(c)) s += stringValue(c);
  return s;
}

/** XML 1.0 §2.3 S production. */
export const isXmlWhitespace = (s: string): boolean => /^[ \t\r\n]*$/.test(s);

/** XML 1.0 §2.3 Name production, namespace-less (NCName), approximated with Unicode classes. */
export const NCNAME = /^[\p{L}_][\p{L}\p{N}\p{M}._\-\u00B7]*$/u;
