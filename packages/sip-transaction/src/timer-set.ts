import type { Clock, ClockTimer } from '@simple/clock';

/** The named timers of one transaction: starting one replaces the pending one of that name. */
export class TimerSet<Name extends string> {
  private readonly handles = new Map<Name, ClockTimer>();

  constructor(private readonly clock: Clock) {}

  start(name: Name, ms: number, fire: () => void): void {
    this.stop(name);
    const handle = this.clock.setTimeout(() => {
      this.handles.delete(name);
      fire();
    }, ms);
    this.handles.set(name, handle);
  }

  stop(name: Name): void {
    const handle = this.handles.get(name);
    if (handle === undefined) return;
    this.clock.clearTimeout(handle);
    this.handles.delete(name);
  }

  stopAll(): void {
    for (const handle of this.handles.values()) this.clock.clearTimeout(handle);
    this.handles.clear();
  }

  running(name: Name): boolean {
    return this.handles.has(name);
  }
}
