/**
 * Redis keys and NATS subjects of the presence service (the RFC 3903 event
 * state compositor). Everything about one presentity's publications shares
 * the hash tag `{pres:<aor>}`, so that one Lua script changes them together
 * in one Redis Cluster slot.
 */
import { tokenize } from './subjects.js';

/** Hash tags may not contain braces: a `{` or `}` in a value would cut the tag short. */
function tagSafe(s: string): string {
  return s.replace(/[{}%]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export const presenceKeys = {
  /** Hash: the publications of one presentity, field = entity-tag, value = JSON { body, publishedAt, expiresAt }. */
  publications: (aor: string): string => `simple:pres:{pres:${tagSafe(aor)}}`,
  /** Sorted set: every presentity with publications, scored by its next expiry (ms since the epoch), for the sweeper. */
  publicationExpiry: (): string => 'simple:pres-expiry',
  /** The sweeper's lease name (for `redisKeys.lease`). */
  sweeperLease: 'presence-publication-sweeper',
} as const;

export const presenceSubjects = {
  /** Event: a presentity's published state changed (publish, modify, refresh, remove, expiry). JSON `{ aor, change, at }`. */
  presenceChanged: (domain: string): string => `simple.v1.events.presence.${tokenize(domain)}`,
  /** Wildcard for every presence event. */
  presenceChangedAll: (): string => 'simple.v1.events.presence.>',
} as const;
