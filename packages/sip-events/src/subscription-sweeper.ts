import type { NotifierConfig } from './notifier-options.js';
import type { NotifySender } from './notify-sender.js';
import type { SendQueue } from './send-queue.js';
import type { SubscriptionStore } from './subscription-store.js';

export interface SweepResult {
  /** Subscriptions found expired and set to end (their final NOTIFY is queued). */
  readonly expired: number;
  /** Deferred NOTIFYs that fell due and were queued. */
  readonly deferred: number;
}

/**
 * Expiry and deferred NOTIFYs, driven from Redis (DESIGN.md, "State"): per
 * event package, whichever replica holds a short lease takes what has fallen
 * due from the package's two sorted sets, so that a timer survives the death
 * of the replica that set it.
 *
 * RFC 6665 §4.2.1.4: "If no refresh for a notification address is received
 * before its expiration time, the subscription is removed. When removing a
 * subscription, the notifier SHOULD send a NOTIFY request with a
 * "Subscription-State" value of "terminated" ... [with] a "reason=timeout"
 * parameter."
 */
export class SubscriptionSweeper {
  private running = false;

  constructor(
    private readonly config: NotifierConfig,
    private readonly store: SubscriptionStore,
    private readonly sender: NotifySender,
    private readonly queue: SendQueue,
    private readonly owner: string,
  ) {}

  /** One sweep of every package whose lease this replica holds (or takes). */
  async tick(): Promise<SweepResult> {
    if (this.running) return { expired: 0, deferred: 0 };
    this.running = true;
    let expired = 0;
    let deferred = 0;
    try {
      for (const pkg of this.config.packages.values()) {
        if (!(await this.store.acquireLease(leaseName(pkg.name), this.owner, this.config.sweepLeaseMs))) continue;
        expired += await this.sweepExpiries(pkg.name);
        deferred += await this.sweepDeferred(pkg.name);
      }
    } catch (err) {
      this.config.onError(err); // Redis away: the next tick tries again
    } finally {
      this.running = false;
    }
    return { expired, deferred };
  }

  /** Gives the leases up so that another replica takes over at once. */
  async release(): Promise<void> {
    for (const pkg of this.config.packages.values()) await this.store.releaseLease(leaseName(pkg.name), this.owner).catch(() => undefined);
  }

  private async sweepExpiries(eventPackage: string): Promise<number> {
    const c = this.config;
    const now = c.clock.now();
    let n = 0;
    for (const id of await this.store.dueExpiries(eventPackage, now, c.sweepBatch)) {
      const r = await this.store.update(id, {
        fields: [['state', 'terminated'], ['reason', 'timeout'], ['retryAfter', '']],
        urgent: true,
        guard: { kind: 'expired', value: now },
      });
      if (r.kind === 'missing') {
        await this.store.dropStale(eventPackage, undefined, id);
        continue;
      }
      if (r.kind === 'stale') {
        // Refreshed meanwhile: put the entry where the record says.
        const s = await this.store.load(id);
        if (s !== undefined) await this.store.reschedule(s, s.expiresAt);
        continue;
      }
      if (r.kind === 'ok') n++;
      // Ending (now, or earlier with a final NOTIFY that may be stuck): look
      // again once a sender lease would have run out; removal drops the entry.
      await this.store.reschedule({ id, eventPackage }, now + c.senderLeaseMs);
      this.dispatch(eventPackage, id, now);
    }
    return n;
  }

  private async sweepDeferred(eventPackage: string): Promise<number> {
    const now = this.config.clock.now();
    let n = 0;
    for (const id of await this.store.dueDeferred(eventPackage, now, this.config.sweepBatch)) {
      // The claim (ZREM) inside decides which replica acts, should a local timer race us.
      // A full queue leaves the rest in Redis for the next sweep.
      if (!this.queue.offer(() => this.sender.deliverDeferred(id, eventPackage))) break;
      n++;
    }
    return n;
  }

  private dispatch(eventPackage: string, id: string, now: number): void {
    if (!this.queue.offer(() => this.sender.deliver(id, eventPackage))) {
      this.sender.track(this.store.defer(eventPackage, id, now + this.config.retryDelayMs));
    }
  }
}

function leaseName(eventPackage: string): string {
  return `sip-events:${eventPackage}`;
}
