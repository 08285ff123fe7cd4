import { createResponse, type SipRequest, type SipResponse } from '@simple/sip-message';
import { nextCappedRetransmitInterval, TRYING_DELAY_MS } from './timers.js';
import { Transaction, type TransactionOptions } from './transaction.js';
import { TransactionUsageError, type TransactionTransportError } from './transaction-error.js';
import type { ServerTransactionUser } from './transaction-user.js';

/** RFC 3261 §17.2.1 Figure 7 as replaced by RFC 6026 §8.6. */
export type InviteServerState = 'Proceeding' | 'Completed' | 'Confirmed' | 'Accepted' | 'Terminated';

const LEGAL: Readonly<Record<InviteServerState, readonly InviteServerState[]>> = {
  // RFC 6026 §8.8: on a transport error the transaction "MUST remain in the current state": no Proceeding -> Terminated.
  Proceeding: ['Completed', 'Accepted'],
  Completed: ['Confirmed', 'Terminated'],
  Confirmed: ['Terminated'],
  Accepted: ['Terminated'],
  Terminated: [],
};

/**
 * What became of an ACK given to an INVITE server transaction: it moved
 * "Completed" to "Confirmed", it was absorbed, or (in "Accepted", RFC 6026
 * §8.7) it is for the TU and the caller passes it up.
 */
export type AckDisposition = 'confirmed' | 'absorbed' | 'for-tu';

export interface InviteServerTransactionOptions extends TransactionOptions {
  /**
   * Delay before the automatic 100 (Trying) when the TU has not answered
   * (RFC 3261 §17.2.1); 200 ms by default, 0 to send it at once.
   */
  readonly tryingDelayMs?: number;
}

/**
 * The INVITE server transaction (RFC 3261 §17.2.1 with RFC 6026 §8.5-§8.8):
 * the automatic 100 (Trying), Timers G, H, I and L, and the "Accepted" state
 * that absorbs retransmissions of an INVITE answered with a 2xx.
 */
export class InviteServerTransaction extends Transaction<InviteServerState> {
  readonly kind = 'invite-server' as const;
  readonly user: ServerTransactionUser;
  private readonly tryingDelay: number;
  private readonly receivedAt: number;
  private provisional: SipResponse | undefined;
  private final: SipResponse | undefined;
  private intervalG = 0;

  constructor(request: SipRequest, user: ServerTransactionUser, options: InviteServerTransactionOptions) {
    // RFC 3261 §17.2.1: "When a server transaction is constructed for a request, it enters the "Proceeding" state."
    super(request, 'Proceeding', LEGAL, options);
    this.user = user;
    this.tryingDelay = Math.max(0, options.tryingDelayMs ?? TRYING_DELAY_MS);
    this.receivedAt = this.clock.now();
  }

  /** The most recent provisional response sent (the TU's, or the automatic 100). */
  get provisionalResponse(): SipResponse | undefined {
    return this.provisional;
  }

  /** The final response sent (for a 2xx: the latest one the TU passed). */
  get finalResponse(): SipResponse | undefined {
    return this.final;
  }

  /** The To tag of the final response, against which RFC 2543 ACKs are matched (RFC 3261 §17.2.3). */
  get finalToTag(): string | undefined {
    return this.final?.to.tag;
  }

  protected onStart(): void {
    // RFC 3261 §17.2.1: "The server transaction MUST generate a 100 (Trying) response unless it knows that the TU will
    // generate a provisional or final response within 200 ms, in which case it MAY generate a 100 (Trying) response."
    if (this.tryingDelay === 0) this.sendTrying();
    else this.timers.start('Trying', this.tryingDelay, () => this.sendTrying());
  }

  /** A retransmission of the INVITE, matched by RFC 3261 §17.2.3. */
  receiveRequest(_retransmission: SipRequest): void {
    switch (this.state) {
      case 'Proceeding':
        // RFC 3261 §17.2.1: "If a request retransmission is received while in the "Proceeding" state, the most recent
        // provisional response that was received from the TU MUST be passed to the transport layer for retransmission."
        if (this.provisional !== undefined) this.send(this.provisional);
        return;
      case 'Completed':
        // RFC 3261 §17.2.1: "while in the "Completed" state, if a request retransmission is received, the server SHOULD
        // pass the response to the transport for retransmission."
        if (this.final !== undefined) this.send(this.final);
        return;
      case 'Accepted':
        // RFC 6026 §7.1: "While in the "Accepted" state, any retransmissions of the INVITE received will match this
        // transaction state machine and will be absorbed by the machine without changing its state. These
        // retransmissions are not passed onto the TU."
        return;
      case 'Confirmed':
      case 'Terminated':
        return;
    }
  }

  /** An ACK matched to this transaction by RFC 3261 §17.2.3. */
  receiveAck(_ack: SipRequest): AckDisposition {
    switch (this.state) {
      case 'Completed':
        // RFC 3261 §17.2.1: "If an ACK is received while the server transaction is in the "Completed" state, the server
        // transaction MUST transition to the "Confirmed" state."
        this.enter('Confirmed');
        return 'confirmed';
      case 'Accepted':
        // RFC 6026 §7.1: "Any ACKs received from the network while in the "Accepted" state MUST be passed directly to
        // the TU and not absorbed."
        return 'for-tu';
      case 'Confirmed':
        // RFC 3261 §17.2.1: "The purpose of the "Confirmed" state is to absorb any additional ACK messages that arrive".
        return 'absorbed';
      case 'Proceeding':
      case 'Terminated':
        return 'absorbed';
    }
  }

  /**
   * A response from the TU. Returns false when the state machine discards it
   * (a final response after the final one, anything but a 2xx in "Accepted").
   */
  respond(response: SipResponse): boolean {
    const status = response.status;
    if (!Number.isInteger(status) || status < 100 || status > 699) throw new TransactionUsageError(`Invalid status ${status}`);
    switch (this.state) {
      case 'Proceeding':
        this.timers.stop('Trying');
        if (status < 200) {
          // RFC 3261 §17.2.1: "So long as the server transaction is in the "Proceeding" state, each of these MUST be passed
          // to the transport layer for transmission. They are not sent reliably by the transaction layer".
          this.provisional = response;
          this.send(response);
        } else if (status < 300) {
          // RFC 6026 §8.5: "the server transaction MUST pass this response to the transport layer for transmission. It is
          // not retransmitted by the server transaction ... The server transaction MUST then transition to the "Accepted"
          // state."
          // (The state changes first, so that an ACK arriving while the response is being sent finds "Accepted".)
          this.final = response;
          this.enter('Accepted');
          this.send(response);
        } else {
          // RFC 3261 §17.2.1: "if the TU passes a response with status code from 300 to 699 to the server transaction, the
          // response MUST be passed to the transport layer for transmission, and the state machine MUST enter the
          // "Completed" state."
          this.final = response;
          this.enter('Completed');
          this.send(response);
        }
        return true;
      case 'Accepted':
        // RFC 6026 §8.7: "While in the "Accepted" state, if the TU passes a 2xx response, the server transaction MUST pass
        // the response to the transport layer for transmission." (The TU's 2xx retransmissions, RFC 3261 §13.3.1.4.)
        if (status >= 200 && status < 300) {
          this.final = response;
          this.send(response);
          return true;
        }
        return false;
      case 'Completed':
      case 'Confirmed':
      case 'Terminated':
        return false;
    }
  }

  /** The transition function: moves to `to` (refusing illegal moves) and runs its entry actions. */
  private enter(to: InviteServerState): void {
    this.changeState(to);
    const t = this.timerValues;
    switch (to) {
      case 'Completed':
        // RFC 3261 §17.2.1: "For unreliable transports, timer G is set to fire in T1 seconds, and is not set to fire for
        // reliable transports." ... "When the "Completed" state is entered, timer H MUST be set to fire in 64*T1 seconds
        // for all transports."
        if (t.G !== null) {
          this.intervalG = t.G;
          this.timers.start('G', this.intervalG, () => this.timerG());
        }
        this.timers.start('H', t.H, () => this.timerH());
        return;
      case 'Confirmed':
        // RFC 3261 §17.2.1: "As Timer G is ignored in this state, any retransmissions of the response will cease." ...
        // "When this state is entered, timer I is set to fire in T4 seconds for unreliable transports, and zero seconds
        // for reliable transports."
        this.timers.stop('G');
        this.timers.stop('H');
        this.timers.start('I', t.I, () => this.timerI());
        return;
      case 'Accepted':
        // RFC 6026 §8.7: "When the INVITE server transaction enters the "Accepted" state, Timer L MUST be set to fire in
        // 64*T1 for all transports."
        this.timers.start('L', t.L, () => this.timerL());
        return;
      case 'Proceeding':
      case 'Terminated':
        return;
    }
  }

  private sendTrying(): void {
    if (this.state !== 'Proceeding' || this.provisional !== undefined) return;
    // RFC 3261 §17.2.1: "The 100 (Trying) response is constructed according to the procedures in Section 8.2.6, except
    // that the insertion of tags in the To header field of the response ... is downgraded from MAY to SHOULD NOT."
    const trying = createResponse(this.request, 100);
    // RFC 3261 §8.2.6.1: "When a 100 (Trying) response is generated, any Timestamp header field present in the request
    // MUST be copied into this 100 (Trying) response. If there is a delay in generating the response, the UAS SHOULD add
    // a delay value into the Timestamp value in the response."
    const stamp = this.request.headers.get('timestamp');
    if (stamp !== undefined) trying.headers.append('Timestamp', withDelay(stamp, this.clock.now() - this.receivedAt));
    this.provisional = trying;
    this.send(trying);
  }

  private timerG(): void {
    if (this.state !== 'Completed' || this.final === undefined) return;
    // RFC 3261 §17.2.1: "If timer G fires, the response is passed to the transport layer once more for retransmission,
    // and timer G is set to fire in MIN(2*T1, T2) seconds. From then on, when timer G fires, the response is passed to the
    // transport again for transmission, and timer G is reset with a value that doubles, unless that value exceeds T2".
    this.intervalG = nextCappedRetransmitInterval(this.intervalG, this.timerValues.T2);
    this.timers.start('G', this.intervalG, () => this.timerG());
    this.send(this.final);
  }

  private timerH(): void {
    if (this.state !== 'Completed') return;
    // RFC 3261 §17.2.1: "If timer H fires while in the "Completed" state, it implies that the ACK was never received. In
    // this case, the server transaction MUST transition to the "Terminated" state, and MUST indicate to the TU that a
    // transaction failure has occurred."
    this.enter('Terminated');
    this.user.onTimeout(this);
  }

  private timerI(): void {
    // RFC 3261 §17.2.1: "Once timer I fires, the server MUST transition to the "Terminated" state."
    if (this.state === 'Confirmed') this.enter('Terminated');
  }

  private timerL(): void {
    // RFC 6026 §8.7: "If Timer L fires while the INVITE server transaction is in the "Accepted" state, the transaction
    // MUST transition to the "Terminated" state."
    if (this.state === 'Accepted') this.enter('Terminated');
  }

  protected onTransportFailure(error: TransactionTransportError): void {
    // RFC 6026 §8.8: "the server transaction SHOULD inform the TU that a failure has occurred, and MUST remain in the
    // current state." (Timers H, I or L still end it; retransmitted INVITEs keep being absorbed.)
    this.user.onTransportError(error, this);
  }
}

/** A Timestamp value (RFC 3261 §20.38: 1*DIGIT ["." *DIGIT] [LWS delay]) with the delay of the response added. */
function withDelay(stamp: string, delayMs: number): string {
  const m = /^\s*(\d+(?:\.\d*)?)\s*$/.exec(stamp);
  if (m === null || m[1] === undefined || delayMs <= 0) return stamp.trim();
  return `${m[1]} ${(delayMs / 1000).toFixed(3)}`;
}
