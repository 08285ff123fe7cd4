import type { Socket } from 'node:net';

import type { Connection } from './connection.js';
import type { Flow } from './flow.js';
import { StreamFramer } from './stream-framer.js';
import { deliver, type TransportContext } from './transport.js';
import { TransportError } from './transport-error.js';

const PONG = Buffer.from('\r\n', 'latin1');

/**
 * A TCP or TLS connection: bytes in go through a {@link StreamFramer} (RFC 3261
 * §18.3), whole messages go to the sink with this connection's flow; double-CRLF
 * pings are answered with a CRLF pong at once (RFC 5626 §5.4); a framing error
 * closes the connection.
 */
export class StreamConnection implements Connection {
  private lastActive: number;
  private closed = false;
  private readonly framer: StreamFramer;

  constructor(
    private readonly socket: Socket,
    readonly flow: Flow,
    readonly outbound: boolean,
    private readonly ctx: TransportContext,
    private readonly onClose: (connection: StreamConnection) => void,
  ) {
    this.lastActive = ctx.clock.now();
    const protocol = flow.protocol;
    this.framer = new StreamFramer(
      {
        onMessage: (message) => {
          // A message framed after the connection was closed (e.g. by the sink itself) is not delivered.
          if (!this.closed) deliver(ctx, message, flow);
        },
        onPing: () => {
          ctx.metrics.increment('keepAlivePingsReceived', protocol);
          // RFC 5626 §5.4: "it MUST immediately respond with a single CRLF over the same connection."
          this.send(PONG).catch(() => undefined);
        },
        onPong: () => ctx.metrics.increment('keepAlivePongsReceived', protocol),
        onError: () => {
          ctx.metrics.increment('framingErrors', protocol);
          this.close();
        },
      },
      { maxMessageSize: ctx.maxMessageSize },
    );
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.lastActive = ctx.clock.now();
      ctx.metrics.increment('bytesReceived', protocol, chunk.length);
      this.framer.push(chunk);
    });
    socket.on('error', () => undefined); // 'close' follows
    socket.on('close', () => this.markClosed());
  }

  get isOpen(): boolean {
    return !this.closed && !this.socket.destroyed && this.socket.writable;
  }

  get lastActivity(): number {
    return this.lastActive;
  }

  send(data: Buffer): Promise<void> {
    if (!this.isOpen) return Promise.reject(new TransportError('flow-closed', `Connection ${this.flow.id} is closed`));
    this.lastActive = this.ctx.clock.now();
    return new Promise((resolve, reject) => {
      this.socket.write(data, (err) => {
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
    if (this.closed) return;
    this.socket.destroy();
    this.markClosed();
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose(this);
  }
}
