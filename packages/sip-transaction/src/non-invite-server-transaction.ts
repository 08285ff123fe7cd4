import type { SipRequest, SipResponse } from '@simple/sip-message';
import { Transaction, type TransactionOptions } from './transaction.js';
import { TransactionUsageError, type TransactionTransportError } from './transaction-error.js';
import type { ServerTransactionUser } from './transaction-user.js';

/** RFC 3261 §17.2.2 Figure 8. */
export type NonInviteServerState = 'Trying' | 'Proceeding' | 'Completed' | 'Terminated';

const LEGAL: Readonly<Record<NonInviteServerState, readonly NonInviteServerState[]>> = {
  // No arrow to "Terminated" on a transport error: RFC 6026 §8.8 replaced the text of RFC 3261 §17.2.4 with "MUST
  // remain in the current state" (see README: Figure 8 still draws the old arrow).
  Trying: ['Proceeding', 'Completed'],
  Proceeding: ['Completed'],
  Completed: ['Terminated'],
  Terminated: [],
};

/** The non-INVITE server transaction (RFC 3261 §17.2.2): Timer J and absorption of retransmissions. */
export class NonInviteServerTransaction extends Transaction<NonInviteServerState> {
  readonly kind = 'non-invite-server' as const;
  readonly user: ServerTransactionUser;
  private provisional: SipResponse | undefined;
  private final: SipResponse | undefined;

  constructor(request: SipRequest, user: ServerTransactionUser, options: TransactionOptions) {
    // RFC 3261 §17.2.2: "The state machine is initialized in the "Trying" state and is passed a request other than INVITE
    // or ACK when initialized."
    super(request, 'Trying', LEGAL, options);
    if (request.method === 'INVITE' || request.method === 'ACK') {
      throw new TransactionUsageError(`${request.method} does not create a non-INVITE server transaction`);
    }
    this.user = user;
  }

  /** The most recent provisional response sent. */
  get provisionalResponse(): SipResponse | undefined {
    return this.provisional;
  }

  /** The final response sent. */
  get finalResponse(): SipResponse | undefined {
    return this.final;
  }

  protected onStart(): void {
    // Nothing to send: the request goes to the TU (the layer does that) and the transaction waits for its answer.
  }

  /** A retransmission of the request, matched by RFC 3261 §17.2.3. Never passed to the TU. */
  receiveRequest(_retransmission: SipRequest): void {
    switch (this.state) {
      case 'Trying':
        // RFC 3261 §17.2.2: "Once in the "Trying" state, any further request retransmissions are discarded."
        return;
      case 'Proceeding':
        // RFC 3261 §17.2.2: "If a retransmission of the request is received while in the "Proceeding" state, the most
        // recently sent provisional response MUST be passed to the transport layer for retransmission."
        if (this.provisional !== undefined) this.send(this.provisional);
        return;
      case 'Completed':
        // RFC 3261 §17.2.2: "While in the "Completed" state, the server transaction MUST pass the final response to the
        // transport layer for retransmission whenever a retransmission of the request is received."
        if (this.final !== undefined) this.send(this.final);
        return;
      case 'Terminated':
        return;
    }
  }

  /** A response from the TU. Returns false when it is discarded (anything after the final response). */
  respond(response: SipResponse): boolean {
    const status = response.status;
    if (!Number.isInteger(status) || status < 100 || status > 699) throw new TransactionUsageError(`Invalid status ${status}`);
    switch (this.state) {
      case 'Trying':
      case 'Proceeding':
        if (status < 200) {
          // RFC 3261 §17.2.2: "While in the "Trying" state, if the TU passes a provisional response to the server
          // transaction, the server transaction MUST enter the "Proceeding" state. The response MUST be passed to the
          // transport layer for transmission. Any further provisional responses that are received from the TU while in
          // the "Proceeding" state MUST be passed to the transport layer for transmission."
          this.provisional = response;
          if (this.state === 'Trying') this.enter('Proceeding');
          this.send(response);
        } else {
          // RFC 3261 §17.2.2: "If the TU passes a final response (status codes 200-699) to the server while in the
          // "Proceeding" state, the transaction MUST enter the "Completed" state, and the response MUST be passed to the
          // transport layer for transmission." (Figure 8: the same from "Trying".)
          this.final = response;
          this.enter('Completed');
          this.send(response);
        }
        return true;
      case 'Completed':
        // RFC 3261 §17.2.2: "Any other final responses passed by the TU to the server transaction MUST be discarded while
        // in the "Completed" state."
        return false;
      case 'Terminated':
        return false;
    }
  }

  /** The transition function: moves to `to` (refusing illegal moves) and runs its entry actions. */
  private enter(to: NonInviteServerState): void {
    this.changeState(to);
    if (to === 'Completed') {
      // RFC 3261 §17.2.2: "When the server transaction enters the "Completed" state, it MUST set Timer J to fire in 64*T1
      // seconds for unreliable transports, and zero seconds for reliable transports."
      this.timers.start('J', this.timerValues.J, () => this.timerJ());
    }
  }

  private timerJ(): void {
    // RFC 3261 §17.2.2: "The server transaction remains in this state until Timer J fires, at which point it MUST
    // transition to the "Terminated" state."
    if (this.state === 'Completed') this.enter('Terminated');
  }

  protected onTransportFailure(error: TransactionTransportError): void {
    // RFC 6026 §8.8 (replacing RFC 3261 §17.2.4, paragraph 2): "the server transaction SHOULD inform the TU that a failure
    // has occurred, and MUST remain in the current state." Timer J still ends "Completed"; staying absorbs retransmitted
    // requests that would otherwise reach the TU again as new ones.
    this.user.onTransportError(error, this);
  }
}
