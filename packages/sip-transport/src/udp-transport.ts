import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';

import type { Endpoint } from './endpoint.js';
import { normalizeAddress } from './endpoint.js';
import type { Flow } from './flow.js';
import { udpFlowId } from './flow.js';
import { deliver, type SendTarget, type Transport, type TransportContext } from './transport.js';
import { TransportError } from './transport-error.js';

/** Largest UDP payload over IPv4 (65,535 minus IP and UDP headers; RFC 3261 §18.1.1). */
const MAX_DATAGRAM = 65507;

/**
 * SIP over UDP (RFC 3261 §18), IPv4 or IPv6 by the bind address. Each datagram
 * is one message (§18.3: message-oriented framing is left to the parser, which
 * discards bytes past Content-Length). A UDP flow (RFC 5626 §2.1) is the pair of
 * the local socket and the remote address/port; it never closes.
 */
export class UdpTransport implements Transport {
  readonly protocol = 'UDP' as const;
  readonly family: 4 | 6;
  private socket: Socket | undefined;
  private bound: Endpoint;

  constructor(
    private readonly ctx: TransportContext,
    address: string,
    port: number,
  ) {
    this.family = isIP(normalizeAddress(address)) === 6 ? 6 : 4;
    this.bound = { address, port };
  }

  get local(): Endpoint {
    return this.bound;
  }

  listen(): Promise<Endpoint> {
    return new Promise((resolve, reject) => {
      const socket = createSocket({ type: this.family === 6 ? 'udp6' : 'udp4' });
      const onError = (err: Error): void => reject(err);
      socket.once('error', onError);
      socket.on('message', (msg, rinfo) => this.onMessage(msg, rinfo.address, rinfo.port));
      socket.bind(this.bound.port, normalizeAddress(this.bound.address), () => {
        socket.off('error', onError);
        // Errors after bind (e.g. ICMP reports on some platforms) must not crash the process.
        socket.on('error', () => undefined);
        const a = socket.address();
        this.bound = { address: normalizeAddress(a.address), port: a.port };
        this.socket = socket;
        resolve(this.bound);
      });
    });
  }

  private onMessage(msg: Buffer, address: string, port: number): void {
    this.ctx.metrics.increment('bytesReceived', 'UDP', msg.length);
    if (msg.length > this.ctx.maxMessageSize) {
      this.ctx.metrics.increment('messagesDropped', 'UDP');
      return;
    }
    // RFC 5626 §4.4.1: CRLF keep-alives are not for UDP; some UAs send them anyway. Ignore.
    if (isOnlyCrlf(msg)) {
      this.ctx.metrics.increment('keepAlivePingsReceived', 'UDP');
      return;
    }
    deliver(this.ctx, msg, this.flowTo({ address: normalizeAddress(address), port }));
  }

  /** The flow from this socket to a remote address/port. */
  flowTo(remote: Endpoint): Flow {
    return { id: udpFlowId(this.bound, remote), protocol: 'UDP', local: this.bound, remote };
  }

  async send(target: SendTarget, data: Buffer): Promise<Flow> {
    await this.write(target, data);
    return this.flowTo({ address: normalizeAddress(target.address), port: target.port });
  }

  connect(target: SendTarget): Promise<Flow> {
    if (this.socket === undefined) return Promise.reject(new TransportError('closed', 'UDP transport is not listening'));
    return Promise.resolve(this.flowTo({ address: normalizeAddress(target.address), port: target.port }));
  }

  async sendOnFlow(flow: Flow, data: Buffer): Promise<boolean> {
    await this.write(flow.remote, data);
    return true;
  }

  private write(target: Endpoint, data: Buffer): Promise<void> {
    const socket = this.socket;
    if (socket === undefined) return Promise.reject(new TransportError('closed', 'UDP transport is not listening'));
    if (data.length > MAX_DATAGRAM) {
      this.ctx.metrics.increment('sendFailures', 'UDP');
      return Promise.reject(new TransportError('send-failed', `Datagram of ${data.length} bytes exceeds ${MAX_DATAGRAM}`));
    }
    return new Promise((resolve, reject) => {
      socket.send(data, target.port, normalizeAddress(target.address), (err) => {
        if (err) {
          this.ctx.metrics.increment('sendFailures', 'UDP');
          reject(new TransportError('send-failed', `UDP send to ${target.address}:${target.port} failed`, { cause: err }));
          return;
        }
        this.ctx.metrics.increment('bytesSent', 'UDP', data.length);
        resolve();
      });
    });
  }

  close(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (socket === undefined) return Promise.resolve();
    return new Promise((resolve) => socket.close(() => resolve()));
  }
}

function isOnlyCrlf(msg: Buffer): boolean {
  for (const b of msg) if (b !== 0x0d && b !== 0x0a) return false;
  return true;
}
