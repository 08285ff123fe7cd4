import { findContentLength } from './content-length.js';
import { FramingError } from './framing-error.js';

/** What a {@link StreamFramer} reports, in stream order. */
export interface StreamFramerSink {
  /** One whole SIP message: headers, the empty line and Content-Length bytes of body. */
  onMessage(message: Buffer): void;
  /**
   * RFC 5626 §3.5.1 / §5.4: a double-CRLF "ping" between messages; the owner MUST
   * answer at once with a single CRLF "pong" on the same connection.
   */
  onPing(): void;
  /**
   * A single CRLF between messages: a "pong" if this side sent a ping (RFC 5626
   * §4.4.1), otherwise one of the CRLFs RFC 3261 §7.5 says to ignore. A CRLF that
   * ends the data received so far is reported at once (a waiting client must learn
   * of its pong); if the next bytes are a CRLF they then complete a ping.
   */
  onPong(): void;
  /** The stream is out of sync; the framer stops and the owner closes the connection. */
  onError(error: FramingError): void;
}

export interface StreamFramerOptions {
  /** Largest message (headers + body) accepted, in bytes. Default 65536. */
  readonly maxMessageSize?: number;
}

export const DEFAULT_MAX_MESSAGE_SIZE = 65536;

const CR = 0x0d;
const LF = 0x0a;
const EMPTY = Buffer.alloc(0);
const HEADER_END = Buffer.from('\r\n\r\n', 'latin1');

/**
 * Cuts a TCP/TLS byte stream into SIP messages (RFC 3261 §18.3: on a stream the
 * Content-Length header field gives the size of the body and MUST be present).
 *
 * It never throws on any input and always makes progress: each step either
 * consumes bytes or waits for more. The buffer is bounded by `maxMessageSize`;
 * a message that would not fit, a missing or non-numeric Content-Length, or two
 * different Content-Length values are framing errors, after which the framer
 * ignores further input (the owner closes the connection).
 */
export class StreamFramer {
  readonly maxMessageSize: number;
  /**
   * Bytes not yet framed are `store[start, end)`. Bytes once written to `store` are
   * never overwritten (growth allocates a new store), so the message Buffers
   * handed out, which are views into it, stay valid; appending is amortised O(1)
   * per byte however finely the stream is split.
   */
  private store: Buffer = EMPTY;
  private start = 0;
  private end = 0;
  /** Whether `store` was allocated here (and so may be appended to in place). */
  private owned = false;
  /** Where, relative to `start`, the search for CRLFCRLF resumes, so that a slow stream is not rescanned. */
  private scanFrom = 0;
  /** Total length (headers + body) of the message being assembled, once its headers are complete. */
  private total = -1;
  /** A lone CRLF ended the previous data; a following CRLF makes it a ping. */
  private halfPing = false;
  private failed = false;

  constructor(
    private readonly sink: StreamFramerSink,
    options: StreamFramerOptions = {},
  ) {
    this.maxMessageSize = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
  }

  /** Whether a framing error stopped this framer. */
  get hasFailed(): boolean {
    return this.failed;
  }

  /** Bytes held waiting for the rest of a message. */
  get buffered(): number {
    return this.end - this.start;
  }

  /** Feeds the next bytes of the stream. */
  push(chunk: Buffer): void {
    if (this.failed || chunk.length === 0) return;
    this.append(chunk);
    this.drain();
  }

  private append(chunk: Buffer): void {
    const live = this.end - this.start;
    if (live === 0) {
      this.store = chunk;
      this.start = 0;
      this.end = chunk.length;
      this.owned = false;
      return;
    }
    if (this.owned && this.end + chunk.length <= this.store.length) {
      chunk.copy(this.store, this.end);
      this.end += chunk.length;
      return;
    }
    const need = live + chunk.length;
    const capacity = Math.max(need, Math.min(need * 2, this.maxMessageSize + 4));
    const next = Buffer.allocUnsafe(capacity);
    this.store.copy(next, 0, this.start, this.end);
    chunk.copy(next, live);
    this.store = next;
    this.start = 0;
    this.end = need;
    this.owned = true;
  }

  private view(): Buffer {
    return this.store.subarray(this.start, this.end);
  }

  private fail(error: FramingError): void {
    this.failed = true;
    this.store = EMPTY;
    this.start = this.end = 0;
    this.sink.onError(error);
  }

  private consume(n: number): void {
    this.start += n;
    if (this.start >= this.end) {
      this.store = EMPTY;
      this.start = this.end = 0;
      this.owned = false;
    }
  }

  private drain(): void {
    while (!this.failed && this.end > this.start) {
      if (this.total < 0 && this.scanFrom === 0 && this.store[this.start] === CR) {
        // Between messages. RFC 5626 §4.4.1: "ping" = CRLF CRLF, "pong" = CRLF;
        // RFC 3261 §7.5: CRLFs before a start line are ignored.
        if (!this.skipKeepAlive()) return;
        continue;
      }
      this.halfPing = false;
      const buf = this.view();
      if (this.total < 0) {
        const end = buf.indexOf(HEADER_END, Math.max(0, this.scanFrom - 3));
        if (end < 0) {
          if (buf.length > this.maxMessageSize) {
            this.fail(new FramingError('message-too-large', `Header section exceeds ${this.maxMessageSize} bytes`));
            return;
          }
          this.scanFrom = buf.length;
          return;
        }
        const headerLength = end + HEADER_END.length;
        const cl = findContentLength(buf.subarray(0, end));
        if (cl instanceof FramingError) {
          this.fail(cl);
          return;
        }
        if (cl === undefined) {
          // RFC 3261 §18.3: "The Content-Length header field MUST be used with stream oriented transports."
          this.fail(new FramingError('missing-content-length', 'Missing Content-Length on a stream transport'));
          return;
        }
        if (headerLength + cl > this.maxMessageSize) {
          this.fail(
            new FramingError('message-too-large', `Message of ${headerLength + cl} bytes exceeds ${this.maxMessageSize}`),
          );
          return;
        }
        this.total = headerLength + cl;
      }
      if (buf.length < this.total) return;
      const message = buf.subarray(0, this.total);
      this.consume(this.total);
      this.total = -1;
      this.scanFrom = 0;
      this.sink.onMessage(message);
    }
  }

  /**
   * Handles CRLFs at the start of the unframed bytes. Returns false when it must
   * wait for more bytes, true when it consumed something (or found a message start).
   */
  private skipKeepAlive(): boolean {
    const b = this.view();
    if (b.length < 2) return false; // a lone CR: wait for its LF
    if (b[1] !== LF) {
      // CR not followed by LF: not a keep-alive; let it be framed (and rejected upstairs).
      this.halfPing = false;
      this.scanFrom = 1;
      return true;
    }
    if (this.halfPing) {
      // The CRLF reported as a pong was the first half of a ping.
      this.halfPing = false;
      this.consume(2);
      this.sink.onPing();
      return true;
    }
    if (b.length === 2) {
      this.halfPing = true;
      this.consume(2);
      this.sink.onPong();
      return true;
    }
    if (b[2] !== CR) {
      this.consume(2);
      this.sink.onPong();
      return true;
    }
    if (b.length === 3) return false; // CRLF CR: wait, a ping may be arriving
    if (b[3] === LF) {
      this.consume(4);
      this.sink.onPing();
      return true;
    }
    this.consume(2);
    this.sink.onPong();
    return true;
  }
}
