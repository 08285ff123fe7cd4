import type { Socket } from 'node:net';

import type { Connection } from './connection.js';
import type { Flow } from './flow.js';
import { SocketConnection } from './socket-connection.js';
import { StreamFramer } from './stream-framer.js';
import type { TransportContext } from './transport.js';

/**
 * A TCP or TLS connection: bytes in go through a {@link StreamFramer} (RFC 3261
 * §18.3), whole messages go to the sink with this connection's flow; double-CRLF
 * pings are answered with a CRLF pong at once (RFC 5626 §5.4); a framing error
 * closes the connection.
 */
export class StreamConnection extends SocketConnection {
  private readonly framer: StreamFramer;

  constructor(
    private readonly socket: Socket,
    flow: Flow,
    outbound: boolean,
    ctx: TransportContext,
    onClose: (connection: Connection) => void,
  ) {
    super(flow, outbound, ctx, onClose);
    this.framer = new StreamFramer(
      {
        onMessage: (message) => {
          // A message framed after the connection was closed (e.g. by the sink itself) is not delivered.
          if (!this.closed) this.deliver(message);
        },
        onPing: () => this.answerPing(),
        onPong: () => this.pongReceived(),
        onError: () => {
          ctx.metrics.increment('framingErrors', flow.protocol);
          this.close();
        },
      },
      { maxMessageSize: ctx.maxMessageSize },
    );
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.received(chunk.length);
      this.framer.push(chunk);
    });
    socket.on('error', () => undefined); // 'close' follows
    socket.on('close', () => this.markClosed());
  }

  protected override get socketWritable(): boolean {
    return !this.socket.destroyed && this.socket.writable;
  }

  protected override write(data: Buffer, done: (err?: Error | null) => void): void {
    this.socket.write(data, done);
  }

  protected override destroySocket(): void {
    this.socket.destroy();
  }
}
