import { DOMParser, type Document, type Element, type Node } from '@xmldom/xmldom';
import { XmlError } from './xml-error.js';

export type XmlResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: XmlError };

/** Bounds on a document from the network (DESIGN.md, Security: XML is hostile). */
export interface XmlLimits {
  /** Bytes (default 1 MiB). */
  readonly maxBytes?: number;
  /** Element nesting depth (default 64). */
  readonly maxDepth?: number;
  /** Element and attribute nodes in all (default 100,000). */
  readonly maxNodes?: number;
}

const DEFAULTS = { maxBytes: 1 << 20, maxDepth: 64, maxNodes: 100_000 } as const;

/**
 * Parses an XML document from the network: UTF-8 only, no DOCTYPE at all (so no
 * DTD, no entity expansion: billion laughs and external entities are refused
 * before parsing), bounded in size, depth and node count, namespace-aware.
 * Never throws.
 */
export function parseXml(input: Buffer | string, limits: XmlLimits = {}): XmlResult<Document> {
  const maxBytes = limits.maxBytes ?? DEFAULTS.maxBytes;
  const bytes = typeof input === 'string' ? Buffer.byteLength(input) : input.length;
  if (bytes > maxBytes) return fail('too-large', `document of ${bytes} bytes exceeds ${maxBytes}`);
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      return fail('not-utf-8', 'the document is not UTF-8');
    }
  }
  if (/<!DOCTYPE/i.test(text)) return fail('dtd-forbidden', 'DOCTYPE declarations are not accepted');
  const xmlDecl = /^\uFEFF?<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']/.exec(text);
  if (xmlDecl !== null && !/^utf-?8$/i.test(xmlDecl[1] ?? '')) return fail('not-utf-8', `encoding ${xmlDecl[1]} is not UTF-8`);
  let doc: Document;
  try {
    doc = new DOMParser({
      onError: (level, msg) => {
        if (level !== 'warning') throw new XmlError('not-well-formed', String(msg));
      },
    }).parseFromString(text, 'application/xml');
  } catch (e) {
    return fail('not-well-formed', e instanceof Error ? e.message.split('\n')[0] ?? 'not well-formed' : 'not well-formed');
  }
  if (doc.documentElement === null) return fail('not-well-formed', 'no root element');
  const counted = countNodes(doc.documentElement, limits.maxDepth ?? DEFAULTS.maxDepth, limits.maxNodes ?? DEFAULTS.maxNodes);
  if (counted !== undefined) return { ok: false, error: counted };
  return { ok: true, value: doc };
}

function countNodes(root: Element, maxDepth: number, maxNodes: number): XmlError | undefined {
  let nodes = 0;
  const stack: Array<[Node, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [n, depth] = stack.pop() as [Node, number];
    if (depth > maxDepth) return new XmlError('too-deep', `elements nested deeper than ${maxDepth}`);
    nodes += 1 + ((n as Element).attributes?.length ?? 0);
    if (nodes > maxNodes) return new XmlError('too-many-nodes', `more than ${maxNodes} nodes`);
    for (let c = n.firstChild; c !== null; c = c.nextSibling) if (c.nodeType === 1) stack.push([c, depth + 1]);
  }
  return undefined;
}

function fail(code: XmlError['code'], message: string): XmlResult<never> {
  return { ok: false, error: new XmlError(code, message) };
}
