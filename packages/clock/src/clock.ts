/** An opaque timer handle returned by a {@link Clock}. */
export type ClockTimer = unknown;

/**
 * Time as a timer-driven layer sees it. Every timer (the transport's connect and
 * idle timeouts, the transaction timers of RFC 3261 §17) goes through a Clock so
 * that tests drive time; one clock object can serve every layer.
 */
export interface Clock {
  /** Milliseconds on a monotonic-enough scale; only differences are used. */
  now(): number;
  setTimeout(callback: () => void, ms: number): ClockTimer;
  clearTimeout(timer: ClockTimer): void;
}
