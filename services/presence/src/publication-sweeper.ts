import { randomBytes } from 'node:crypto';
import type { Clock, ClockTimer } from '@simple/clock';
import { presenceKeys, redisKeys } from '@simple/contracts';
import type { RedisClient } from '@simple/platform';
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
  private readonly id = randomBytes(8).toString('hex');
  private timer: ClockTimer | undefined;
  private running = false;
  private stopped = true;

  constructor(private readonly o: PublicationSweeperOptions) {}

  start(): void {
    this.stopped = false;
    const loop = (): void => {
      this.timer = this.o.clock.setTimeout(() => {
        void this.tick().finally(() => {
          if (!this.stopped) loop();
        });
      }, this.o.intervalMs ?? 1_000);
    };
    loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) this.o.clock.clearTimeout(this.timer);
    // Give the lease up, if ours, so that another replica takes over at once.
    await this.o.redis.eval(RELEASE, 1, redisKeys.lease(this.o.leaseName ?? presenceKeys.sweeperLease), this.id).catch(() => undefined);
  }

  /** One sweep, if this replica holds (or takes) the lease; returns how many presentities changed. */
  async tick(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      const held = await this.o.redis.eval(ACQUIRE, 1, redisKeys.lease(this.o.leaseName ?? presenceKeys.sweeperLease), this.id, String(this.o.leaseMs ?? 5_000));
      if (held !== 1) return 0;
      const now = this.o.clock.now();
      let changed = 0;
      for (const aor of await this.o.store.due(now, this.o.batch ?? 200)) {
        if ((await this.o.store.purge(aor, now)) > 0) {
          changed++;
          this.o.onLapsed(aor);
        }
      }
      return changed;
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
