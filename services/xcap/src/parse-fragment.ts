import { escapeXmlAttr, parseXml, type Element, type Node } from '@simple/xml';
import { NotUtf8Error, NotXmlFragError, type XcapError } from './errors/xcap-error.js';
import { inScopeNamespaces } from '@simple/xcap-uri';

const WRAPPER = 'xcap-fragment-context';

/**
 * Reads the body of an element PUT (RFC 4825 §8.2.2): "a well-balanced region of an
 * XML document ... including only a single element", in UTF-8. The fragment is read
 * in the namespace context of its future parent, so that `<entry>` in a resource-lists
 * document is a resource-lists entry. Never throws.
 */
export function parseElementFragment(body: Buffer, parent: Element, maxBytes: number): { ok: true; value: Element } | { ok: false; error: XcapError } {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return { ok: false, error: new NotUtf8Error('the element is not UTF-8') };
  }
  const decls = [...inScopeNamespaces(parent)].map(([p, uri]) => ` ${p === '' ? 'xmlns' : `xmlns:${p}`}="${escapeXmlAttr(uri)}"`).join('');
  const parsed = parseXml(`<${WRAPPER}${decls}>${text}</${WRAPPER}>`, { maxBytes: maxBytes + 4096 });
  if (!parsed.ok) return { ok: false, error: new NotXmlFragError(parsed.error.message) };
  const root = parsed.value.documentElement as Element;
  let element: Element | undefined;
  for (let c: Node | null = root.firstChild; c !== null; c = c.nextSibling) {
    if (c.nodeType === 1 && element === undefined) element = c as Element;
    else if (!(c.nodeType === 3 && /^\s*$/.test(c.nodeValue ?? ''))) return { ok: false, error: new NotXmlFragError('the body must hold exactly one element') };
  }
  if (element === undefined) return { ok: false, error: new NotXmlFragError('the body holds no element') };
  return { ok: true, value: element };
}
