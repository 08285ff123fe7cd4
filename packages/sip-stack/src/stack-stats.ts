/**
 * Counters of the stack's own decisions, for a service to export as metrics
 * (the transport layer counts its own in `TransportStats`).
 */
export interface SipStackStats {
  /** Requests that started a server transaction and reached the UAS checks. */
  requestsReceived: number;
  /** Retransmitted requests absorbed by their server transaction (RFC 3261 §17.2). */
  retransmissionsAbsorbed: number;
  /** Requests answered by the stack itself (400 validation, 405/501/416/420/415, 481 CANCEL, 503 table full). */
  requestsRejected: number;
  /** Requests handed to the transaction user. */
  requestsToUser: number;
  /** ACKs for 2xx handed to the transaction user. */
  acksToUser: number;
  /** Responses that matched no client transaction (dropped, RFC 6026 §8.9). */
  strayResponses: number;
  /** Server transactions that timed out (Timer H) or failed to send. */
  serverTransactionFailures: number;
}

export function newStackStats(): SipStackStats {
  return {
    requestsReceived: 0,
    retransmissionsAbsorbed: 0,
    requestsRejected: 0,
    requestsToUser: 0,
    acksToUser: 0,
    strayResponses: 0,
    serverTransactionFailures: 0,
  };
}
