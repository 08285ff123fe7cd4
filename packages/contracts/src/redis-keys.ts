/**
 * Every Redis key of the platform, built here and nowhere else. Keys that
 * must change together carry the same hash tag (`{...}`), so that they share
 * a Redis Cluster slot and one MULTI or Lua script can touch them all
 * (DESIGN.md, "State").
 */

/** An address of record as keys use it: `user@domain`, lower-case domain. */
export type AorKey = string;

export const redisKeys = {
  /** Hash: a domain's settings (realm). */
  domain: (domain: string): string => `simple:domain:{${domain.toLowerCase()}}`,
  /** Set: every provisioned domain. */
  domains: (): string => 'simple:domains',
  /** Hash: a user's credentials (HA1 per algorithm) and settings. */
  user: (aor: AorKey): string => `simple:user:{${aor}}`,
  /** Set: the users of one domain. */
  domainUsers: (domain: string): string => `simple:domain-users:{${domain.toLowerCase()}}`,
  /** Hash: the registrar's bindings of one address of record, field = binding key. */
  bindings: (aor: AorKey): string => `simple:loc:{${aor}}`,
  /** Sorted set: every AOR with bindings, scored by its next expiry (ms), for the sweeper. */
  bindingExpiry: (): string => 'simple:loc-expiry',
  /** String with TTL: the highest nonce-count seen for one digest nonce (replay protection, RFC 7616 §3.4.5). */
  nonceCount: (nonce: string): string => `simple:nc:{${nonce}}`,
  /** String with TTL: a lease held by the replica that sweeps expiries. */
  lease: (name: string): string => `simple:lease:${name}`,
} as const;
