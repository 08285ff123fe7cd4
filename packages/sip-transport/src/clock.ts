/** An opaque timer handle returned by a {@link Clock}. */
export type ClockTimer = unknown;

/**
 * Time as the transport layer sees it. Every timer of this package (connect
 * timeouts, idle timeouts) goes through a Clock so that tests can drive time.
 */
export interface Clock {
  /** Milliseconds on a monotonic-enough scale; only differences are used. */
  now(): number;
  setTimeout(callback: () => void, ms: number): ClockTimer;
  clearTimeout(timer: ClockTimer): void;
}

/** The real clock: `Date.now()` and Node's timers, unref'ed so they never keep the process alive. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => {
    const t = setTimeout(callback, ms);
    t.unref();
    return t;
  },
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout),
};
