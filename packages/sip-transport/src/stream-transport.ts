import { connect as netConnect, createServer as createNetServer, isIP, type Server, type Socket } from 'node:net';
import { connect as tlsConnect, createServer as createTlsServer } from 'node:tls';

import type { Connection } from './connection.js';
import { ConnectionOrientedTransport, type ConnectionTransportOptions, type Dial, type DialEvents } from './connection-oriented-transport.js';
import { normalizeAddress } from './endpoint.js';
import type { Flow } from './flow.js';
import { StreamConnection } from './stream-connection.js';
import type { SendTarget } from './transport.js';

export interface StreamTransportOptions extends ConnectionTransportOptions {
  readonly protocol: 'TCP' | 'TLS';
}

/**
 * SIP over TCP, or over TLS over TCP (RFC 3261 §18, §26.2). Connections are
 * shared, reused and bounded as {@link ConnectionOrientedTransport} describes;
 * this class listens with a TCP or TLS server and dials TCP, then TLS.
 */
export class StreamTransport extends ConnectionOrientedTransport<StreamTransportOptions, Socket> {
  protected override createServer(): Server {
    return this.protocol === 'TLS'
      ? createTlsServer({ ...this.options.tls, handshakeTimeout: this.ctx.connectTimeoutMs }, (s) => this.accept(s))
      : createNetServer((s) => this.accept(s));
  }

  private accept(socket: Socket): void {
    if (!this.admit()) {
      socket.destroy();
      return;
    }
    const remoteAddress = socket.remoteAddress;
    const remotePort = socket.remotePort;
    if (remoteAddress === undefined || remotePort === undefined) {
      this.ctx.table.release();
      socket.destroy();
      return;
    }
    this.accepted(socket, socket, { address: remoteAddress, port: remotePort });
  }

  protected override dial(target: SendTarget, localAddress: string | undefined, events: DialEvents<Socket>): Dial {
    const host = normalizeAddress(target.address);
    const raw = netConnect({ host, port: target.port, localAddress });
    const name = target.serverName ?? host;
    const socket: Socket =
      this.protocol === 'TLS'
        ? tlsConnect({
            ...this.options.tlsClient,
            socket: raw,
            host,
            // SNI only for names (RFC 6066 §3); certificate identity checked against the name or IP.
            servername: isIP(name) === 0 ? name : undefined,
            rejectUnauthorized: this.options.tlsClient?.rejectUnauthorized ?? true,
          })
        : raw;
    if (socket !== raw) raw.once('error', (err) => socket.destroy(err));
    socket.once('error', (err) => events.failed(err));
    socket.once(this.protocol === 'TLS' ? 'secureConnect' : 'connect', () => {
      events.opened(
        socket,
        { address: normalizeAddress(socket.localAddress ?? ''), port: socket.localPort ?? 0 },
        { address: normalizeAddress(socket.remoteAddress ?? host), port: target.port },
      );
    });
    return {
      peer: `${host}:${target.port}`,
      abort: () => {
        socket.destroy();
        raw.destroy();
      },
    };
  }

  protected override createConnection(socket: Socket, flow: Flow, outbound: boolean, onClose: (connection: Connection) => void): Connection {
    return new StreamConnection(socket, flow, outbound, this.ctx, onClose);
  }
}
