import type { SipRequest, SipResponse } from '@simple/sip-message';
import { systemClock, type Clock } from '@simple/clock';
import { TimerSet } from './timer-set.js';
import { transactionTimers, type TimerConfig, type TransactionTimerValues } from './timers.js';
import { IllegalTransitionError, TransactionTransportError, TransactionUsageError } from './transaction-error.js';
import type { TransactionChannel } from './transaction-transport.js';

/** Every state machine ends here. */
export type TerminatedState = 'Terminated';
const TERMINATED: TerminatedState = 'Terminated';

/** What every transaction is built with. */
export interface TransactionOptions {
  /** The transport, bound to the destination (client) or to the flow the request came on (server). */
  readonly channel: TransactionChannel;
  /** Defaults to the system clock. */
  readonly clock?: Clock;
  /** T1, T2, T4; the other timers derive from them. */
  readonly timers?: Partial<TimerConfig>;
  /** Called once when the transaction enters "Terminated" (the layer drops it from its table then). */
  readonly onTerminated?: (transaction: Transaction<string>) => void;
}

export type TransactionKind = 'invite-client' | 'non-invite-client' | 'invite-server' | 'non-invite-server';

/**
 * What the four state machines share: the request that created the
 * transaction, its state with a table of legal moves, named timers on the
 * clock, and sending with transport-failure detection.
 */
/** States in which a transaction only waits for retransmissions and timers. */
const LINGERING = new Set(['Completed', 'Confirmed', 'Accepted']);

export abstract class Transaction<State extends string> {
  abstract readonly kind: TransactionKind;
  /** The request that created the transaction. */
  readonly request: SipRequest;
  /** The timer durations for this transaction's transport. */
  readonly timerValues: TransactionTimerValues;
  protected readonly channel: TransactionChannel;
  protected readonly clock: Clock;
  protected readonly timers: TimerSet<string>;
  private current: State;
  private started = false;
  private readonly legal: Readonly<Record<State, readonly State[]>>;
  private readonly onTerminated: ((transaction: Transaction<string>) => void) | undefined;

  protected constructor(request: SipRequest, initial: State, legal: Readonly<Record<State, readonly State[]>>, options: TransactionOptions) {
    this.request = request;
    this.current = initial;
    this.legal = legal;
    this.channel = options.channel;
    this.clock = options.clock ?? systemClock;
    this.timers = new TimerSet(this.clock);
    this.timerValues = transactionTimers(options.channel.reliable, options.timers);
    this.onTerminated = options.onTerminated;
  }

  get state(): State {
    return this.current;
  }

  get terminated(): boolean {
    return (this.current as string) === TERMINATED;
  }

  /** Whether the channel is reliable (no retransmission timers, zero wait timers). */
  get reliable(): boolean {
    return this.channel.reliable;
  }

  /** The request's method (the transaction's; an ACK belongs to its INVITE transaction). */
  get method(): string {
    return this.request.method;
  }

  /** The branch of the request's top Via. */
  get branch(): string | undefined {
    return this.request.topVia.branch;
  }

  /** Runs the entry actions of the initial state (sends the request, starts the timers). Once only. */
  start(): void {
    if (this.started) throw new TransactionUsageError(`${this.kind} transaction already started`);
    this.started = true;
    this.onStart();
  }

  /**
   * Destroys the transaction without a protocol event (shutdown): stops its
   * timers and marks it terminated without telling anyone but the table.
   */
  dispose(): void {
    if (this.terminated) return;
    this.current = TERMINATED as State;
    this.timers.stopAll();
    this.onTerminated?.(this);
  }

  protected abstract onStart(): void;

  /** Reports a transport failure; never called once terminated. */
  protected abstract onTransportFailure(error: TransactionTransportError): void;

  /**
   * Moves to `to` if the state machine's figure has that arrow, else throws.
   * Entering "Terminated" stops every timer and tells the table: RFC 3261 §17.1.1.2
   * "The client transaction MUST be destroyed the instant it enters the "Terminated" state".
   */
  protected changeState(to: State): void {
    const from = this.current;
    if (!this.legal[from].includes(to)) throw new IllegalTransitionError(this.kind, from, to);
    this.current = to;
    if ((to as string) === TERMINATED) {
      this.timers.stopAll();
      this.onTerminated?.(this);
    }
  }

  /**
   * Passes a message to the transport. A synchronous throw is reported on a
   * microtask, a rejection when it happens: the TU never hears of a failure
   * before the call that sent has returned.
   */
  protected send(message: SipRequest | SipResponse): void {
    if (this.terminated) return;
    let pending: void | Promise<void>;
    try {
      pending = this.channel.send(message);
    } catch (cause) {
      queueMicrotask(() => this.transportFailed(cause));
      return;
    }
    const settle = (): void => {
      // Completed/Confirmed/Accepted only wait for retransmissions and timers, for
      // up to 32 s on UDP (Timer J/I/L): keep the messages, not their parsed forms.
      if (LINGERING.has(this.current as string)) {
        this.request.headers.compact();
        message.headers.compact();
      }
    };
    if (pending === undefined) settle();
    else pending.then(settle, (cause: unknown) => this.transportFailed(cause));
  }

  private transportFailed(cause: unknown): void {
    if (this.terminated) return;
    this.onTransportFailure(new TransactionTransportError(cause));
  }
}
