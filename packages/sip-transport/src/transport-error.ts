/** Why a message could not be sent (RFC 3261 §18.4: the transport user is informed of a failure in sending). */
export type TransportErrorCode =
  /** No listener / transport configured for the protocol (or address family) asked for. */
  | 'no-transport'
  /** The connection could not be established (refused, reset, TLS or WebSocket handshake failed). */
  | 'connect-failed'
  /** The connection was not established within the connect timeout. */
  | 'connect-timeout'
  /** The connection table is full. */
  | 'too-many-connections'
  /** The flow asked for is closed and cannot be reopened. */
  | 'flow-closed'
  /** The socket refused the data. */
  | 'send-failed'
  /** The message cannot be sent: no usable Via, or no destination can be derived from it. */
  | 'no-destination'
  /** The message lacks what sending needs (a top Via). */
  | 'invalid-message'
  /** The transport is not listening or has been closed. */
  | 'closed';

/** A failure to send, reported to the transport user (RFC 3261 §18.4). */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(
    readonly code: TransportErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
