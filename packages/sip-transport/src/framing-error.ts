/** Why a byte stream could not be cut into SIP messages. */
export type FramingErrorCode =
  /** RFC 3261 §18.3: Content-Length MUST be used with stream-oriented transports. */
  | 'missing-content-length'
  /** Content-Length whose value is not 1*DIGIT (RFC 3261 §20.14). */
  | 'invalid-content-length'
  /** Several Content-Length header fields with different values. */
  | 'conflicting-content-length'
  /** Headers plus body larger than the configured maximum message size. */
  | 'message-too-large';

/**
 * A framing error on a stream: the stream can no longer be trusted to be in sync,
 * so the connection carrying it is closed.
 */
export class FramingError extends Error {
  override readonly name = 'FramingError';
  constructor(
    readonly code: FramingErrorCode,
    message: string,
  ) {
    super(message);
  }
}
