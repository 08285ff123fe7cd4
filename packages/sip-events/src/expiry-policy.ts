/** The bounds one event package sets on subscription duration, in seconds (RFC 6665 §5.4.4). */
export interface ExpiryBounds {
  readonly minExpires: number;
  readonly maxExpires: number;
  readonly defaultExpires: number;
}

export type ExpiryDecision =
  | { readonly kind: 'grant'; readonly seconds: number }
  | { readonly kind: 'too-brief'; readonly minExpires: number };

/**
 * The duration to grant for a SUBSCRIBE's `Expires` (undefined: none given).
 * - No Expires: the package default (RFC 6665 §3.1.1).
 * - 0: granted as 0, a fetch or an unsubscribe (§3.1.1, §4.4.3).
 * - "If and only if the expiration interval is greater than zero AND smaller
 *   than one hour AND less than a notifier-configured minimum, the notifier
 *   MAY return a 423" (§4.2.1.1).
 * - Otherwise the request, shortened to the maximum: "the server MAY shorten
 *   the interval but MUST NOT lengthen it" (§4.2.1.1, §4.2.1.4).
 */
export function grantExpiry(requested: number | undefined, bounds: ExpiryBounds): ExpiryDecision {
  const r = requested ?? bounds.defaultExpires;
  if (r === 0) return { kind: 'grant', seconds: 0 };
  if (r < 3600 && r < bounds.minExpires) return { kind: 'too-brief', minExpires: bounds.minExpires };
  return { kind: 'grant', seconds: Math.min(r, bounds.maxExpires) };
}
