import { headers as natsHeaders, type Msg, type Subscription as NatsSubscription } from '@nats-io/transport-node';
import { systemClock, type Clock } from '@simple/clock';
import { ENVELOPE_HEADERS, presenceSubjects, readInbound, subjects } from '@simple/contracts';
import type { Logger, Metrics, NatsConnection, RedisClient } from '@simple/platform';
import { NatsNotifyTransport, Notifier, type NotifyTransport } from '@simple/sip-events';
import { createErrorResponse, createResponse, parseMessage, serializeMessage, type SipRequest } from '@simple/sip-message';
import type { PresenceConfig } from './config.js';
import { EVENT, PresenceCompositor } from './presence-compositor.js';
import { presencePackage } from './presence-package.js';
import { PublicationSweeper } from './publication-sweeper.js';

export const SERVICE = 'presence';
/** The methods this service takes (the edge routes `Event: presence` SUBSCRIBE, PUBLISH and NOTIFY here). */
export const ALLOW = 'PUBLISH, SUBSCRIBE';

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
  // Counts every NOTIFY by outcome on its way through.
  const transport: NotifyTransport = {
    timeoutMs: natsTransport.timeoutMs,
    async send(request, flow) {
      const out = await natsTransport.send(request, flow);
      notifies.inc({ outcome: out.kind === 'response' ? `${Math.floor(out.response.status / 100)}xx` : out.kind });
      return out;
    },
  };
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

  const inflight = new Set<Promise<void>>();
  const track = (p: Promise<void>): void => {
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
  };
  let sub: NatsSubscription | undefined;

  const handle = async (msg: Msg): Promise<void> => {
    const parsed = parseMessage(Buffer.from(msg.data.buffer, msg.data.byteOffset, msg.data.byteLength));
    if (!parsed.ok) {
      const res = createErrorResponse(parsed.error);
      if (res !== undefined) msg.respond(serializeMessage(res));
      else replyError(msg, parsed.error.reason);
      return;
    }
    if (parsed.value.kind !== 'request') {
      replyError(msg, 'not a request');
      return;
    }
    const req: SipRequest = parsed.value;
    requests.inc({ method: req.method });
    const inbound = msg.headers === undefined ? undefined : readInbound(msg.headers);
    switch (req.method) {
      case 'PUBLISH': {
        const out = await compositor.handlePublish(req, inbound);
        msg.respond(serializeMessage(out.response));
        publications.inc({ result: out.result });
        if (out.changed !== undefined) await stateChanged(out.changed, out.result);
        return;
      }
      case 'SUBSCRIBE': {
        if (inbound === undefined) {
          msg.respond(serializeMessage(createResponse(req, 400, { reason: 'Bad Request (no envelope)' })));
          return;
        }
        const out = await notifier.handleSubscribe(req, inbound, (res) => {
          msg.respond(serializeMessage(res));
        });
        subscribes.inc({ outcome: out.kind });
        return;
      }
      case 'ACK':
        return;
      default:
        // RFC 3261 §8.2.1: a method this element knows but does not take here.
        msg.respond(serializeMessage(createResponse(req, 405, { headers: [['Allow', ALLOW]] })));
    }
  };

  return {
    compositor,
    notifier,
    sweeper,
    stateChanged,
    start() {
      if (natsTransport instanceof NatsNotifyTransport) natsTransport.start();
      notifier.start();
      sweeper.start();
      const name = deps.serviceName ?? SERVICE;
      sub = nc.subscribe(subjects.sipToService(name), {
        queue: subjects.serviceQueue(name),
        callback: (err, msg) => {
          if (err !== null) return;
          track(
            handle(msg).catch((e: unknown) => {
              onError(e);
              replyError(msg, e instanceof Error ? e.message : String(e));
            }),
          );
        },
      });
    },
    async stop() {
      if (sub !== undefined) {
        sub.unsubscribe();
        sub = undefined;
      }
      await Promise.allSettled([...inflight]);
      await sweeper.stop();
      await notifier.stop();
      if (natsTransport instanceof NatsNotifyTransport) await natsTransport.stop();
    },
  };
}

/** A reply that carries no SIP response (the edge answers 500 for it). */
function replyError(msg: Msg, detail: string): void {
  const h = natsHeaders();
  h.set(ENVELOPE_HEADERS.error, detail.replace(/[\r\n]/g, ' ').slice(0, 200));
  try {
    msg.respond(new Uint8Array(0), { headers: h });
  } catch {
    // no reply subject: nothing to tell
  }
}
