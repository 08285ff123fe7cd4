import type { Subscription as NatsSubscription } from '@nats-io/transport-node';
import { systemClock, type Clock } from '@simple/clock';
import { parseXcapChangeEvent, xcapSubjects } from '@simple/contracts';
import { redisKeys } from '@simple/contracts';
import { LeasedSweeper, SipServiceEndpoint, type Logger, type Metrics, type NatsConnection, type RedisClient } from '@simple/platform';
import { countingTransport, NatsNotifyTransport, Notifier, type NotifyTransport } from '@simple/sip-events';
import { parseAor } from '@simple/users';
import type { XcapDocumentReader } from '@simple/xcap-grpc';
import type { XcapDiffConfig } from './config.js';
import { DiffViewStore } from './diff-view-store.js';
import { EVENT, xcapDiffPackage } from './xcap-diff-package.js';
import { resyncAll } from './resync.js';
import { XcapDocuments } from './xcap-documents.js';

export const SERVICE = 'xcap-diff';
/** The queue group of the change-event consumers: one replica handles each change. */
const CHANGES_QUEUE = 'simple.v1.xcap-diff.changes';

export interface XcapDiffDeps {
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly nc: NatsConnection;
  readonly redis: RedisClient;
  /** The XCAP server's gRPC read API. */
  readonly xcap: XcapDocumentReader;
  readonly clock?: Clock;
  /** Default: NOTIFYs through the edges over NATS. */
  readonly transport?: NotifyTransport;
}

export interface XcapDiffService {
  readonly notifier: Notifier;
  /** Takes SUBSCRIBEs from the edges and XCAP change events, starts the sweeps. */
  start(): void;
  stop(): Promise<void>;
}

/**
 * The xcap-diff notifier (RFC 5875): SUBSCRIBEs routed here by the edge (`Event: xcap-diff`),
 * and the XCAP server's change events on NATS, each of which makes the owner's subscriptions
 * look at their lists again.
 */
export function buildXcapDiff(config: XcapDiffConfig, deps: XcapDiffDeps): XcapDiffService {
  const clock = deps.clock ?? systemClock;
  const { log, metrics, nc, redis } = deps;
  const subscribes = metrics.counter('subscribes_total', 'SUBSCRIBE requests by outcome (created, refreshed, unsubscribed, fetched, rejected)', ['outcome']);
  const notifies = metrics.counter('notifies_sent_total', 'NOTIFYs sent through the edge, by outcome (2xx, 4xx..., timeout, no-edge, overloaded, error)', ['outcome']);
  const changes = metrics.counter('xcap_changes_total', 'XCAP change events taken, by whether they were readable');
  const resyncs = metrics.counter('resyncs_total', 'Times every subscription was made to look at its list again (start, NATS reconnection, interval)', ['cause']);
  const errors = metrics.counter('errors_total', 'Failures with no SIP answer (NOTIFYs, package hooks, sweeps)');
  const onError = (err: unknown): void => {
    errors.inc();
    log.warn({ err }, 'xcap-diff: background failure');
  };

  const natsTransport = deps.transport ?? new NatsNotifyTransport(nc, { timeoutMs: config.SIMPLE_XCAP_DIFF_NOTIFY_TIMEOUT_MS, clock });
  const transport = countingTransport(natsTransport, (outcome) => notifies.inc({ outcome }));
  const recordGraceMs = 600_000;
  const notifier = new Notifier({
    redis,
    transport,
    clock,
    packages: [
      xcapDiffPackage({
        documents: new XcapDocuments(deps.xcap),
        views: new DiffViewStore(redis),
        xcapRoot: config.SIMPLE_XCAP_DIFF_XCAP_ROOT,
        maxEntries: config.SIMPLE_XCAP_DIFF_MAX_ENTRIES,
        expires: { min: config.SIMPLE_XCAP_DIFF_MIN_EXPIRES, max: config.SIMPLE_XCAP_DIFF_MAX_EXPIRES, default: config.SIMPLE_XCAP_DIFF_DEFAULT_EXPIRES },
        viewGraceMs: recordGraceMs,
      }),
    ],
    // RFC 5875 §4.10: "SHOULD NOT generate notifications for a single subscription at a rate of more than once every five seconds".
    rateControl: { minIntervalMs: config.SIMPLE_XCAP_DIFF_MIN_INTERVAL_MS },
    senderLeaseMs: Math.max(40_000, config.SIMPLE_XCAP_DIFF_NOTIFY_TIMEOUT_MS + 2_000),
    recordGraceMs,
    onError,
  });

  const endpoint = new SipServiceEndpoint({
    nc,
    service: SERVICE,
    onError,
    methods: {
      SUBSCRIBE: async (req, inbound, respond) => {
        const out = await notifier.handleSubscribe(req, inbound, respond);
        subscribes.inc({ outcome: out.kind });
      },
    },
  });

  let changeSub: NatsSubscription | undefined;
  const inflight = new Set<Promise<unknown>>();
  const onChange = (data: Uint8Array): void => {
    const ev = parseXcapChangeEvent(Buffer.from(data).toString('utf8'));
    changes.inc();
    // Only user trees hold what clients write (the global tree is generated).
    if (!ev.ok || ev.value.xui === undefined) return;
    const owner = parseAor(ev.value.xui);
    if (!owner.ok) return;
    const p = notifier.notifyResource(EVENT, owner.value.aor).catch(onError);
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
  };

  const resync = (cause: string): Promise<number> => {
    resyncs.inc({ cause });
    const p = resyncAll(redis, notifier, onError);
    inflight.add(p);
    void p.catch(onError).finally(() => inflight.delete(p));
    return p;
  };
  const interval = config.SIMPLE_XCAP_DIFF_RESYNC_INTERVAL_MS;
  const sweeper =
    interval > 0 ? new LeasedSweeper({ redis, clock, leaseKey: redisKeys.lease('xcap-diff-resync'), leaseMs: interval + 60_000, intervalMs: interval, sweep: () => resync('interval') }) : undefined;
  let watching = true;
  const watchConnection = async (): Promise<void> => {
    // Events published while this replica was away went to the others, or to nobody.
    for await (const s of nc.status()) {
      if (!watching) break;
      if (s.type === 'reconnect') void resync('reconnect');
    }
  };

  return {
    notifier,
    start() {
      if (natsTransport instanceof NatsNotifyTransport) natsTransport.start();
      notifier.start();
      endpoint.start();
      changeSub = nc.subscribe(xcapSubjects.documentChangedAll(), {
        queue: CHANGES_QUEUE,
        callback: (err, msg) => {
          if (err === null) onChange(msg.data);
        },
      });
      sweeper?.start();
      void watchConnection();
      // A replica starting (or the service restarting) may have missed changes: look once.
      void resync('start');
    },
    async stop() {
      watching = false;
      changeSub?.unsubscribe();
      changeSub = undefined;
      await sweeper?.stop();
      await endpoint.stop();
      await Promise.allSettled([...inflight]);
      await notifier.stop();
      if (natsTransport instanceof NatsNotifyTransport) await natsTransport.stop();
    },
  };
}
