import type { Logger } from 'pino';

type Hook = () => Promise<void> | void;

/**
 * Start and graceful drain. On SIGTERM (or SIGINT) the service stops being
 * ready, runs its drain hooks in reverse order of registration (stop taking
 * work, finish what is in flight, close backends), then exits; a drain that
 * outlasts its deadline exits anyway.
 */
export class Lifecycle {
  private readonly hooks: Array<{ name: string; fn: Hook }> = [];
  private draining = false;
  private started = false;

  constructor(
    private readonly log: Logger,
    private readonly drainTimeoutMs = 10_000,
  ) {}

  /** Marks the service ready (the ops server's /readyz). */
  markStarted(): void {
    this.started = true;
  }

  get ready(): boolean {
    return this.started && !this.draining;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /** Registers what to undo at shutdown; hooks run last-registered first. */
  onDrain(name: string, fn: Hook): void {
    this.hooks.push({ name, fn });
  }

  /** Installs the signal handlers. */
  handleSignals(exit: (code: number) => void = (c) => process.exit(c)): void {
    const onSignal = (sig: string): void => {
      this.log.info({ signal: sig }, 'draining');
      void this.drain().then((ok) => exit(ok ? 0 : 1));
    };
    process.once('SIGTERM', () => onSignal('SIGTERM'));
    process.once('SIGINT', () => onSignal('SIGINT'));
  }

  /** Runs every drain hook once; true when all finished in time without error. */
  async drain(): Promise<boolean> {
    if (this.draining) return true;
    this.draining = true;
    let ok = true;
    const deadline = new Promise<'timeout'>((res) => setTimeout(() => res('timeout'), this.drainTimeoutMs).unref());
    for (const { name, fn } of [...this.hooks].reverse()) {
      try {
        const r = await Promise.race([Promise.resolve(fn()).then(() => 'done' as const), deadline]);
        if (r === 'timeout') {
          this.log.warn({ hook: name }, 'drain deadline passed');
          return false;
        }
      } catch (err) {
        ok = false;
        this.log.error({ hook: name, err }, 'drain hook failed');
      }
    }
    return ok;
  }
}
