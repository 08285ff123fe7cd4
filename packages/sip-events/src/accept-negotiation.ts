import { H, acceptsMediaType, type MediaType, type SipRequest } from '@simple/sip-message';

export type Negotiation =
  | { readonly ok: true; readonly contentType: string; readonly accept: readonly string[] }
  /** No Accept header: the caller decides (the package default, or the type a refresh already has). */
  | { readonly ok: true; readonly contentType: undefined; readonly accept: readonly string[] }
  | { readonly ok: false; readonly status: 400 | 406; readonly reason: string };

/** A range's q-value (RFC 3261 §20.1, RFC 2616 §14.1); a malformed one counts as 1. */
function quality(range: MediaType): number {
  const q = range.params.get('q');
  if (q === undefined || q === null) return 1;
  const n = Number(q);
  return Number.isFinite(n) && n >= 0 && n <= 1 ? n : 1;
}

/** How specific a range is, so that `text/plain` decides over `text/*` and `*\/*`. */
function specificity(range: MediaType): number {
  return range.type === '*' ? 0 : range.subtype === '*' ? 1 : 2;
}

/**
 * Picks the NOTIFY body type from what the package offers and what the
 * SUBSCRIBE accepts (RFC 6665 §3.1.3, §3.2.1): the offered type with the
 * highest q-value (decided by the most specific range that covers it), ties
 * going to the package's order. An Accept header that accepts none of them
 * is answered 406 (RFC 6665 §4.1.2.1); so is an empty one, which accepts
 * nothing (RFC 3261 §20.1).
 */
export function negotiateContentType(offered: readonly string[], request: SipRequest): Negotiation {
  if (!request.headers.has('accept')) return { ok: true, contentType: undefined, accept: [] };
  const parsed = request.headers.typed(H.accept);
  if (!parsed.ok) return { ok: false, status: 400, reason: parsed.error.reason };
  const ranges = parsed.value ?? [];
  const accept = request.headers.getAll('accept');
  let best: { type: string; q: number } | undefined;
  for (const type of offered) {
    let chosen: MediaType | undefined;
    for (const r of ranges) {
      if (!acceptsMediaType(r, type)) continue;
      if (chosen === undefined || specificity(r) > specificity(chosen)) chosen = r;
    }
    if (chosen === undefined) continue;
    const q = quality(chosen);
    if (q > 0 && (best === undefined || q > best.q)) best = { type, q };
  }
  if (best === undefined) return { ok: false, status: 406, reason: 'Not Acceptable' };
  return { ok: true, contentType: best.type, accept };
}
