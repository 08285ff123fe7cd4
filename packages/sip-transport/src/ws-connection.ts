import { isUtf8 } from 'node:buffer';

import { WebSocket, type RawData } from 'ws';

import type { Connection } from './connection.js';
import type { Flow } from './flow.js';
import { SocketConnection } from './socket-connection.js';
import type { TransportContext } from './transport.js';

/**
 * A SIP WebSocket connection (RFC 7118). Each WebSocket message is one SIP
 * message (§5), text or binary (§4.2); a message of only a double CRLF is an
 * RFC 5626 ping (usable over WebSocket, RFC 7118 §6) and is answered with a CRLF.
 */
export class WsConnection extends SocketConnection {
  constructor(
    private readonly ws: WebSocket,
    flow: Flow,
    outbound: boolean,
    ctx: TransportContext,
    onClose: (connection: Connection) => void,
  ) {
    super(flow, outbound, ctx, onClose);
    ws.on('message', (data: RawData) => this.onMessage(toBuffer(data)));
    ws.on('error', () => undefined); // 'close' follows
    ws.on('close', () => this.markClosed());
  }

  private onMessage(data: Buffer): void {
    this.received(data.length);
    if (data.length === 4 && data.toString('latin1') === '\r\n\r\n') {
      this.answerPing();
      return;
    }
    if (data.length === 2 && data.toString('latin1') === '\r\n') {
      this.pongReceived();
      return;
    }
    this.deliver(data);
  }

  protected override get socketWritable(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  protected override write(data: Buffer, done: (err?: Error | null) => void): void {
    // RFC 7118 §4.2: a message with any non-UTF-8 byte MUST go in a binary frame.
    this.ws.send(data, { binary: !isUtf8(data) }, done);
  }

  protected override destroySocket(): void {
    this.ws.terminate();
  }
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
