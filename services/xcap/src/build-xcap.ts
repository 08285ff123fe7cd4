import type { RedisClient } from '@simple/platform';
import { CachedUserDirectory, type UserStore } from '@simple/users';
import type { FastifyInstance } from 'fastify';
import { buildXcapApp } from './app.js';
import type { XcapConfig } from './config.js';
import { DigestAuthenticator } from './digest-authenticator.js';
import { DocumentStore, type ChangePublisher } from './document-store.js';
import { PidfManipulationUsage } from './usages/pidf-manipulation-usage.js';
import { PresRulesUsage } from './usages/pres-rules-usage.js';
import { ResourceListsUsage } from './usages/resource-lists-usage.js';
import { RlsServicesUsage } from './usages/rls-services-usage.js';
import { UsageRegistry } from './usages/usage-registry.js';
import { XcapCapsUsage } from './usages/xcap-caps-usage.js';
import { XcapService } from './xcap-service.js';

export interface XcapDeps {
  readonly redis: RedisClient;
  readonly users: UserStore;
  readonly publisher: ChangePublisher;
  readonly now?: () => number;
  readonly onResponse?: (method: string, status: number) => void;
}

/** The registry of every application usage this server offers. */
export function defaultUsages(redis: RedisClient, users: UserStore): UsageRegistry {
  const registry = new UsageRegistry();
  registry
    .register(new ResourceListsUsage())
    .register(new RlsServicesUsage(redis, async (aor) => (await users.getUser(aor)) !== undefined))
    .register(new PresRulesUsage())
    .register(new PidfManipulationUsage())
    .register(new XcapCapsUsage(() => registry.all()));
  return registry;
}

/** What the HTTP app and the gRPC read API share: one store, one registry of usages. */
export interface XcapCore {
  readonly store: DocumentStore;
  readonly usages: UsageRegistry;
}

export function buildXcapCore(deps: Pick<XcapDeps, 'redis' | 'users' | 'publisher' | 'now'>): XcapCore {
  return { store: new DocumentStore(deps.redis, deps.publisher, deps.now), usages: defaultUsages(deps.redis, deps.users) };
}

/** Wires the store, the usages, authentication and the HTTP app (not listening). */
export function buildXcap(
  config: Pick<XcapConfig, 'SIMPLE_XCAP_ROOT' | 'SIMPLE_XCAP_MAX_BYTES'> &
    Partial<Pick<XcapConfig, 'SIMPLE_XCAP_PARSED_CACHE_ENTRIES' | 'SIMPLE_XCAP_PARSED_CACHE_BYTES' | 'SIMPLE_XCAP_AUTH_CACHE_MS'>>,
  deps: XcapDeps,
  core: XcapCore = buildXcapCore(deps),
): FastifyInstance {
  const { store, usages } = core;
  const service = new XcapService({
    store,
    usages,
    maxBytes: config.SIMPLE_XCAP_MAX_BYTES,
    parsedCacheEntries: config.SIMPLE_XCAP_PARSED_CACHE_ENTRIES ?? 1000,
    ...(config.SIMPLE_XCAP_PARSED_CACHE_BYTES === undefined ? {} : { parsedCacheChars: config.SIMPLE_XCAP_PARSED_CACHE_BYTES }),
  });
  // Without a setting (tests), every digest check reads the user store.
  const directory = new CachedUserDirectory(deps.users, config.SIMPLE_XCAP_AUTH_CACHE_MS ?? 0);
  return buildXcapApp(config, {
    service,
    usages,
    users: directory,
    authenticator: new DigestAuthenticator(directory, deps.now),
    ...(deps.onResponse === undefined ? {} : { onResponse: deps.onResponse }),
  });
}
