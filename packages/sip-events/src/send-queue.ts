/**
 * A bounded pool for NOTIFY deliveries: at most `concurrency` run at once and
 * at most `maxQueued` wait (DESIGN.md: "bounded queues everywhere, never an
 * unbounded buffer"). `offer` says no when full; the caller then owes the
 * NOTIFY in Redis instead, so that nothing is lost.
 */
export class SendQueue {
  private running = 0;
  private readonly waiting: Array<() => Promise<unknown>> = [];
  private waiters: Array<() => void> = [];

  constructor(
    private readonly concurrency: number,
    private readonly maxQueued: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Deliveries running or waiting. */
  get size(): number {
    return this.running + this.waiting.length;
  }

  offer(task: () => Promise<unknown>): boolean {
    if (this.running < this.concurrency) {
      this.run(task);
      return true;
    }
    if (this.waiting.length >= this.maxQueued) return false;
    this.waiting.push(task);
    return true;
  }

  /** Resolves when nothing runs or waits. */
  idle(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private run(task: () => Promise<unknown>): void {
    this.running++;
    void task()
      .catch(this.onError)
      .finally(() => {
        this.running--;
        const next = this.waiting.shift();
        if (next !== undefined) this.run(next);
        else if (this.running === 0) {
          const w = this.waiters;
          this.waiters = [];
          for (const resolve of w) resolve();
        }
      });
  }
}
