/**
 * Rate control (RFC 6446): off by default. `minIntervalMs` is the notifier's
 * own policy ("a notifier will not generate notifications more frequently
 * than the local policy maximum rate", §5.2); `honorMaxRate` also applies a
 * subscriber's `max-rate` Event parameter (§5.2) and reflects the rate in
 * force in `Subscription-State: ...;max-rate=` (a MUST for a notifier that
 * supports the mechanism, so it is sent only when this is on).
 */
export interface RateControlOptions {
  readonly minIntervalMs?: number;
  readonly honorMaxRate?: boolean;
}

/** max-rate-param = "max-rate" EQUAL (1*2DIGIT ["." 1*10DIGIT]), zero not allowed (RFC 6446 §9.2, §5.1). */
export function parseMaxRate(value: string | null | undefined): number | undefined {
  if (value === undefined || value === null || !/^\d{1,2}(\.\d{1,10})?$/.test(value)) return undefined;
  const n = Number(value);
  return n > 0 ? n : undefined;
}

/**
 * The minimum interval between two NOTIFYs of one subscription, in ms (0: no
 * limit). RFC 6446 §5.3: a rate that "would result in no notification before
 * the subscription expiration" is raised to the reciprocal of the remaining
 * time.
 */
export function minNotifyInterval(options: RateControlOptions, maxRate: number | undefined, expiresSeconds: number): number {
  let interval = Math.max(0, options.minIntervalMs ?? 0);
  if (options.honorMaxRate === true && maxRate !== undefined) interval = Math.max(interval, Math.ceil(1000 / maxRate));
  if (interval > 0 && expiresSeconds > 0) interval = Math.min(interval, expiresSeconds * 1000);
  return interval;
}

/** The `max-rate` value reflecting an interval (RFC 6446 §9.2 grammar: at most 99.9999999999). */
export function formatMaxRate(intervalMs: number): string {
  const rate = Math.min(99.9999999999, Math.max(0.0000000001, 1000 / intervalMs));
  return rate.toFixed(10).replace(/\.?0+$/, '');
}
