import type { SipRequest, SipResponse } from '@simple/sip-message';
import type { InviteClientTransaction } from './invite-client-transaction.js';
import type { InviteServerTransaction } from './invite-server-transaction.js';
import type { NonInviteClientTransaction } from './non-invite-client-transaction.js';
import type { NonInviteServerTransaction } from './non-invite-server-transaction.js';
import type { TransactionTransportError } from './transaction-error.js';

export type ClientTransaction = InviteClientTransaction | NonInviteClientTransaction;
export type ServerTransaction = InviteServerTransaction | NonInviteServerTransaction;

/** What a client transaction reports to the TU that created it (RFC 3261 §17.1). */
export interface ClientTransactionUser {
  /**
   * A response passed up: every provisional and the first final response;
   * for INVITE also every 2xx received in "Accepted" (RFC 6026 §8.4).
   * Retransmissions of a non-2xx final response are absorbed.
   */
  receiveResponse(response: SipResponse, transaction: ClientTransaction): void;
  /** Timer B or F fired: RFC 3261 §8.1.3.1 "it MUST be treated as if a 408 (Request Timeout) status code has been received". */
  onTimeout(transaction: ClientTransaction): void;
  /** The transport failed: RFC 3261 §8.1.3.1 "the condition MUST be treated as a 503 (Service Unavailable)". */
  onTransportError(error: TransactionTransportError, transaction: ClientTransaction): void;
}

/** What a server transaction reports upward on its own (the layer forwards it to the {@link TransactionUser}). */
export interface ServerTransactionUser {
  /** Timer H fired: RFC 3261 §17.2.1 "MUST indicate to the TU that a transaction failure has occurred" (no ACK came). */
  onTimeout(transaction: InviteServerTransaction): void;
  /** A response could not be sent (RFC 3261 §17.2.4 as updated by RFC 6026 §8.8); the transaction keeps its state. */
  onTransportError(error: TransactionTransportError, transaction: ServerTransaction): void;
}

/** What comes with a new request handed to the TU. */
export interface RequestContext<Target> {
  /** The flow or source the request arrived on; responses go back there. */
  readonly source: Target;
  /**
   * For a CANCEL: the server transaction it cancels (RFC 3261 §9.2), or
   * undefined when none matched (the TU SHOULD then answer 481).
   */
  readonly cancels: ServerTransaction | undefined;
}

/** What comes with an ACK handed to the TU. */
export interface AckContext<Target> {
  readonly source: Target;
  /**
   * The INVITE server transaction in "Accepted" that the ACK matched (RFC 6026
   * §8.7), or undefined for an ACK that matched none (the usual ACK for a 2xx,
   * which carries its own branch).
   */
  readonly transaction: InviteServerTransaction | undefined;
}

/** The TU above the transaction layer: a UA core or a stateful proxy core. */
export interface TransactionUser<Target = unknown> extends ServerTransactionUser {
  /** A new request with its server transaction; called once per transaction, never for retransmissions. */
  onRequest(transaction: ServerTransaction, request: SipRequest, context: RequestContext<Target>): void;
  /** An ACK the transaction layer does not absorb: for a 2xx (RFC 3261 §17; RFC 6026 §8.7). */
  onAck(ack: SipRequest, context: AckContext<Target>): void;
  /**
   * A response that matched no client transaction. It is dropped (RFC 6026
   * §8.9: "any element other than a stateless proxy MUST silently discard the
   * response"; a proxy "MUST NOT forward" it, §7.3); this hook is for logging.
   */
  onStrayResponse?(response: SipResponse): void;
}
