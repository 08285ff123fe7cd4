import type { Clock } from '@simple/clock';
import { closedPresence, composePresence, parsePidf, serializePidf, type PresencePublication } from '@simple/pidf';
import type { Authorization, AuthorizationRequest, EventPackage } from '@simple/sip-events';
import type { AuthPolicy, ExpiryBoundsConfig } from './config.js';
import { EVENT, PIDF } from './presence-compositor.js';
import type { PublicationStore } from './publication-store.js';

export interface PresencePackageOptions {
  readonly store: PublicationStore;
  readonly clock: Clock;
  readonly policy: AuthPolicy;
  readonly expires: ExpiryBoundsConfig;
}

/** The domain of `user@host` (lower-case), or the whole string. */
function domainOf(aor: string): string {
  const at = aor.lastIndexOf('@');
  return (at < 0 ? aor : aor.slice(at + 1)).toLowerCase();
}

/**
 * RFC 3856 §6.6 authorization until pres-rules (RFC 5025) exist: the
 * presentity may always watch itself; then by policy
 * - `allow-all`: everyone is active;
 * - `same-domain`: watchers of the presentity's domain are active, others
 *   are politely blocked (RFC 3856 §6.6.2: a 200 and NOTIFYs that carry only
 *   `closedPresence`, so a blocked watcher cannot tell it is blocked and
 *   learns nothing of the presentity);
 * - `deny-foreign`: watchers of other domains are rejected (403).
 */
export function authorizeWatcher(policy: AuthPolicy, req: Pick<AuthorizationRequest, 'resource' | 'watcher'>): Authorization {
  if (policy === 'allow-all') return 'active';
  if (req.watcher.toLowerCase() === req.resource.toLowerCase()) return 'active';
  if (domainOf(req.watcher) === domainOf(req.resource)) return 'active';
  return policy === 'same-domain' ? 'polite-block' : 'rejected';
}

/** The presentity's URI as PIDF's `entity` (RFC 3863 §4.1.1). */
export function entityOf(resource: string): string {
  return `sip:${resource}`;
}

/** The presentity's composed document: its live publications (RFC 3903 §6), or closed when none (RFC 3856 §6.6.2). */
export async function composedPresence(store: PublicationStore, resource: string, now: number): Promise<string> {
  const pubs: PresencePublication[] = [];
  for (const p of await store.live(resource, now)) {
    const doc = parsePidf(p.body);
    if (doc.ok) pubs.push({ etag: p.etag, document: doc.value, publishedAt: p.publishedAt });
  }
  return serializePidf(pubs.length === 0 ? closedPresence(entityOf(resource)) : composePresence(entityOf(resource), pubs, { now }));
}

/** The presence event package (RFC 3856) as a plugin of the RFC 6665 notifier framework. */
export function presencePackage(o: PresencePackageOptions): EventPackage {
  return {
    name: EVENT,
    // RFC 3856 §6.7: application/pidf+xml is the default (and only) body.
    contentTypes: [PIDF],
    minExpires: o.expires.min,
    maxExpires: o.expires.max,
    defaultExpires: o.expires.default,
    authorize: (req) => Promise.resolve(authorizeWatcher(o.policy, req)),
    async compose(resource, watcher) {
      const body =
        watcher.authorization === 'polite-block' ? serializePidf(closedPresence(entityOf(resource))) : await composedPresence(o.store, resource, o.clock.now());
      return { contentType: watcher.contentType, body: Buffer.from(body, 'utf8') };
    },
    // One composition per class of watchers on a change (the body carries no per-subscription version).
    watcherClass: (sub) => `${sub.contentType}|${sub.authorization}`,
  };
}
