import { randomBytes } from 'node:crypto';
import { systemClock, type Clock, type ClockTimer } from '@simple/clock';
import type { RedisClient } from './backends.js';

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

export interface LeasedSweeperOptions {
  readonly redis: RedisClient;
  /** The lease key: one holder at a time across every replica. */
  readonly leaseKey: string;
  readonly leaseMs?: number;
  readonly intervalMs?: number;
  readonly clock?: Clock;
  /** One sweep; returns how many things it changed. Runs only while this replica holds the lease. */
  readonly sweep: () => Promise<number>;
}

/**
 * Work driven from Redis by whichever replica holds a short lease (DESIGN.md,
 * "State": expiry swept from sorted sets, so that timers survive the death of
 * the replica that set them). Each tick takes or renews the lease and sweeps;
 * a replica that stops gives the lease up so that another takes over at once.
 */
export class LeasedSweeper {
  private readonly id = randomBytes(8).toString('hex');
  private readonly clock: Clock;
  private timer: ClockTimer | undefined;
  private running = false;
  private stopped = true;

  constructor(private readonly o: LeasedSweeperOptions) {
    this.clock = o.clock ?? systemClock;
  }

  start(): void {
    this.stopped = false;
    const loop = (): void => {
      this.timer = this.clock.setTimeout(() => {
        void this.tick().finally(() => {
          if (!this.stopped) loop();
        });
      }, this.o.intervalMs ?? 1_000);
    };
    loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    await this.o.redis.eval(RELEASE, 1, this.o.leaseKey, this.id).catch(() => undefined);
  }

  /** One sweep if this replica holds (or takes) the lease; 0 when it does not, or Redis is away. */
  async tick(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      const held = await this.o.redis.eval(ACQUIRE, 1, this.o.leaseKey, this.id, String(this.o.leaseMs ?? 5_000));
      if (held !== 1) return 0;
      return await this.o.sweep();
    } catch {
      return 0; // Redis away: the next tick tries again
    } finally {
      this.running = false;
    }
  }
}
