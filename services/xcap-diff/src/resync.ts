import { subscriptionKeys } from '@simple/contracts';
import type { RedisClient } from '@simple/platform';
import type { Notifier } from '@simple/sip-events';
import { EVENT } from './xcap-diff-package.js';

const BATCH = 500;

/**
 * Makes every xcap-diff subscription look at its list again. Change events travel on core
 * NATS, at most once: one lost while this service was disconnected, or taken by a replica
 * that died before it acted, would leave its watchers behind until the next change in the
 * same tree. A resync finds that: each subscription compares what its watcher was told with
 * what the XCAP server has, and only a difference makes a NOTIFY (RFC 5875 §4.7 as usual).
 * Returns the number of watchers (resources) looked at.
 */
export async function resyncAll(redis: RedisClient, notifier: Notifier, onError: (err: unknown) => void): Promise<number> {
  const expiry = subscriptionKeys.subscriptionExpiry(EVENT);
  const resources = new Set<string>();
  for (let start = 0; ; start += BATCH) {
    const ids = await redis.zrange(expiry, start, start + BATCH - 1);
    if (ids.length === 0) break;
    const p = redis.pipeline();
    for (const id of ids) p.hget(subscriptionKeys.subscription(id), 'resource');
    for (const [err, resource] of (await p.exec()) ?? []) if (err === null && typeof resource === 'string' && resource !== '') resources.add(resource);
    if (ids.length < BATCH) break;
  }
  for (const r of resources) await notifier.notifyResource(EVENT, r).catch(onError);
  return resources.size;
}
