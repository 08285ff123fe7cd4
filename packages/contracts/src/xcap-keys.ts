/**
 * Redis keys and NATS subjects of the XCAP server (RFC 4825). A document and
 * the directory index of its tree (one user's `users/<xui>` or `global`) share
 * the hash tag `{xcap:<tree>}`, so that one Lua script writes both, with the
 * document's ETag, in one Redis Cluster slot.
 */
import { tokenize } from './subjects.js';

/** Hash tags may not contain braces: a `{` or `}` in a value would cut the tag short. */
function tagSafe(s: string): string {
  return s.replace(/[{}%]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `users/<xui>` or `global` (RFC 4825 §6.2). */
function tree(xui: string | undefined): string {
  return xui === undefined ? 'global' : `users/${tagSafe(xui)}`;
}

export const xcapKeys = {
  /** Hash `{ etag, body }`: one XCAP document (`xui` undefined for the global tree). */
  document: (auid: string, xui: string | undefined, path: string): string => `simple:xcap:{xcap:${tree(xui)}}:${tagSafe(auid)}/${tagSafe(path)}`,
  /** Hash: the documents of one tree, field = `<auid>/<path>`, value = ETag (the directory listing). */
  directory: (xui: string | undefined): string => `simple:xcap-dir:{xcap:${tree(xui)}}`,
  /**
   * Stream: the recent versions of one document, oldest first, for the xcap-diff notifier's
   * patches (RFC 5875 §4.7). Each entry is one replacement: `prev` (the ETag replaced), `etag`
   * (the new one) and `body` (the replaced version's body). Reset when the document is created
   * or deleted; at most `xcapHistory.maxVersions` entries, dropped `xcapHistory.ttlMs` after the
   * last write.
   */
  history: (auid: string, xui: string | undefined, path: string): string => `simple:xcap-hist:{xcap:${tree(xui)}}:${tagSafe(auid)}/${tagSafe(path)}`,
  /**
   * Hash: what one xcap-diff subscription's watcher has been told (RFC 5875 §4.7), beside
   * the subscription (same hash tag): `d:<sel>` → document ETag, `c:<sel>` →
   * `<document ETag> <hash of the component>`. Written when a NOTIFY is answered 2xx.
   */
  diffView: (subscriptionId: string): string => `simple:xcap-diff-view:{sub:${tagSafe(subscriptionId)}}`,
  /** Set: the service URIs an rls-services document holds, as the indexes last recorded them (RFC 4826 §4.4.8). */
  rlsOwnedServices: (xui: string | undefined, path: string): string => `simple:xcap-rls-owned:{xcap:${tree(xui)}}:${tagSafe(path)}`,
  /**
   * Hash: the <service> elements of every user's `rls-services` `index` document, by service URI,
   * each serialized with the namespace declarations it needs: what the generated global document
   * `rls-services/global/index` is made of (RFC 4826 §4.4.8).
   */
  rlsGlobalServices: (): string => 'simple:xcap-rls-global',
  /** Hash: the RLS service URIs of a domain (RFC 4826 §4.4.4 uniqueness), field = URI, value = owner `<xui>/<path>`. */
  rlsServiceUris: (domain: string): string => `simple:xcap-rls-uris:${tagSafe(domain.toLowerCase())}`,
} as const;

/** How much version history the XCAP server keeps per document (`xcapKeys.history`). */
export const xcapHistory = {
  maxVersions: 16,
  ttlMs: 15 * 60_000,
  /** A replaced body longer than this (bytes) is not kept: the history restarts (watchers get ETags only for that step). */
  maxBodyBytes: 256 << 10,
} as const;

export const xcapSubjects = {
  /** Event: an XCAP document was created, changed or deleted. JSON `XcapChangeEvent` (xcap-change-event.ts). */
  documentChanged: (auid: string): string => `simple.v1.events.xcap.${tokenize(auid)}`,
  /** Wildcard for every XCAP change event. */
  documentChangedAll: (): string => 'simple.v1.events.xcap.>',
} as const;
