import { isUtf8 } from 'node:buffer';

import { WebSocket, type RawData } from 'ws';

import type { Connection } from './connection.js';
import type { Flow } from './flow.js';
import { deliver, type TransportContext } from './transport.js';
import { TransportError } from './transport-error.js';

const PONG = Buffer.from('\r\n', 'latin1');

/**
 * A SIP WebSocket connection (RFC 7118). Each WebSocket message is one SIP
 * message (§5), text or binary (§4.2); a message of only a double CRLF is an
 * RFC 5626 ping (usable over WebSocket, RFC 7118 §6) and is answered with a CRLF.
 */
export class WsConnection implements Connection {
  private lastActive: number;
  private closed = false;

  constructor(
    private readonly ws: WebSocket,
    readonly flow: Flow,
    readonly outbound: boolean,
    private readonly ctx: TransportContext,
    private readonly onClose: (connection: WsConnection) => void,
  ) {
    this.lastActive = ctx.clock.now();
    ws.on('message', (data: RawData) => this.onMessage(toBuffer(data)));
    ws.on('error', () => undefined); // 'close' follows
    ws.on('close', () => this.markClosed());
  }

  private onMessage(data: Buffer): void {
    const protocol = this.flow.protocol;
    this.lastActive = this.ctx.clock.now();
    this.ctx.metrics.increment('bytesReceived', protocol, data.length);
    if (data.length === 4 && data.toString('latin1') === '\r\n\r\n') {
      this.ctx.metrics.increment('keepAlivePingsReceived', protocol);
      this.send(PONG).catch(() => undefined);
      return;
    }
    if (data.length === 2 && data.toString('latin1') === '\r\n') {
      this.ctx.metrics.increment('keepAlivePongsReceived', protocol);
      return;
    }
    deliver(this.ctx, data, this.flow);
  }

  get isOpen(): boolean {
    return !this.closed && this.ws.readyState === WebSocket.OPEN;
  }

  get lastActivity(): number {
    return this.lastActive;
  }

  send(data: Buffer): Promise<void> {
    if (!this.isOpen) return Promise.reject(new TransportError('flow-closed', `Connection ${this.flow.id} is closed`));
    this.lastActive = this.ctx.clock.now();
    return new Promise((resolve, reject) => {
      // RFC 7118 §4.2: a message with any non-UTF-8 byte MUST go in a binary frame.
      this.ws.send(data, { binary: !isUtf8(data) }, (err) => {
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
    this.ws.terminate();
    this.markClosed();
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose(this);
  }
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
