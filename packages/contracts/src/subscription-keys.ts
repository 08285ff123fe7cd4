/**
 * Redis keys of the RFC 6665 notifier framework (`@simple/sip-events`).
 * Everything about one subscription shares the hash tag `{sub:<id>}` (one
 * Cluster slot, so one Lua script may change the record and its sender
 * lock together); the index of a resource's subscriptions has its own tag
 * `{res:<package>:<resource>}`. The sorted sets are one key each per event
 * package, so a service sweeps only the packages it serves.
 */

/** Hash tags may not contain braces: a `{` or `}` in a value would cut the tag short. */
function tagSafe(s: string): string {
  return s.replace(/[{}%]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export const subscriptionKeys = {
  /**
   * Hash: one subscription (dialog state, expiry, state, counters). `id` is
   * the dialog id the framework derives (hex), so it needs no escaping.
   */
  subscription: (id: string): string => `simple:sub:{sub:${tagSafe(id)}}`,
  /** String with TTL: the lease of the replica sending this subscription's NOTIFY (same slot as the hash). */
  subscriptionSender: (id: string): string => `simple:sub-sender:{sub:${tagSafe(id)}}`,
  /** Set: the ids of the subscriptions of one event package to one resource. */
  resourceSubscriptions: (eventPackage: string, resource: string): string =>
    `simple:sub-res:{res:${tagSafe(eventPackage)}:${tagSafe(resource)}}`,
  /** Sorted set: subscription ids of one package scored by expiry (ms since the epoch), for the sweeper. */
  subscriptionExpiry: (eventPackage: string): string => `simple:sub-expiry:${tagSafe(eventPackage)}`,
  /**
   * Sorted set: subscription ids of one package with a NOTIFY owed later,
   * scored by when (rate control, a sender that may have died, a local overload).
   */
  subscriptionDeferred: (eventPackage: string): string => `simple:sub-deferred:${tagSafe(eventPackage)}`,
} as const;
