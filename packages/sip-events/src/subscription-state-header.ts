import type { TerminationReason } from './subscription.js';
import { formatMaxRate } from './rate-control.js';

/** One year: what RFC 6665 §4.1.3 suggests as retry-after with `invariant`, for RFC 3265 subscribers. */
export const INVARIANT_RETRY_AFTER = 31_536_000;

export type SubscriptionStateHeader =
  | { readonly state: 'active' | 'pending'; readonly expires: number; readonly maxRateIntervalMs?: number }
  | { readonly state: 'terminated'; readonly reason: TerminationReason; readonly retryAfter?: number };

/**
 * The Subscription-State value of a NOTIFY (RFC 6665 §8.2.3, §4.2.2):
 * - active/pending: "the notifier MUST also include ... an "expires"
 *   parameter that indicates the time remaining on the subscription";
 * - terminated: "SHOULD also include a "reason" parameter", no expires
 *   (§4.1.3: "notifiers SHOULD NOT include an "expires" parameter"), and a
 *   retry-after only where it has meaning (probation, giveup, invariant).
 * - RFC 6446 §5.2: the max-rate in force is reflected back.
 */
export function formatSubscriptionStateHeader(h: SubscriptionStateHeader): string {
  if (h.state !== 'terminated') {
    let v = `${h.state};expires=${Math.max(0, Math.floor(h.expires))}`;
    if (h.maxRateIntervalMs !== undefined && h.maxRateIntervalMs > 0) v += `;max-rate=${formatMaxRate(h.maxRateIntervalMs)}`;
    return v;
  }
  let v = `terminated;reason=${h.reason}`;
  const retryAfter = h.reason === 'invariant' ? (h.retryAfter ?? INVARIANT_RETRY_AFTER) : h.retryAfter;
  // §4.1.3: retry-after "has no semantics" for deactivated, rejected, timeout and noresource.
  if (retryAfter !== undefined && (h.reason === 'probation' || h.reason === 'giveup' || h.reason === 'invariant')) v += `;retry-after=${retryAfter}`;
  return v;
}
