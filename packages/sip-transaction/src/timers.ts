/**
 * The transaction timers of RFC 3261 §17 (Appendix A, Table 4) and RFC 6026
 * §8.11 (Timers L and M), all in milliseconds, derived from T1, T2 and T4.
 */

/** The three base values every other timer is derived from (RFC 3261 Appendix A). */
export interface TimerConfig {
  /** RTT estimate (RFC 3261 §17.1.1.1); 500 ms by default. */
  readonly T1: number;
  /** Maximum retransmit interval for non-INVITE requests and INVITE responses (§17.1.2.2); 4 s. */
  readonly T2: number;
  /** Maximum time a message remains in the network (§17.1.2.2); 5 s. */
  readonly T4: number;
}

export const DEFAULT_TIMER_CONFIG: TimerConfig = Object.freeze({ T1: 500, T2: 4000, T4: 5000 });

/** RFC 3261 §17.2.1: a 100 (Trying) is due "unless it knows that the TU will generate a provisional or final response within 200 ms". */
export const TRYING_DELAY_MS = 200;

/** RFC 3261 §17.1.1.2: Timer D is "at least 32 seconds for unreliable transports". */
export const TIMER_D_MINIMUM_MS = 32_000;

/**
 * Every transaction timer for one transport kind. `null` marks a
 * retransmission timer that is not started on a reliable transport.
 */
export interface TransactionTimerValues extends TimerConfig {
  /** INVITE request retransmit interval, initially T1; unreliable transports only (§17.1.1.2). */
  readonly A: number | null;
  /** INVITE transaction timeout, 64*T1 (§17.1.1.2). */
  readonly B: number;
  /** Wait time for response retransmits: max(32 s, 64*T1) unreliable, 0 reliable (§17.1.1.2). */
  readonly D: number;
  /** Non-INVITE request retransmit interval, initially T1; unreliable only (§17.1.2.2). */
  readonly E: number | null;
  /** Non-INVITE transaction timeout, 64*T1 (§17.1.2.2). */
  readonly F: number;
  /** INVITE response retransmit interval, initially T1; unreliable only (§17.2.1). */
  readonly G: number | null;
  /** Wait time for ACK receipt, 64*T1 (§17.2.1). */
  readonly H: number;
  /** Wait time for ACK retransmits: T4 unreliable, 0 reliable (§17.2.1). */
  readonly I: number;
  /** Wait time for non-INVITE request retransmits: 64*T1 unreliable, 0 reliable (§17.2.2). */
  readonly J: number;
  /** Wait time for response retransmits: T4 unreliable, 0 reliable (§17.1.2.2). */
  readonly K: number;
  /** Wait time for accepted INVITE request retransmits, 64*T1 (RFC 6026 §8.7, §8.11). */
  readonly L: number;
  /** Wait time for 2xx retransmissions and 2xx from other branches, 64*T1 (RFC 6026 §8.4, §8.11). */
  readonly M: number;
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`Timer ${name} must be a positive number of milliseconds, got ${value}`);
  return value;
}

/** Fills in the defaults and checks the values (T2 may not be below T1). */
export function resolveTimerConfig(config: Partial<TimerConfig> = {}): TimerConfig {
  const T1 = positive('T1', config.T1 ?? DEFAULT_TIMER_CONFIG.T1);
  const T2 = positive('T2', config.T2 ?? DEFAULT_TIMER_CONFIG.T2);
  const T4 = positive('T4', config.T4 ?? DEFAULT_TIMER_CONFIG.T4);
  if (T2 < T1) throw new RangeError(`Timer T2 (${T2} ms) must not be below T1 (${T1} ms)`);
  return { T1, T2, T4 };
}

/** The durations of every timer for a reliable (TCP, TLS, SCTP, WS) or unreliable (UDP) transport. */
export function transactionTimers(reliable: boolean, config: Partial<TimerConfig> = {}): TransactionTimerValues {
  const { T1, T2, T4 } = resolveTimerConfig(config);
  const T64 = 64 * T1;
  return {
    T1,
    T2,
    T4,
    // RFC 3261 §17.1.1.2: "If an unreliable transport is being used, the client transaction MUST start timer A with a value of T1.
    // If a reliable transport is being used, the client transaction SHOULD NOT start timer A".
    A: reliable ? null : T1,
    // RFC 3261 §17.1.1.2: "For any transport, the client transaction MUST start timer B with a value of 64*T1 seconds".
    B: T64,
    // RFC 6026 §8.4: "start Timer D ... with a value of at least 32 seconds for unreliable transports, and a value of zero
    // seconds for reliable transports". 64*T1 equals Timer H of a server using the same T1.
    D: reliable ? 0 : Math.max(TIMER_D_MINIMUM_MS, T64),
    // RFC 3261 §17.1.2.2: "If an unreliable transport is in use, the client transaction MUST set timer E to fire in T1 seconds."
    E: reliable ? null : T1,
    // RFC 3261 §17.1.2.2: "the client transaction SHOULD set timer F to fire in 64*T1 seconds".
    F: T64,
    // RFC 3261 §17.2.1: "For unreliable transports, timer G is set to fire in T1 seconds, and is not set to fire for reliable transports."
    G: reliable ? null : T1,
    // RFC 3261 §17.2.1: "timer H MUST be set to fire in 64*T1 seconds for all transports".
    H: T64,
    // RFC 3261 §17.2.1: "timer I is set to fire in T4 seconds for unreliable transports, and zero seconds for reliable transports".
    I: reliable ? 0 : T4,
    // RFC 3261 §17.2.2: "it MUST set Timer J to fire in 64*T1 seconds for unreliable transports, and zero seconds for reliable".
    J: reliable ? 0 : T64,
    // RFC 3261 §17.1.2.2: "it MUST set Timer K to fire in T4 seconds for unreliable transports, and zero seconds for reliable".
    K: reliable ? 0 : T4,
    // RFC 6026 §8.7: "Timer L MUST be set to fire in 64*T1 for all transports".
    L: T64,
    // RFC 6026 §8.4: "Timer M MUST be started with a value of 64*T1".
    M: T64,
  };
}

/**
 * The next Timer A interval: RFC 3261 §17.1.1.2 "the request is retransmitted
 * with intervals that double after each transmission" (no cap; Timer B ends it).
 */
export function nextInviteRetransmitInterval(current: number): number {
  return 2 * current;
}

/**
 * The next Timer E (Trying) or Timer G interval: RFC 3261 §17.1.2.2 "reset
 * with a value of MIN(2*T1, T2) ... an exponentially increasing interval that
 * caps at T2"; §17.2.1 says Timer G behaves identically.
 */
export function nextCappedRetransmitInterval(current: number, T2: number): number {
  return Math.min(2 * current, T2);
}
