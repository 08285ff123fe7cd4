import type { CharacterData, Document, Element, Node, ProcessingInstruction } from '@xmldom/xmldom';
import { childNodes, isComment, isDocument, isElement, isPi, isTextLike, isXmlDeclaration, isXmlWhitespace, plainAttributes } from './dom-nodes.js';
import { extendScope, inScopeNamespaces, type NamespaceScope } from './namespace-scope.js';

export interface CanonicalXmlOptions {
  /**
   * Drop white-space-only text nodes and collapse white space runs inside text and comments
   * (for documents whose layout is not significant, such as RFC examples). Default false:
   * white space is significant, as in C14N.
   */
  readonly ignoreWhitespace?: boolean;
  /** Keep comments (C14N "with comments", the form RFC 5261 §3 uses); default true. */
  readonly comments?: boolean;
}

/**
 * Canonical form of a document or element, after Canonical XML 1.0 with comments
 * (W3C.REC-xml-c14n-20010315), the equivalence RFC 5261 §3 uses: no XML declaration or
 * DOCTYPE; empty elements as start/end tag pairs; attributes sorted by namespace URI then
 * local name; a namespace declaration only where the binding differs from the parent's
 * (superfluous re-declarations vanish), sorted by prefix; CDATA sections as escaped text;
 * `#xA` between top-level nodes. Two documents are equal for patching purposes when their
 * canonical forms are equal.
 */
export function canonicalXml(node: Document | Element, options: CanonicalXmlOptions = {}): string {
  const c = new Canonicalizer(options.ignoreWhitespace ?? false, options.comments ?? true);
  if (!isDocument(node)) return c.element(node, inScopeNamespaces(node.parentNode), new Map());
  let out = '';
  let afterRoot = false;
  for (const child of childNodes(node)) {
    let s: string | undefined;
    if (isElement(child)) {
      out += (out === '' ? '' : '\n') + c.element(child, inScopeNamespaces(null), new Map());
      afterRoot = true;
      continue;
    }
    if (isComment(child) && c.comments) s = c.comment(child);
    else if (isPi(child) && !isXmlDeclaration(child)) s = pi(child);
    if (s !== undefined) out += afterRoot ? `\n${s}` : `${s}\n`;
  }
  return out;
}

class Canonicalizer {
  constructor(
    readonly ignoreWhitespace: boolean,
    readonly comments: boolean,
  ) {}

  element(e: Element, parentScope: NamespaceScope, rendered: ReadonlyMap<string, string>): string {
    const scope = extendScope(new Map(parentScope), e);
    const nowRendered = new Map(rendered);
    const decls: Array<[string, string]> = [];
    for (const [prefix, uri] of scope) {
      if (prefix === 'xml') continue;
      if (prefix === '' ? uri !== (rendered.get('') ?? '') : uri !== '' && rendered.get(prefix) !== uri) {
        decls.push([prefix, uri]);
        nowRendered.set(prefix, uri);
      }
    }
    decls.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const attrs = plainAttributes(e)
      .map((a) => ({ key: [a.namespaceURI ?? '', a.localName ?? a.name] as const, text: ` ${a.name}="${escapeAttr(a.value)}"` }))
      .sort((x, y) => (x.key[0] !== y.key[0] ? (x.key[0] < y.key[0] ? -1 : 1) : x.key[1] < y.key[1] ? -1 : x.key[1] > y.key[1] ? 1 : 0));
    let out = `<${e.nodeName}`;
    for (const [prefix, uri] of decls) out += ` ${prefix === '' ? 'xmlns' : `xmlns:${prefix}`}="${escapeAttr(uri)}"`;
    for (const a of attrs) out += a.text;
    out += '>';
    let text = '';
    const flush = (): void => {
      if (text !== '') out += this.text(text);
      text = '';
    };
    for (const child of childNodes(e)) {
      if (isTextLike(child)) {
        text += child.data;
        continue;
      }
      flush();
      if (isElement(child)) out += this.element(child, scope, nowRendered);
      else if (isComment(child) && this.comments) out += this.comment(child);
      else if (isPi(child)) out += pi(child);
    }
    flush();
    return `${out}</${e.nodeName}>`;
  }

  text(data: string): string {
    if (!this.ignoreWhitespace) return escapeText(data);
    return isXmlWhitespace(data) ? '' : escapeText(collapse(data));
  }

  comment(n: CharacterData): string {
    return `<!--${this.ignoreWhitespace ? collapse(n.data) : n.data}-->`;
  }
}

const collapse = (s: string): string => s.replace(/[ \t\r\n]+/g, ' ').trim();
const pi = (n: ProcessingInstruction | Node): string => {
  const p = n as ProcessingInstruction;
  return p.data === '' ? `<?${p.target}?>` : `<?${p.target} ${p.data}?>`;
};
const escapeText = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;');
const escapeAttr = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').replace(/\t/g, '&#x9;').replace(/\n/g, '&#xA;').replace(/\r/g, '&#xD;');
