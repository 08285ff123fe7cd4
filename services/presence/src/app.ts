import { systemClock, type Clock } from '@simple/clock';
import { presenceSubjects } from '@simple/contracts';
import { SipServiceEndpoint, type Logger, type Metrics, type NatsConnection, type RedisClient } from '@simple/platform';
import { countingTransport, NatsNotifyTransport, Notifier, type NotifyTransport } from '@simple/sip-events';
import type { PresenceConfig } from './config.js';
import { EVENT, PresenceCompositor } from './presence-compositor.js';
import { presencePackage } from './presence-package.js';
import { PublicationSweeper } from './publication-sweeper.js';

export const SERVICE = 'presence';

export interface PresenceDeps {
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly nc: NatsConnection;
  readonly redis: RedisClient;
  readonly clock?: Clock;
  /** Default: NOTIFYs through the edges over NATS. */
  readonly transport?: NotifyTransport;
  /** The service name whose subject and queue group are served (default `presence`; tests use their own). */
  readonly serviceName?: string;
}

export interface PresenceService {
  readonly compositor: PresenceCompositor;
  readonly notifier: Notifier;
  readonly sweeper: PublicationSweeper;
  /** Subscribes to the service subject and starts the sweeps. */
  start(): void;
  /** Stops taking requests, finishes those in flight and the NOTIFYs under way, gives the leases up. */
  stop(): Promise<void>;
  /** A presentity's state changed: NOTIFY its watchers and announce it on NATS. */
  stateChanged(aor: string, change: string): Promise<void>;
}

/**
 * Builds the presence service from its configuration and connected backends
 * (main.ts connects them; tests build it against the real NATS and Redis).
 */
export function buildPresence(config: PresenceConfig, deps: PresenceDeps): PresenceService {
  const clock = deps.clock ?? systemClock;
  const { log, metrics, nc, redis } = deps;
  const requests = metrics.counter('sip_requests_total', 'SIP requests taken from the edge, by method', ['method']);
  const publications = metrics.counter('publications_total', 'PUBLISH requests by result (initial, refresh, modify, remove, rejected)', ['result']);
  const subscribes = metrics.counter('subscribes_total', 'SUBSCRIBE requests by outcome (created, refreshed, unsubscribed, fetched, rejected)', ['outcome']);
  const notifies = metrics.counter('notifies_sent_total', 'NOTIFYs sent through the edge, by outcome (2xx, 4xx..., timeout, no-edge, overloaded, error)', ['outcome']);
  const expired = metrics.counter('publications_expired_total', 'Presentities that lost a publication to expiry');
  const errors = metrics.counter('errors_total', 'Failures with no SIP answer (NOTIFY fan-out, package hooks, sweeps)');

  const natsTransport = deps.transport ?? new NatsNotifyTransport(nc, { timeoutMs: config.notifyTimeoutMs, clock });
  const transport = countingTransport(natsTransport, (outcome) => notifies.inc({ outcome }));
  const compositor = new PresenceCompositor({ redis, clock, expires: config.publication, maxBodyBytes: config.maxBodyBytes });
  const onError = (err: unknown): void => {
    errors.inc();
    log.warn({ err }, 'presence: background failure');
  };
  const notifier = new Notifier({
    redis,
    transport,
    clock,
    packages: [presencePackage({ store: compositor.store, clock, policy: config.authPolicy, expires: config.subscription })],
    // RFC 6446: off unless configured.
    rateControl: { minIntervalMs: config.minNotifyIntervalMs, honorMaxRate: config.honorMaxRate },
    senderLeaseMs: Math.max(40_000, config.notifyTimeoutMs + 2_000),
    onError,
  });

  const stateChanged = async (aor: string, change: string): Promise<void> => {
    const domain = aor.slice(aor.lastIndexOf('@') + 1);
    try {
      nc.publish(presenceSubjects.presenceChanged(domain), JSON.stringify({ aor, change, at: clock.now() }));
    } catch (err) {
      onError(err);
    }
    await notifier.notifyResource(EVENT, aor).catch(onError);
  };

  const sweeper = new PublicationSweeper({
    redis,
    store: compositor.store,
    clock,
    intervalMs: config.sweepIntervalMs,
    onLapsed: (aor) => {
      expired.inc();
      void stateChanged(aor, 'expired');
    },
  });

  const endpoint = new SipServiceEndpoint({
    nc,
    service: deps.serviceName ?? SERVICE,
    onRequest: (req) => requests.inc({ method: req.method }),
    onError,
    methods: {
      PUBLISH: async (req, inbound, respond) => {
        const out = await compositor.handlePublish(req, inbound);
        respond(out.response);
        publications.inc({ result: out.result });
        if (out.changed !== undefined) await stateChanged(out.changed, out.result);
      },
      SUBSCRIBE: async (req, inbound, respond) => {
        const out = await notifier.handleSubscribe(req, inbound, respond);
        subscribes.inc({ outcome: out.kind });
      },
    },
  });

  return {
    compositor,
    notifier,
    sweeper,
    stateChanged,
    start() {
      if (natsTransport instanceof NatsNotifyTransport) natsTransport.start();
      notifier.start();
      sweeper.start();
      endpoint.start();
    },
    async stop() {
      await endpoint.stop();
      await sweeper.stop();
      await notifier.stop();
      if (natsTransport instanceof NatsNotifyTransport) await natsTransport.stop();
    },
  };
}
