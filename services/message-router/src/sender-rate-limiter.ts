/**
 * A token bucket per sender (the authenticated identity, else the From
 * AOR): `rate` MESSAGE requests per second with bursts up to `burst`. Over
 * it, the router answers 503 with Retry-After (RFC 3261 §21.5.4; SIP's 429
 * is "Provide Referrer Identity", RFC 3892, not "Too Many Requests").
 * In memory, per replica: N replicas allow up to N times the rate.
 */
export class SenderRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private readonly now: () => number = () => Date.now(),
    private readonly maxSenders = 100_000,
  ) {}

  allow(sender: string): boolean {
    const t = this.now();
    let b = this.buckets.get(sender);
    if (b === undefined) {
      if (this.buckets.size >= this.maxSenders) this.prune(t);
      b = { tokens: this.burst, at: t };
      this.buckets.set(sender, b);
    } else {
      b.tokens = Math.min(this.burst, b.tokens + ((t - b.at) / 1000) * this.rate);
      b.at = t;
    }
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Drops buckets that have refilled (they hold nothing a new bucket would not). */
  private prune(t: number): void {
    for (const [k, b] of this.buckets) {
      if (b.tokens + ((t - b.at) / 1000) * this.rate >= this.burst) this.buckets.delete(k);
    }
    if (this.buckets.size >= this.maxSenders) this.buckets.clear();
  }
}
