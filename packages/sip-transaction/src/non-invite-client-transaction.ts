import type { SipRequest, SipResponse } from '@simple/sip-message';
import { nextCappedRetransmitInterval } from './timers.js';
import { Transaction, type TransactionOptions } from './transaction.js';
import type { TransactionTransportError } from './transaction-error.js';
import type { ClientTransactionUser } from './transaction-user.js';

/** RFC 3261 §17.1.2.2 Figure 6. */
export type NonInviteClientState = 'Trying' | 'Proceeding' | 'Completed' | 'Terminated';

const LEGAL: Readonly<Record<NonInviteClientState, readonly NonInviteClientState[]>> = {
  Trying: ['Proceeding', 'Completed', 'Terminated'],
  Proceeding: ['Completed', 'Terminated'],
  Completed: ['Terminated'],
  Terminated: [],
};

/** The non-INVITE client transaction (RFC 3261 §17.1.2): Timers E, F and K. */
export class NonInviteClientTransaction extends Transaction<NonInviteClientState> {
  readonly kind = 'non-invite-client' as const;
  readonly user: ClientTransactionUser;
  private intervalE = 0;

  constructor(request: SipRequest, user: ClientTransactionUser, options: TransactionOptions) {
    // RFC 3261 §17.1.2.2: "The "Trying" state is entered when the TU initiates a new client transaction with a request."
    super(request, 'Trying', LEGAL, options);
    this.user = user;
  }

  protected onStart(): void {
    this.enter('Trying');
  }

  /** A response matched to this transaction by the rules of RFC 3261 §17.1.3. */
  receiveResponse(response: SipResponse): void {
    const status = response.status;
    if (status < 100 || status > 699) return;
    switch (this.state) {
      case 'Trying':
      case 'Proceeding':
        if (status < 200) {
          // RFC 3261 §17.1.2.2: "If a provisional response is received while in the "Trying" state, the response MUST be
          // passed to the TU, and then the client transaction SHOULD move to the "Proceeding" state."
          this.user.receiveResponse(response, this);
          if (this.state === 'Trying') this.enter('Proceeding'); // (unless the TU disposed of it meanwhile)
        } else {
          // RFC 3261 §17.1.2.2: "If a final response (status codes 200-699) is received while in the "Trying" state, the
          // response MUST be passed to the TU, and the client transaction MUST transition to the "Completed" state."
          // (The same holds in "Proceeding".)
          this.user.receiveResponse(response, this);
          if (!this.terminated) this.enter('Completed');
        }
        return;
      case 'Completed':
        // RFC 3261 §17.1.2.2: "The "Completed" state exists to buffer any additional response retransmissions that may
        // be received": absorbed.
        return;
      case 'Terminated':
        return;
    }
  }

  /** The transition function: moves to `to` (refusing illegal moves) and runs its entry actions. */
  private enter(to: NonInviteClientState): void {
    if (to !== 'Trying') this.changeState(to);
    const t = this.timerValues;
    switch (to) {
      case 'Trying':
        // RFC 3261 §17.1.2.2: "the client transaction SHOULD set timer F to fire in 64*T1 seconds. The request MUST be
        // passed to the transport layer for transmission. If an unreliable transport is in use, the client transaction
        // MUST set timer E to fire in T1 seconds."
        this.timers.start('F', t.F, () => this.timerF());
        if (t.E !== null) {
          this.intervalE = t.E;
          this.timers.start('E', this.intervalE, () => this.timerE());
        }
        this.send(this.request);
        return;
      case 'Proceeding':
        // Timer E keeps running; from now on it is reset to T2 (see timerE).
        return;
      case 'Completed':
        this.timers.stop('E');
        this.timers.stop('F');
        // RFC 3261 §17.1.2.2: "Once the client transaction enters the "Completed" state, it MUST set Timer K to fire in
        // T4 seconds for unreliable transports, and zero seconds for reliable transports."
        this.timers.start('K', t.K, () => this.timerK());
        return;
      case 'Terminated':
        return;
    }
  }

  private timerE(): void {
    if (this.state === 'Trying') {
      // RFC 3261 §17.1.2.2: "If timer E fires while still in this state, the timer is reset, but this time with a value
      // of MIN(2*T1, T2)" ... "retransmissions occur with an exponentially increasing interval that caps at T2".
      this.intervalE = nextCappedRetransmitInterval(this.intervalE, this.timerValues.T2);
    } else if (this.state === 'Proceeding') {
      // RFC 3261 §17.1.2.2: "If Timer E fires while in the "Proceeding" state, the request MUST be passed to the
      // transport layer for retransmission, and Timer E MUST be reset with a value of T2 seconds."
      this.intervalE = this.timerValues.T2;
    } else {
      return;
    }
    this.timers.start('E', this.intervalE, () => this.timerE());
    this.send(this.request);
  }

  private timerF(): void {
    if (this.state !== 'Trying' && this.state !== 'Proceeding') return;
    // RFC 3261 §17.1.2.2: "If Timer F fires while the client transaction is still in the "Trying" state, the client
    // transaction SHOULD inform the TU about the timeout, and then it SHOULD enter the "Terminated" state." and "If timer
    // F fires while in the "Proceeding" state, the TU MUST be informed of a timeout, and the client transaction MUST
    // transition to the terminated state."
    this.enter('Terminated');
    this.user.onTimeout(this);
  }

  private timerK(): void {
    // RFC 3261 §17.1.2.2: "If Timer K fires while in this state, the client transaction MUST transition to the
    // "Terminated" state."
    if (this.state === 'Completed') this.enter('Terminated');
  }

  protected onTransportFailure(error: TransactionTransportError): void {
    // RFC 3261 §17.1.4: "The client transaction SHOULD inform the TU that a transport failure has occurred, and the client
    // transaction SHOULD transition directly to the "Terminated" state."
    this.enter('Terminated');
    this.user.onTransportError(error, this);
  }
}
