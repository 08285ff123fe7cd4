import type { NotifyOutcome } from './notify-transport.js';

/** What a NOTIFY's outcome means for its subscription. */
export type NotifyVerdict =
  | 'delivered'
  /** The subscription is over: remove it, with no further NOTIFY (RFC 6665 Appendix B.27). */
  | 'terminate'
  /**
   * It stays (unless its package says `endOnFailedNotify`); the NOTIFY failed. The change
   * counts as handled: the next change sends the state as it is then (for packages whose
   * bodies depend on what the watcher has seen, the changes since its last 2xx).
   */
  | 'failed'
  /** The request did not leave: owe it again later. */
  | 'retry';

/**
 * RFC 6665 §4.2.2: "If the NOTIFY transaction fails due to the receipt of a
 * 404, 405, 410, 416, 480-485, 489, 501, or 604 response to the NOTIFY
 * request, the notifier MUST remove the corresponding subscription."
 */
const TERMINATING = new Set([404, 405, 410, 416, 480, 481, 482, 483, 484, 485, 489, 501, 604]);

/**
 * Reads a NOTIFY outcome (RFC 6665 §4.2.2, RFC 5626 §11.5, RFC 3261 §8.1.3.1):
 * - 2xx: delivered (a 202 is a 200, §8.3.1).
 * - The responses of the list above: terminate.
 * - 408, and a transport timeout: "If the NOTIFY request fails due to
 *   expiration of SIP Timer F (transaction timeout), the notifier SHOULD
 *   remove the subscription" (§4.2.2); a 408 to a NOTIFY is the edge's Timer F.
 * - 430 Flow Failed, and no edge to take the request: the flow the
 *   subscription is bound to is gone (RFC 5626 §11.5); the subscriber has to
 *   subscribe again over a new one.
 * - 503 without Retry-After: a transport failure, which RFC 3261 §8.1.3.1
 *   reports as a local 503 (RFC 3265 §3.2.2 also counts a failure response
 *   without Retry-After as a failed NOTIFY). A 503 with Retry-After is
 *   overload, transient: the subscription stays.
 * - Anything else (other 3xx-6xx, an edge error): the subscription stays.
 *   RFC 6665 narrowed RFC 3265's "any failure response" (Appendix B.15:
 *   "5xx to NOTIFY terminates a subscription, but should not").
 * - Our own overload: the NOTIFY never left; retry.
 */
export function notifyVerdict(outcome: NotifyOutcome): NotifyVerdict {
  switch (outcome.kind) {
    case 'no-edge':
    case 'timeout':
      return 'terminate';
    case 'overloaded':
      return 'retry';
    case 'error':
      return 'failed';
    case 'response': {
      const { status } = outcome.response;
      if (status >= 200 && status < 300) return 'delivered';
      if (TERMINATING.has(status) || status === 408 || status === 430) return 'terminate';
      if (status === 503 && !outcome.response.headers.has('retry-after')) return 'terminate';
      return 'failed';
    }
  }
}
