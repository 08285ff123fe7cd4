import type { Connection } from './connection.js';
import type { Flow } from './flow.js';
import { deliver, type TransportContext } from './transport.js';
import { TransportError } from './transport-error.js';

const PONG = Buffer.from('\r\n', 'latin1');

/**
 * A {@link Connection} over one socket (a TCP or TLS socket, a WebSocket): the
 * activity time the idle timeout reads, counted writes that fail with a
 * TransportError, RFC 5626 keep-alive answers, and a close that tells the
 * transport once. A subclass says how received bytes become messages, and how
 * to write to, test and tear down its socket.
 */
export abstract class SocketConnection implements Connection {
  private lastActive: number;
  #closed = false;

  protected constructor(
    readonly flow: Flow,
    readonly outbound: boolean,
    protected readonly ctx: TransportContext,
    private readonly onClose: (connection: Connection) => void,
  ) {
    this.lastActive = ctx.clock.now();
  }

  get isOpen(): boolean {
    return !this.#closed && this.socketWritable;
  }

  get lastActivity(): number {
    return this.lastActive;
  }

  send(data: Buffer): Promise<void> {
    if (!this.isOpen) return Promise.reject(new TransportError('flow-closed', `Connection ${this.flow.id} is closed`));
    this.lastActive = this.ctx.clock.now();
    return new Promise((resolve, reject) => {
      this.write(data, (err) => {
        if (err) {
          this.ctx.metrics.increment('sendFailures', this.flow.protocol);
          reject(new TransportError('send-failed', `Write on ${this.flow.id} failed`, { cause: err }));
          return;
        }
        this.ctx.metrics.increment('bytesSent', this.flow.protocol, data.length);
        resolve();
      });
    });
  }

  close(): void {
    if (this.#closed) return;
    this.destroySocket();
    this.markClosed();
  }

  /** Whether the connection has closed (by `close()` or by its socket). */
  protected get closed(): boolean {
    return this.#closed;
  }

  /** Bytes arrived: counts them and marks the connection active. */
  protected received(bytes: number): void {
    this.lastActive = this.ctx.clock.now();
    this.ctx.metrics.increment('bytesReceived', this.flow.protocol, bytes);
  }

  /** Hands one whole received message to the sink. */
  protected deliver(message: Buffer): void {
    deliver(this.ctx, message, this.flow);
  }

  /** A double-CRLF ping arrived. */
  protected answerPing(): void {
    this.ctx.metrics.increment('keepAlivePingsReceived', this.flow.protocol);
    // RFC 5626 §5.4: "it MUST immediately respond with a single CRLF over the same connection."
    this.send(PONG).catch(() => undefined);
  }

  /** A single-CRLF pong arrived. */
  protected pongReceived(): void {
    this.ctx.metrics.increment('keepAlivePongsReceived', this.flow.protocol);
  }

  /** The socket closed (or `close()` ran): tells the transport, once. */
  protected markClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.onClose(this);
  }

  /** Whether the socket still takes data. */
  protected abstract get socketWritable(): boolean;

  /** Writes one whole message (or keep-alive) to the socket; `done` gets the socket's error, if any. */
  protected abstract write(data: Buffer, done: (err?: Error | null) => void): void;

  /** Tears the socket down at once. */
  protected abstract destroySocket(): void;
}
