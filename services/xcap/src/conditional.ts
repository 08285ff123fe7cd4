import { XcapHttpError } from './errors/xcap-error.js';

/** The entity tags of an If-Match / If-None-Match header: '*' or the list (weak tags compared by their opaque part). */
export function parseEtagList(header: string | undefined): '*' | string[] | undefined {
  if (header === undefined) return undefined;
  if (header.trim() === '*') return '*';
  const out: string[] = [];
  for (const m of header.matchAll(/(?:W\/)?"([^"]*)"/g)) out.push(m[1] as string);
  return out;
}

/**
 * RFC 2616 §14.24 and §14.26 as RFC 4825 §8.2.6 and §9 use them: the ETag of every
 * resource of a document is the document's (`current` undefined: no document).
 * Throws 412, or 304 for a GET whose If-None-Match matches.
 */
export function checkPreconditions(method: 'GET' | 'PUT' | 'DELETE', headers: { readonly ifMatch?: string; readonly ifNoneMatch?: string }, current: string | undefined): void {
  const ifMatch = parseEtagList(headers.ifMatch);
  if (ifMatch !== undefined) {
    const ok = current !== undefined && (ifMatch === '*' || ifMatch.includes(current));
    if (!ok) throw new XcapHttpError(412, 'If-Match failed');
  }
  const ifNoneMatch = parseEtagList(headers.ifNoneMatch);
  if (ifNoneMatch !== undefined && current !== undefined && (ifNoneMatch === '*' || ifNoneMatch.includes(current))) {
    if (method === 'GET') throw new XcapHttpError(304, 'not modified', { etag: `"${current}"` });
    throw new XcapHttpError(412, 'If-None-Match failed');
  }
}
