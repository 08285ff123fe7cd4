import type { SipRequest, SipResponse } from '@simple/sip-message';
import { createNonSuccessAck } from './non-success-ack.js';
import { Transaction, type TransactionOptions } from './transaction.js';
import type { TransactionTransportError } from './transaction-error.js';
import { nextInviteRetransmitInterval } from './timers.js';
import type { ClientTransactionUser } from './transaction-user.js';

/** RFC 3261 §17.1.1.2 Figure 5 as replaced by RFC 6026 §8.4. */
export type InviteClientState = 'Calling' | 'Proceeding' | 'Completed' | 'Accepted' | 'Terminated';

const LEGAL: Readonly<Record<InviteClientState, readonly InviteClientState[]>> = {
  Calling: ['Proceeding', 'Completed', 'Accepted', 'Terminated'],
  Proceeding: ['Completed', 'Accepted', 'Terminated'],
  Completed: ['Terminated'],
  Accepted: ['Terminated'],
  Terminated: [],
};

/**
 * The INVITE client transaction (RFC 3261 §17.1.1, RFC 6026 §8.4): Timers A,
 * B, D and M, and the ACK for 300-699 responses (§17.1.1.3).
 */
export class InviteClientTransaction extends Transaction<InviteClientState> {
  readonly kind = 'invite-client' as const;
  readonly user: ClientTransactionUser;
  private intervalA = 0;
  private ack: SipRequest | undefined;

  constructor(request: SipRequest, user: ClientTransactionUser, options: TransactionOptions) {
    // RFC 3261 §17.1.1.2: "The initial state, "calling", MUST be entered when the TU initiates a new client transaction
    // with an INVITE request."
    super(request, 'Calling', LEGAL, options);
    this.user = user;
  }

  /** The ACK sent for the 300-699 response, once in "Completed". */
  get ackRequest(): SipRequest | undefined {
    return this.ack;
  }

  protected onStart(): void {
    this.enter('Calling');
  }

  /** A response matched to this transaction by the rules of RFC 3261 §17.1.3. */
  receiveResponse(response: SipResponse): void {
    const status = response.status;
    if (status < 100 || status > 699) return;
    switch (this.state) {
      case 'Calling':
      case 'Proceeding':
        if (status < 200) {
          // RFC 3261 §17.1.1.2: "If the client transaction receives a provisional response while in the "Calling" state,
          // it transitions to the "Proceeding" state." ... "the provisional response MUST be passed to the TU".
          if (this.state === 'Calling') this.enter('Proceeding');
          this.user.receiveResponse(response, this);
        } else if (status < 300) {
          // RFC 6026 §8.4: "When a 2xx response is received while in either the "Calling" or "Proceeding" states, the
          // client transaction MUST transition to the "Accepted" state ... The 2xx response MUST be passed up to the TU.
          // The client transaction MUST NOT generate an ACK to the 2xx response".
          this.enter('Accepted');
          this.user.receiveResponse(response, this);
        } else {
          // RFC 6026 §8.4: "reception of a response with status code from 300-699 MUST cause the client transaction to
          // transition to "Completed". The client transaction MUST pass the received response up to the TU, and the
          // client transaction MUST generate an ACK request, even if the transport is reliable".
          this.ack = createNonSuccessAck(this.request, response);
          this.enter('Completed');
          this.user.receiveResponse(response, this);
        }
        return;
      case 'Completed':
        // RFC 6026 §8.4: "Any retransmissions of a response with status code 300-699 that are received while in the
        // "Completed" state MUST cause the ACK to be re-passed to the transport layer for retransmission, but the newly
        // received response MUST NOT be passed up to the TU."
        if (status >= 300 && this.ack !== undefined) this.send(this.ack);
        return;
      case 'Accepted':
        // RFC 6026 §8.4: "Any 2xx responses that match this client transaction and that are received while in the
        // "Accepted" state MUST be passed up to the TU. The client transaction MUST NOT generate an ACK".
        if (status >= 200 && status < 300) this.user.receiveResponse(response, this);
        return;
      case 'Terminated':
        return;
    }
  }

  /** The transition function: moves to `to` (refusing illegal moves) and runs its entry actions. */
  private enter(to: InviteClientState): void {
    if (to !== 'Calling') this.changeState(to);
    const t = this.timerValues;
    switch (to) {
      case 'Calling':
        // RFC 3261 §17.1.1.2: "If an unreliable transport is being used, the client transaction MUST start timer A with a
        // value of T1. If a reliable transport is being used, the client transaction SHOULD NOT start timer A".
        // (Timers first: a transport that answers synchronously then finds the state complete.)
        if (t.A !== null) {
          this.intervalA = t.A;
          this.timers.start('A', this.intervalA, () => this.timerA());
        }
        // RFC 3261 §17.1.1.2: "For any transport, the client transaction MUST start timer B with a value of 64*T1".
        this.timers.start('B', t.B, () => this.timerB());
        // RFC 3261 §17.1.1.2: "The client transaction MUST pass the request to the transport layer for transmission".
        this.send(this.request);
        return;
      case 'Proceeding':
        // RFC 3261 §17.1.1.2: "In the "Proceeding" state, the client transaction SHOULD NOT retransmit the request any
        // longer." Timer B only times out the "Calling" state.
        this.timers.stop('A');
        this.timers.stop('B');
        return;
      case 'Completed':
        this.timers.stop('A');
        this.timers.stop('B');
        // RFC 6026 §8.4: "The client transaction MUST start Timer D when it enters the "Completed" state for any reason,
        // with a value of at least 32 seconds for unreliable transports, and a value of zero seconds for reliable".
        this.timers.start('D', t.D, () => this.timerD());
        // RFC 3261 §17.1.1.2: "then pass the ACK to the transport layer for transmission. The ACK MUST be sent to the same
        // address, port, and transport to which the original request was sent" (the channel is bound to it).
        if (this.ack !== undefined) this.send(this.ack);
        return;
      case 'Accepted':
        this.timers.stop('A');
        this.timers.stop('B');
        // RFC 6026 §8.4: "the client transaction MUST transition to the "Accepted" state, and Timer M MUST be started with
        // a value of 64*T1".
        this.timers.start('M', t.M, () => this.timerM());
        return;
      case 'Terminated':
        return;
    }
  }

  private timerA(): void {
    if (this.state !== 'Calling') return;
    // RFC 3261 §17.1.1.2: "When timer A fires, the client transaction MUST retransmit the request by passing it to the
    // transport layer, and MUST reset the timer with a value of 2*T1" ... "intervals that double after each transmission".
    this.intervalA = nextInviteRetransmitInterval(this.intervalA);
    this.timers.start('A', this.intervalA, () => this.timerA());
    this.send(this.request);
  }

  private timerB(): void {
    if (this.state !== 'Calling') return;
    // RFC 3261 §17.1.1.2: "If the client transaction is still in the "Calling" state when timer B fires, the client
    // transaction SHOULD inform the TU that a timeout has occurred. The client transaction MUST NOT generate an ACK."
    this.enter('Terminated');
    this.user.onTimeout(this);
  }

  private timerD(): void {
    // RFC 6026 §8.4: "If Timer D fires while the client transaction is in the "Completed" state, the client transaction
    // MUST move to the "Terminated" state."
    if (this.state === 'Completed') this.enter('Terminated');
  }

  private timerM(): void {
    // RFC 6026 §8.4: "If Timer M fires while the client transaction is in the "Accepted" state, the client transaction
    // MUST move to the "Terminated" state."
    if (this.state === 'Accepted') this.enter('Terminated');
  }

  protected onTransportFailure(error: TransactionTransportError): void {
    // RFC 3261 §17.1.4: "The client transaction SHOULD inform the TU that a transport failure has occurred, and the client
    // transaction SHOULD transition directly to the "Terminated" state."
    this.enter('Terminated');
    this.user.onTransportError(error, this);
  }
}
