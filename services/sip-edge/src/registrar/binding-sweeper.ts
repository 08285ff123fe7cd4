import { randomBytes } from 'node:crypto';
import { redisKeys, type AorKey } from '@simple/contracts';
import type { RedisClient } from '@simple/platform';
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
  private readonly id = randomBytes(8).toString('hex');
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(private readonly o: BindingSweeperOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.o.intervalMs ?? 1_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    // Give the lease up, if ours, so that another replica takes over at once.
    await this.o.redis.eval(RELEASE, 1, redisKeys.lease('binding-sweeper'), this.id).catch(() => undefined);
  }

  /** One sweep, if this replica holds (or takes) the lease; returns how many AORs had lapsed bindings. */
  async tick(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      const leaseMs = this.o.leaseMs ?? 5_000;
      const held = await this.o.redis.eval(ACQUIRE, 1, redisKeys.lease('binding-sweeper'), this.id, String(leaseMs));
      if (held !== 1) return 0;
      let swept = 0;
      const due = await this.o.store.dueAors((this.o.now ?? Date.now)(), 200);
      for (const aor of due) {
        const lapsed = await this.o.store.purgeExpired(aor);
        if (lapsed.length > 0) {
          swept++;
          this.o.onLapsed(aor, lapsed);
        }
      }
      return swept;
    } catch {
      return 0; // Redis away: the next tick tries again
    } finally {
      this.running = false;
    }
  }
}

/** Take the lease if free, or renew it if ours. */
const ACQUIRE = `
local v = redis.call('GET', KEYS[1])
if v == false or v == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', tonumber(ARGV[2]))
  return 1
end
return 0`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;
