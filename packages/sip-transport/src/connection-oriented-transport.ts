import { isIP, type Server, type Socket } from 'node:net';

import type { Connection } from './connection.js';
import type { Endpoint } from './endpoint.js';
import { isUnspecified, normalizeAddress } from './endpoint.js';
import type { Flow } from './flow.js';
import { newConnectionFlowId, remoteKey } from './flow.js';
import type { TlsClientOptions, TlsServerOptions } from './tls-options.js';
import { deliverClosed, type SendTarget, type Transport, type TransportContext } from './transport.js';
import { TransportError } from './transport-error.js';
import { isSecure } from './transport-protocol.js';

/** The protocols that carry SIP on connections: TCP and TLS (RFC 3261 §18), WS and WSS (RFC 7118). */
export type ConnectionProtocol = 'TCP' | 'TLS' | 'WS' | 'WSS';

/** What every connection-oriented transport is configured with. */
export interface ConnectionTransportOptions {
  readonly protocol: ConnectionProtocol;
  readonly address: string;
  readonly port: number;
  /** Do not listen; only open outbound connections. */
  readonly clientOnly?: boolean;
  /** Required for a TLS or WSS listener. */
  readonly tls?: TlsServerOptions;
  /** For outbound TLS or WSS connections. */
  readonly tlsClient?: TlsClientOptions;
}

/** How a subclass's connection attempt ends; only the first report counts. */
export interface DialEvents<Channel> {
  /** The handshake completed: `channel` becomes a connection with these ends. */
  opened(channel: Channel, local: Endpoint, remote: Endpoint): void;
  /** The attempt failed: a TransportError is passed on as it is, any other error as 'connect-failed'. */
  failed(error: Error): void;
}

/** A connection attempt under way. */
export interface Dial {
  /** The far end as error messages name it (`host:port`, a URL). */
  readonly peer: string;
  /** Tears the attempt down: it failed, timed out, or the transport closed meanwhile. */
  abort(): void;
}

/**
 * A transport whose flows are connections (TCP, TLS, WS, WSS). Accepted and
 * opened connections go into the shared connection table, indexed by the far
 * end (RFC 3261 §18) and by flow id; a send to a far end with an open
 * connection reuses it (§18.1.1), otherwise a connection is opened within the
 * connect timeout. Concurrent sends to the same far end share one attempt.
 *
 * A subclass makes the listening server (and accepts on it through `admit` and
 * `accepted`), dials outbound connections, and wraps a socket (`Channel`) in a
 * {@link Connection}.
 */
export abstract class ConnectionOrientedTransport<
  Options extends ConnectionTransportOptions,
  Channel,
  Listener extends Server = Server,
> implements Transport {
  readonly protocol: Options['protocol'];
  readonly family: 4 | 6;
  private server: Listener | undefined;
  private bound: Endpoint;
  private readonly pending = new Map<string, Promise<Connection>>();
  private readonly own = new Set<Connection>();
  private closing = false;

  constructor(
    protected readonly ctx: TransportContext,
    protected readonly options: Options,
  ) {
    this.protocol = options.protocol;
    this.family = isIP(normalizeAddress(options.address)) === 6 ? 6 : 4;
    this.bound = { address: options.address, port: options.port };
    if (isSecure(options.protocol) && options.clientOnly !== true && options.tls === undefined) {
      throw new TypeError(`A ${options.protocol} listener needs tls options (key and cert)`);
    }
  }

  get local(): Endpoint {
    return this.bound;
  }

  /** The listening server, with its handlers for incoming connections. */
  protected abstract createServer(): Listener;

  /** Starts connecting to `target` from `localAddress` (undefined: any); reports the outcome through `events`. */
  protected abstract dial(target: SendTarget, localAddress: string | undefined, events: DialEvents<Channel>): Dial;

  /** Wraps an established socket in a connection that calls `onClose` once when it closes. */
  protected abstract createConnection(channel: Channel, flow: Flow, outbound: boolean, onClose: (connection: Connection) => void): Connection;

  listen(): Promise<Endpoint> {
    if (this.options.clientOnly === true) return Promise.resolve(this.bound);
    const server = this.createServer();
    if (isSecure(this.protocol)) {
      server.on('tlsClientError', (_err: Error, socket: Socket) => {
        this.ctx.metrics.increment('tlsHandshakeFailures', this.protocol);
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

  /**
   * Claims a table slot for an incoming connection; false (counted as refused)
   * when the transport is closing or the table is full.
   */
  protected admit(): boolean {
    if (this.closing || !this.ctx.table.reserve()) {
      this.ctx.metrics.increment('connectionsRefused', this.protocol);
      return false;
    }
    return true;
  }

  /** Adds an incoming connection admitted by `admit`; `socket` is the TCP socket it runs on. */
  protected accepted(channel: Channel, socket: Socket, remote: Endpoint): void {
    const local = { address: normalizeAddress(socket.localAddress ?? this.bound.address), port: socket.localPort ?? this.bound.port };
    this.adopt(channel, local, { address: normalizeAddress(remote.address), port: remote.port }, false);
    this.ctx.metrics.increment('connectionsAccepted', this.protocol);
  }

  private adopt(channel: Channel, local: Endpoint, remote: Endpoint, outbound: boolean): Connection {
    const flow: Flow = { id: newConnectionFlowId(this.protocol), protocol: this.protocol, local, remote };
    const connection = this.createConnection(channel, flow, outbound, (c) => {
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
  private async connectionTo(target: SendTarget): Promise<Connection> {
    // The table is indexed by protocol: a connection found here is one of this protocol's.
    const existing = this.ctx.table.getByRemote(this.protocol, target.address, target.port);
    if (existing !== undefined) return existing;
    const key = remoteKey(this.protocol, target.address, target.port);
    const inFlight = this.pending.get(key);
    if (inFlight !== undefined) return inFlight;
    const attempt = this.open(target).finally(() => this.pending.delete(key));
    this.pending.set(key, attempt);
    return attempt;
  }

  /** Claims a table slot and dials; settles once: opened, failed, or timed out after the connect timeout. */
  private open(target: SendTarget): Promise<Connection> {
    if (this.closing) return Promise.reject(new TransportError('closed', `${this.protocol} transport is closed`));
    if (!this.ctx.table.reserve()) {
      this.ctx.metrics.increment('connectFailures', this.protocol);
      return Promise.reject(new TransportError('too-many-connections', 'Connection table is full'));
    }
    const bindAddress = normalizeAddress(this.bound.address);
    // Send from the listening address when it is a specific one, so the peer sees the expected source.
    const localAddress = this.options.clientOnly === true || isUnspecified(bindAddress) ? undefined : bindAddress;
    return new Promise<Connection>((resolve, reject) => {
      let settled = false;
      const settle = (): boolean => {
        if (settled) return false;
        settled = true;
        this.ctx.clock.clearTimeout(timer);
        return true;
      };
      const fail = (err: TransportError): void => {
        if (!settle()) return;
        this.ctx.table.release();
        this.ctx.metrics.increment('connectFailures', this.protocol);
        dial.abort();
        reject(err);
      };
      const dial = this.dial(target, localAddress, {
        opened: (channel, local, remote) => {
          if (!settle()) return;
          if (this.closing) {
            this.ctx.table.release();
            dial.abort();
            reject(new TransportError('closed', `${this.protocol} transport is closed`));
            return;
          }
          this.ctx.metrics.increment('connectionsOpened', this.protocol);
          resolve(this.adopt(channel, local, remote, true));
        },
        failed: (err) => {
          fail(
            err instanceof TransportError
              ? err
              : new TransportError('connect-failed', `${this.protocol} connect to ${dial.peer} failed: ${err.message}`, { cause: err }),
          );
        },
      });
      const timer = this.ctx.clock.setTimeout(() => {
        fail(new TransportError('connect-timeout', `${this.protocol} connect to ${dial.peer} timed out`));
      }, this.ctx.connectTimeoutMs);
    });
  }

  /** Stops listening and closes this transport's connections. */
  async close(): Promise<void> {
    this.closing = true;
    for (const c of [...this.own]) c.close();
    const server = this.server;
    this.server = undefined;
    if (server !== undefined) await this.closeServer(server);
  }

  /** Closes the listening server; resolves once it has closed. */
  protected closeServer(server: Listener): Promise<void> {
    return new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
