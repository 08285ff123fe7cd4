import type { Clock, ClockTimer } from './clock.js';

interface FakeTimer {
  readonly id: number;
  readonly due: number;
  readonly callback: () => void;
}

/**
 * A clock that moves only when told to. `advance(ms)` fires every timer that
 * falls due within the window, in order of due time (ties in the order they
 * were set), with `now()` reading each timer's due time while it runs; timers
 * set by a callback fire in the same call if they fall due within the window.
 */
export class FakeClock implements Clock {
  private time: number;
  private nextId = 1;
  private readonly timers = new Map<number, FakeTimer>();

  constructor(start = 0) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): ClockTimer {
    // As Node does: a negative or non-numeric delay means "as soon as possible".
    const delay = Number.isFinite(ms) && ms > 0 ? ms : 0;
    const timer: FakeTimer = { id: this.nextId++, due: this.time + delay, callback };
    this.timers.set(timer.id, timer);
    return timer;
  }

  clearTimeout(timer: ClockTimer): void {
    if (typeof timer === 'object' && timer !== null && 'id' in timer && typeof timer.id === 'number') this.timers.delete(timer.id);
  }

  /** Timers set and not yet fired or cleared. */
  get pending(): number {
    return this.timers.size;
  }

  /** Due time of the earliest pending timer, or undefined when none is pending. */
  nextDue(): number | undefined {
    return this.earliest()?.due;
  }

  /** Moves time forward by `ms`, firing due timers in order. `advance(0)` fires the zero-delay ones. */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`FakeClock.advance: ${ms} is not a non-negative duration`);
    const target = this.time + ms;
    for (;;) {
      const next = this.earliest();
      if (next === undefined || next.due > target) break;
      this.timers.delete(next.id);
      this.time = next.due;
      next.callback();
    }
    this.time = target;
  }

  /** Fires timers until none is left, or throws after `limit` of them (a timer that re-arms forever). */
  runAll(limit = 10_000): void {
    for (let fired = 0; ; fired++) {
      const next = this.earliest();
      if (next === undefined) return;
      if (fired >= limit) throw new Error(`FakeClock.runAll: more than ${limit} timers fired`);
      this.advance(next.due - this.time);
    }
  }

  private earliest(): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const t of this.timers.values()) {
      if (best === undefined || t.due < best.due || (t.due === best.due && t.id < best.id)) best = t;
    }
    return best;
  }
}
