import type { Logger, Metrics, NatsConnection, RedisClient } from '@simple/platform';
import { SipStack, type SipStackStats } from '@simple/sip-stack';
import { CachedUserDirectory, UserStore } from '@simple/users';
import { DigestAuthenticator } from './auth/index.js';
import type { EdgeConfig } from './config.js';
import { EdgeCore } from './edge-core.js';
import { edgeListeners } from './listeners.js';
import { prometheusTransportMetrics } from './transport-metrics.js';
import { LocalDomains } from './local-domains.js';
import { BindingSweeper, Registrar } from './registrar/index.js';
import { subjects } from '@simple/contracts';
import { EdgeDelivery } from './routing/edge-delivery.js';
import { ALLOW } from './routing/service-route.js';
import { ServiceRequester } from './routing/service-requester.js';

export interface EdgeDeps {
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly nc: NatsConnection;
  readonly redis: RedisClient;
}

export interface Edge {
  readonly stack: SipStack;
  readonly registrar: Registrar;
  readonly users: UserStore;
  start(): Promise<void>;
  /** Stops taking SIP, then ends deliveries and in-flight service requests. */
  stop(): Promise<void>;
}

/**
 * Builds the edge from its configuration and connected backends, without
 * listening (main.ts listens; tests build it on ephemeral ports).
 */
export function buildEdge(config: EdgeConfig, deps: EdgeDeps): Edge {
  const users = new UserStore(deps.redis);
  const registrar = new Registrar({
    redis: deps.redis,
    minExpires: config.registrar.minExpires,
    maxExpires: config.registrar.maxExpires,
    defaultExpires: config.registrar.defaultExpires,
    flowTimer: config.registrar.flowTimer,
    isLocalDomain: (d: string) => users.isLocalDomain(d),
  });
  const auth = new DigestAuthenticator({ users: new CachedUserDirectory(users, config.authCacheMs), redis: deps.redis, secret: config.authSecret, nonceTtlSeconds: config.nonceTtlSeconds, algorithms: config.authAlgorithms });
  const requester = new ServiceRequester(deps.nc, { timeoutMs: config.serviceTimeoutMs, maxInflightPerService: config.serviceMaxInflight });
  const ownHosts = new Set<string>([config.listen, config.advertisedHost ?? config.listen].map((h) => h.toLowerCase()));
  const core = new EdgeCore({
    edgeId: config.edgeId,
    log: deps.log,
    metrics: deps.metrics,
    nc: deps.nc,
    registrar,
    auth,
    domains: new LocalDomains(users, ownHosts),
    requester,
    trustedPeers: config.trustedPeers,
    rateLimitPerSource: config.rateLimitPerSource,
    retryAfterSeconds: config.retryAfterSeconds,
  });
  const stack = new SipStack(
    {
      listeners: edgeListeners(config),
      uas: {
        allowedMethods: ALLOW.split(', '),
        supportedExtensions: ['path', 'outbound', 'eventlist', 'recipient-list-message', 'recipient-list-subscribe'],
      },
      overloadRetryAfter: config.retryAfterSeconds,
      timers: { T1: config.t1Ms },
      transport: { metrics: prometheusTransportMetrics(deps.metrics) },
    },
    core,
  );
  exportStackStats(deps.metrics, stack);
  const delivery = new EdgeDelivery(config.edgeId, deps.nc, stack, deps.log, config.serviceMaxInflight, config.retryAfterSeconds);
  const sweeper = new BindingSweeper({
    redis: deps.redis,
    store: registrar.store,
    onLapsed: (aor) => {
      const domain = aor.slice(aor.lastIndexOf('@') + 1);
      deps.nc.publish(subjects.registrationChanged(domain), JSON.stringify({ aor, edgeId: config.edgeId, at: Date.now(), lapsed: true }));
    },
  });

  return {
    stack,
    registrar,
    users,
    async start() {
      requester.start();
      delivery.start();
      await stack.start();
      sweeper.start();
    },
    async stop() {
      await sweeper.stop();
      await stack.stop();
      await delivery.stop();
      await requester.stop();
    },
  };
}

/** The stack's own counters as Prometheus counters, read at scrape time. */
function exportStackStats(metrics: Metrics, stack: SipStack): void {
  const stats: SipStackStats = stack.stats;
  metrics.gauge('stack_events', 'SIP stack counters (requests received, retransmissions absorbed, rejections...)', ['event'], function collect() {
    for (const [k, v] of Object.entries(stats)) this.set({ event: k }, v);
  });
  metrics.gauge('transactions', 'Live SIP transactions', ['kind'], function collect() {
    const c = stack.transactionCounts();
    this.set({ kind: 'server' }, c.server);
    this.set({ kind: 'client' }, c.client);
  });
}
