import { connect as netConnect, createServer as createNetServer, isIP, type Server, type Socket } from 'node:net';
import { connect as tlsConnect, createServer as createTlsServer, type TLSSocket } from 'node:tls';

import type { Endpoint } from './endpoint.js';
import { normalizeAddress } from './endpoint.js';
import type { Flow } from './flow.js';
import { newConnectionFlowId, remoteKey } from './flow.js';
import { StreamConnection } from './stream-connection.js';
import type { TlsClientOptions, TlsServerOptions } from './tls-options.js';
import { deliverClosed, type SendTarget, type Transport, type TransportContext } from './transport.js';
import { TransportError } from './transport-error.js';

export interface StreamTransportOptions {
  readonly protocol: 'TCP' | 'TLS';
  readonly address: string;
  readonly port: number;
  /** Do not listen; only open outbound connections. */
  readonly clientOnly?: boolean;
  /** Required for a TLS listener. */
  readonly tls?: TlsServerOptions;
  /** For outbound TLS connections. */
  readonly tlsClient?: TlsClientOptions;
}

/**
 * SIP over TCP, or over TLS over TCP (RFC 3261 §18, §26.2). Accepted and opened
 * connections go into the shared connection table, indexed by the far end
 * (RFC 3261 §18) and by flow id; a send to a far end with an open connection
 * reuses it (§18.1.1), otherwise a connection is opened within the connect
 * timeout. Concurrent sends to the same far end share one connection attempt.
 */
export class StreamTransport implements Transport {
  readonly protocol: 'TCP' | 'TLS';
  readonly family: 4 | 6;
  private server: Server | undefined;
  private bound: Endpoint;
  private readonly pending = new Map<string, Promise<StreamConnection>>();
  private readonly own = new Set<StreamConnection>();
  private closing = false;

  constructor(
    private readonly ctx: TransportContext,
    private readonly options: StreamTransportOptions,
  ) {
    this.protocol = options.protocol;
    this.family = isIP(normalizeAddress(options.address)) === 6 ? 6 : 4;
    this.bound = { address: options.address, port: options.port };
    if (options.protocol === 'TLS' && options.clientOnly !== true && options.tls === undefined) {
      throw new TypeError('A TLS listener needs tls options (key and cert)');
    }
  }

  get local(): Endpoint {
    return this.bound;
  }

  listen(): Promise<Endpoint> {
    if (this.options.clientOnly === true) return Promise.resolve(this.bound);
    const server =
      this.protocol === 'TLS'
        ? createTlsServer({ ...this.options.tls, handshakeTimeout: this.ctx.connectTimeoutMs }, (s) => this.accept(s))
        : createNetServer((s) => this.accept(s));
    if (this.protocol === 'TLS') {
      server.on('tlsClientError', (_err: Error, socket: TLSSocket) => {
        this.ctx.metrics.increment('tlsHandshakeFailures', 'TLS');
        socket.destroy();
      });
    }
    // Bound the sockets the server holds, handshaking ones included.
    server.maxConnections = this.ctx.table.maxConnections;
    server.on('drop', () => this.ctx.metrics.increment('connectionsRefused', this.protocol));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.bound.port, normalizeAddress(this.bound.address), () => {
        server.off('error', reject);
        server.on('error', () => undefined);
        const a = server.address();
        if (a !== null && typeof a === 'object') this.bound = { address: normalizeAddress(a.address), port: a.port };
        this.server = server;
        resolve(this.bound);
      });
    });
  }

  private accept(socket: Socket): void {
    if (this.closing || !this.ctx.table.reserve()) {
      this.ctx.metrics.increment('connectionsRefused', this.protocol);
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
    const flow: Flow = {
      id: newConnectionFlowId(this.protocol),
      protocol: this.protocol,
      local: { address: normalizeAddress(socket.localAddress ?? this.bound.address), port: socket.localPort ?? this.bound.port },
      remote: { address: normalizeAddress(remoteAddress), port: remotePort },
    };
    this.adopt(socket, flow, false);
    this.ctx.metrics.increment('connectionsAccepted', this.protocol);
  }

  private adopt(socket: Socket, flow: Flow, outbound: boolean): StreamConnection {
    const connection = new StreamConnection(socket, flow, outbound, this.ctx, (c) => {
      this.own.delete(c);
      this.ctx.table.remove(c);
      this.ctx.metrics.increment('connectionsClosed', this.protocol);
      deliverClosed(this.ctx, c.flow);
    });
    this.own.add(connection);
    this.ctx.table.add(connection);
    return connection;
  }

  async send(target: SendTarget, data: Buffer): Promise<Flow> {
    const connection = await this.connectionTo(target);
    await connection.send(data);
    return connection.flow;
  }

  async connect(target: SendTarget): Promise<Flow> {
    return (await this.connectionTo(target)).flow;
  }

  async sendOnFlow(flow: Flow, data: Buffer): Promise<boolean> {
    const connection = this.ctx.table.getByFlowId(flow.id);
    if (connection === undefined) return false;
    await connection.send(data);
    return true;
  }

  /** An open connection to the target, reused (RFC 3261 §18.1.1) or opened. */
  private async connectionTo(target: SendTarget): Promise<StreamConnection> {
    const existing = this.ctx.table.getByRemote(this.protocol, target.address, target.port);
    if (existing instanceof StreamConnection) return existing;
    const key = remoteKey(this.protocol, target.address, target.port);
    const inFlight = this.pending.get(key);
    if (inFlight !== undefined) return inFlight;
    const attempt = this.open(target).finally(() => this.pending.delete(key));
    this.pending.set(key, attempt);
    return attempt;
  }

  private open(target: SendTarget): Promise<StreamConnection> {
    if (this.closing) return Promise.reject(new TransportError('closed', `${this.protocol} transport is closed`));
    if (!this.ctx.table.reserve()) {
      this.ctx.metrics.increment('connectFailures', this.protocol);
      return Promise.reject(new TransportError('too-many-connections', 'Connection table is full'));
    }
    const host = normalizeAddress(target.address);
    const bindAddress = normalizeAddress(this.bound.address);
    // Send from the listening address when it is a specific one, so the peer sees the expected source.
    const localAddress = this.options.clientOnly === true || isUnspecified(bindAddress) ? undefined : bindAddress;
    return new Promise<StreamConnection>((resolve, reject) => {
      let settled = false;
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
      const timer = this.ctx.clock.setTimeout(() => {
        fail(new TransportError('connect-timeout', `${this.protocol} connect to ${host}:${target.port} timed out`));
      }, this.ctx.connectTimeoutMs);
      const fail = (err: TransportError): void => {
        if (settled) return;
        settled = true;
        this.ctx.clock.clearTimeout(timer);
        this.ctx.table.release();
        this.ctx.metrics.increment('connectFailures', this.protocol);
        socket.destroy();
        raw.destroy();
        reject(err);
      };
      socket.once('error', (err) => {
        fail(new TransportError('connect-failed', `${this.protocol} connect to ${host}:${target.port} failed: ${err.message}`, { cause: err }));
      });
      socket.once(this.protocol === 'TLS' ? 'secureConnect' : 'connect', () => {
        if (settled) return;
        settled = true;
        this.ctx.clock.clearTimeout(timer);
        if (this.closing) {
          this.ctx.table.release();
          socket.destroy();
          reject(new TransportError('closed', `${this.protocol} transport is closed`));
          return;
        }
        const flow: Flow = {
          id: newConnectionFlowId(this.protocol),
          protocol: this.protocol,
          local: { address: normalizeAddress(socket.localAddress ?? ''), port: socket.localPort ?? 0 },
          remote: { address: normalizeAddress(socket.remoteAddress ?? host), port: target.port },
        };
        this.ctx.metrics.increment('connectionsOpened', this.protocol);
        resolve(this.adopt(socket, flow, true));
      });
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const c of [...this.own]) c.close();
    const server = this.server;
    this.server = undefined;
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export function isUnspecified(address: string): boolean {
  return address === '0.0.0.0' || address === '::';
}
