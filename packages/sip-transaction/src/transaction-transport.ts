import type { SipRequest, SipResponse } from '@simple/sip-message';

/**
 * The lower layer as the transaction layer sees it (RFC 3261 §18). `Target`
 * is opaque here: for a client transaction it is the destination chosen by the
 * TU (address, port and transport, RFC 3261 §17.1); for a server transaction
 * it is the flow (or source) the request arrived on, which responses go back
 * to (RFC 3261 §18.2.2). sip-transport can implement this with a union of its
 * `SendTarget` and `Flow`.
 */
export interface TransactionTransport<Target = unknown> {
  /**
   * Whether messages to or over this target travel on a reliable transport
   * (TCP, TLS, SCTP, WebSocket): the transaction timers depend on it (RFC 3261 §17).
   */
  isReliable(target: Target): boolean;
  /**
   * Sends one message. A throw or a rejected promise is a transport failure
   * (RFC 3261 §17.1.4, §17.2.4). For a request, retransmissions and the ACK of a
   * non-2xx response must reach "the same address, port, and transport to which
   * the original request was sent" (§17.1.1.2): an implementation resolving
   * names should pin the result to the target object.
   */
  send(message: SipRequest | SipResponse, target: Target): void | Promise<void>;
}

/** One transaction's view of the transport: the target bound in, and whether it is reliable. */
export interface TransactionChannel {
  readonly reliable: boolean;
  send(message: SipRequest | SipResponse): void | Promise<void>;
}

/** Binds a transport to one target, as a transaction sees it. */
export function bindChannel<Target>(transport: TransactionTransport<Target>, target: Target): TransactionChannel {
  return {
    reliable: transport.isReliable(target),
    send: (message) => transport.send(message, target),
  };
}
