import type { Clock } from '@simple/clock';
import { presenceKeys, redisKeys } from '@simple/contracts';
import { LeasedSweeper, type RedisClient } from '@simple/platform';
import type { PublicationStore } from './publication-store.js';

export interface PublicationSweeperOptions {
  readonly redis: RedisClient;
  readonly store: PublicationStore;
  readonly clock: Clock;
  /** Told of each presentity that lost a publication to expiry (RFC 3903 §6: its state changed). */
  readonly onLapsed: (aor: string) => void;
  readonly intervalMs?: number;
  readonly leaseMs?: number;
  readonly batch?: number;
  /** The lease's name (default `presenceKeys.sweeperLease`: one sweeper at a time across the replicas). */
  readonly leaseName?: string;
}

/**
 * Removes lapsed publications (RFC 3903 §6: "the ESC ... removes the event
 * state ... when the publication expires"), driven from Redis: presentities
 * are in a sorted set by next expiry and whichever replica holds a short
 * lease sweeps them, so that expiry survives the replica that took the
 * PUBLISH (as the edge's binding sweeper does).
 */
export class PublicationSweeper {
  private readonly sweeper: LeasedSweeper;

  constructor(private readonly o: PublicationSweeperOptions) {
    this.sweeper = new LeasedSweeper({
      redis: o.redis,
      leaseKey: redisKeys.lease(o.leaseName ?? presenceKeys.sweeperLease),
      leaseMs: o.leaseMs,
      intervalMs: o.intervalMs,
      clock: o.clock,
      sweep: () => this.sweep(),
    });
  }

  start(): void {
    this.sweeper.start();
  }

  stop(): Promise<void> {
    return this.sweeper.stop();
  }

  /** One sweep, if this replica holds (or takes) the lease; returns how many presentities changed. */
  tick(): Promise<number> {
    return this.sweeper.tick();
  }

  private async sweep(): Promise<number> {
    const now = this.o.clock.now();
    let changed = 0;
    for (const aor of await this.o.store.due(now, this.o.batch ?? 200)) {
      if ((await this.o.store.purge(aor, now)) > 0) {
        changed++;
        this.o.onLapsed(aor);
      }
    }
    return changed;
  }
}
