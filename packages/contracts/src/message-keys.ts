/**
 * Redis keys of the message router (store-and-forward of RFC 3428 §7,
 * "a message relay, storing the message and forwarding it later on"). Every
 * key of one recipient carries the hash tag `{msg:<aor>}`, so that the
 * stream and its delivery lock share a Redis Cluster slot.
 */
export const messageKeys = {
  /** Stream: the messages stored for one offline AOR, oldest first; each entry holds the MESSAGE bytes. */
  pending: (aor: string): string => `simple:msg:{msg:${aor}}`,
  /** String with TTL: held by the replica delivering an AOR's stored messages, so that they leave in order once. */
  deliveryLock: (aor: string): string => `simple:msg-lock:{msg:${aor}}`,
} as const;
