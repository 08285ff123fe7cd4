import { redisKeys, type AorKey } from '@simple/contracts';
import { LeasedSweeper, type RedisClient } from '@simple/platform';
import type { Binding, LocationStore } from '@simple/location';

export interface BindingSweeperOptions {
  readonly redis: RedisClient;
  readonly store: LocationStore;
  /** Told of the bindings of one AOR that lapsed (to announce the change). */
  readonly onLapsed: (aor: AorKey, lapsed: readonly Binding[]) => void;
  readonly intervalMs?: number;
  readonly leaseMs?: number;
  readonly now?: () => number;
}

/**
 * Removes lapsed bindings, driven from Redis: the AORs are in a sorted set by
 * next expiry, and whichever edge replica holds a short lease sweeps them, so
 * expiry survives the death of the replica that made a binding (DESIGN.md,
 * "State"). Lookups never return a lapsed binding anyway; the sweep is what
 * tells the rest of the platform that a user is gone.
 */
export class BindingSweeper {
  private readonly sweeper: LeasedSweeper;

  constructor(private readonly o: BindingSweeperOptions) {
    this.sweeper = new LeasedSweeper({
      redis: o.redis,
      leaseKey: redisKeys.lease('binding-sweeper'),
      leaseMs: o.leaseMs,
      intervalMs: o.intervalMs,
      sweep: () => this.sweep(),
    });
  }

  start(): void {
    this.sweeper.start();
  }

  stop(): Promise<void> {
    return this.sweeper.stop();
  }

  /** One sweep, if this replica holds (or takes) the lease; returns how many AORs had lapsed bindings. */
  tick(): Promise<number> {
    return this.sweeper.tick();
  }

  private async sweep(): Promise<number> {
    let swept = 0;
    for (const aor of await this.o.store.dueAors((this.o.now ?? Date.now)(), 200)) {
      const lapsed = await this.o.store.purgeExpired(aor);
      if (lapsed.length > 0) {
        swept++;
        this.o.onLapsed(aor, lapsed);
      }
    }
    return swept;
  }
}
