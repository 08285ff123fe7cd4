/**
 * A token bucket per source address: `ratePerSecond` requests a second with
 * bursts of the same size. The table of sources is bounded; when full, the
 * least recently seen sources are forgotten first (a forgotten source starts
 * with a full bucket, which errs on the side of serving).
 */
export class SourceRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly ratePerSecond: number,
    private readonly now: () => number = Date.now,
    private readonly maxSources = 100_000,
  ) {}

  /** Takes one token for this source; false when the source is over its rate. */
  allow(source: string): boolean {
    const t = this.now();
    let b = this.buckets.get(source);
    if (b === undefined) {
      if (this.buckets.size >= this.maxSources) {
        const oldest = this.buckets.keys().next().value;
        if (oldest !== undefined) this.buckets.delete(oldest);
      }
      b = { tokens: this.ratePerSecond, at: t };
    } else {
      this.buckets.delete(source); // re-inserted below: Map order = recency
      b.tokens = Math.min(this.ratePerSecond, b.tokens + ((t - b.at) / 1000) * this.ratePerSecond);
      b.at = t;
    }
    this.buckets.set(source, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  get size(): number {
    return this.buckets.size;
  }
}
