/** Base class of the errors this package raises or reports. */
export class TransactionError extends Error {
  override name = 'TransactionError';
}

/** A state machine was asked to make a move its figure does not have (a bug, never a network event). */
export class IllegalTransitionError extends TransactionError {
  override name = 'IllegalTransitionError';
  constructor(
    readonly machine: string,
    readonly from: string,
    readonly to: string,
  ) {
    super(`${machine}: illegal transition ${from} -> ${to}`);
  }
}

/**
 * The transport failed to send a message of a transaction (RFC 3261 §17.1.4,
 * §17.2.4). A UAC core treats it as a 503 (RFC 3261 §8.1.3.1); `cause` is what
 * the transport threw or rejected with.
 */
export class TransactionTransportError extends TransactionError {
  override name = 'TransactionTransportError';
  /** The status code the TU should act on (RFC 3261 §8.1.3.1). */
  readonly status = 503;
  constructor(cause: unknown) {
    super(`Transport failure: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** The transaction table is at its configured bound; the request was refused (a server may answer 503). */
export class TransactionTableFullError extends TransactionError {
  override name = 'TransactionTableFullError';
  /** The status a server answers the refused request with (RFC 3261 §21.5.4). */
  readonly status = 503;
  constructor(
    readonly side: 'client' | 'server',
    readonly limit: number,
  ) {
    super(`The ${side} transaction table is full (${limit} transactions)`);
  }
}

/** The TU used the layer wrongly: an ACK handed to a client transaction, a duplicate branch, a request without Via. */
export class TransactionUsageError extends TransactionError {
  override name = 'TransactionUsageError';
}
