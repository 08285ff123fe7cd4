import { systemClock, type Clock } from '@simple/clock';
import type { EventPackage } from './event-package.js';
import type { RedisClient } from './lua-script.js';
import type { NotifyTransport } from './notify-transport.js';
import type { RateControlOptions } from './rate-control.js';
import { SipEventsError } from './sip-events-error.js';

export interface NotifierOptions {
  readonly redis: RedisClient;
  readonly transport: NotifyTransport;
  readonly packages: readonly EventPackage[];
  /** Default `systemClock`; `now()` must read milliseconds since the epoch (expiries are stored as such). */
  readonly clock?: Clock;
  /**
   * How long a replica holds a subscription's sender lease without renewing
   * it (default 40 000 ms). It must outlast a NOTIFY transaction (the
   * transport's timeout) by a margin, or two replicas could both send.
   */
  readonly senderLeaseMs?: number;
  /** NOTIFY deliveries this replica runs at once for fan-out and sweeps (default 128). */
  readonly concurrency?: number;
  /** Deliveries that may wait for a slot before the rest are owed in Redis instead (default 10 000). */
  readonly maxQueued?: number;
  /** RFC 6446 rate control; off by default. */
  readonly rateControl?: RateControlOptions;
  /** How often the expiry and deferred sets are swept (default 1 000 ms) and the sweep lease's length (default 5 000 ms). */
  readonly sweepIntervalMs?: number;
  readonly sweepLeaseMs?: number;
  /** Entries taken per package per sweep (default 200). */
  readonly sweepBatch?: number;
  /** When a NOTIFY that did not leave (local overload, a failed compose) is tried again (default 1 000 ms). */
  readonly retryDelayMs?: number;
  /** Redis keeps a subscription this long after its expiry, in case no sweeper runs (default 600 000 ms). */
  readonly recordGraceMs?: number;
  /** Max-Forwards of NOTIFYs (default 70, RFC 3261 §8.1.1.6). */
  readonly maxForwards?: number;
  /** Retry-After (seconds) of the 503 sent when Redis fails (default 5). */
  readonly retryAfterSeconds?: number;
  /** Told of failures that have no SIP answer (a package hook, a lost lease, a sweep). */
  readonly onError?: (err: unknown) => void;
}

/** The options, checked once, defaults filled in, frozen (STYLE.md habit 10). */
export interface NotifierConfig {
  readonly redis: RedisClient;
  readonly transport: NotifyTransport;
  readonly packages: ReadonlyMap<string, EventPackage>;
  readonly clock: Clock;
  readonly senderLeaseMs: number;
  readonly concurrency: number;
  readonly maxQueued: number;
  readonly rateControl: Readonly<Required<RateControlOptions>>;
  readonly sweepIntervalMs: number;
  readonly sweepLeaseMs: number;
  readonly sweepBatch: number;
  readonly retryDelayMs: number;
  readonly recordGraceMs: number;
  readonly maxForwards: number;
  readonly retryAfterSeconds: number;
  readonly onError: (err: unknown) => void;
}

function positive(name: string, v: number | undefined, dflt: number, min = 1): number {
  const n = v ?? dflt;
  if (!Number.isFinite(n) || n < min) throw new SipEventsError('config', `${name} must be a number >= ${min} (got ${String(v)})`);
  return n;
}

/** RFC 6665 §8.2.1 / §8.4: event-type = event-package *( "." event-template ), token-nodot. */
const EVENT_TYPE = /^[A-Za-z0-9\-!%*_+`'~]+(\.[A-Za-z0-9\-!%*_+`'~]+)*$/;

export function resolveNotifierOptions(o: NotifierOptions): NotifierConfig {
  const packages = new Map<string, EventPackage>();
  for (const p of o.packages) {
    if (!EVENT_TYPE.test(p.name)) throw new SipEventsError('config', `event package name "${p.name}" is not an event-type (RFC 6665 §8.4)`);
    if (packages.has(p.name.toLowerCase())) throw new SipEventsError('config', `event package "${p.name}" is given twice`);
    if (p.contentTypes.length === 0) throw new SipEventsError('config', `event package "${p.name}" offers no content type`);
    if (!(p.minExpires >= 0 && p.minExpires <= p.defaultExpires && p.defaultExpires <= p.maxExpires)) {
      throw new SipEventsError('config', `event package "${p.name}": expiry bounds need min <= default <= max`);
    }
    packages.set(p.name.toLowerCase(), p);
  }
  if (packages.size === 0) throw new SipEventsError('config', 'a Notifier needs at least one event package');
  const senderLeaseMs = positive('senderLeaseMs', o.senderLeaseMs, 40_000, 1000);
  const transportTimeout = o.transport.timeoutMs;
  if (transportTimeout !== undefined && senderLeaseMs < transportTimeout + 1000) {
    throw new SipEventsError('config', `senderLeaseMs (${senderLeaseMs}) must exceed the transport's timeout (${transportTimeout}) by at least 1000 ms`);
  }
  const minIntervalMs = o.rateControl?.minIntervalMs ?? 0;
  if (!Number.isFinite(minIntervalMs) || minIntervalMs < 0) throw new SipEventsError('config', 'rateControl.minIntervalMs must be >= 0');
  return Object.freeze({
    redis: o.redis,
    transport: o.transport,
    packages,
    clock: o.clock ?? systemClock,
    senderLeaseMs,
    concurrency: positive('concurrency', o.concurrency, 128),
    maxQueued: positive('maxQueued', o.maxQueued, 10_000, 0),
    rateControl: Object.freeze({ minIntervalMs, honorMaxRate: o.rateControl?.honorMaxRate ?? false }),
    sweepIntervalMs: positive('sweepIntervalMs', o.sweepIntervalMs, 1000),
    sweepLeaseMs: positive('sweepLeaseMs', o.sweepLeaseMs, 5000),
    sweepBatch: positive('sweepBatch', o.sweepBatch, 200),
    retryDelayMs: positive('retryDelayMs', o.retryDelayMs, 1000),
    recordGraceMs: positive('recordGraceMs', o.recordGraceMs, 600_000),
    maxForwards: positive('maxForwards', o.maxForwards, 70, 1),
    retryAfterSeconds: positive('retryAfterSeconds', o.retryAfterSeconds, 5, 0),
    onError: o.onError ?? (() => undefined),
  });
}
