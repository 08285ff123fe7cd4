import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { isIP, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';

import { WebSocket, WebSocketServer } from 'ws';

import type { Endpoint } from './endpoint.js';
import { formatHostPort, normalizeAddress } from './endpoint.js';
import type { Flow } from './flow.js';
import { newConnectionFlowId, remoteKey } from './flow.js';
import { isUnspecified } from './stream-transport.js';
import type { TlsClientOptions, TlsServerOptions } from './tls-options.js';
import { deliverClosed, type SendTarget, type Transport, type TransportContext } from './transport.js';
import { TransportError } from './transport-error.js';
import { WsConnection } from './ws-connection.js';

/** RFC 7118 §4.1: the WebSocket subprotocol for SIP. */
export const SIP_WS_SUBPROTOCOL = 'sip';

export interface WsTransportOptions {
  readonly protocol: 'WS' | 'WSS';
  readonly address: string;
  readonly port: number;
  readonly clientOnly?: boolean;
  /** Required for a WSS listener. */
  readonly tls?: TlsServerOptions;
  /** For outbound WSS connections. */
  readonly tlsClient?: TlsClientOptions;
  /** Request path of outbound connections. Default "/". Listeners accept any path. */
  readonly path?: string;
}

/**
 * SIP over WebSocket (RFC 7118), plain ("WS") or over TLS ("WSS"). The listener
 * is an HTTP(S) server whose upgrade requests are accepted only when they offer
 * the "sip" subprotocol (§4.1: the 101 MUST contain "sip"; a handshake without it
 * is refused with 400). Outbound connections ask for "sip" and fail when the
 * server does not select it.
 */
export class WsTransport implements Transport {
  readonly protocol: 'WS' | 'WSS';
  readonly family: 4 | 6;
  private server: HttpServer | undefined;
  private readonly wss: WebSocketServer;
  private bound: Endpoint;
  private readonly pending = new Map<string, Promise<WsConnection>>();
  private readonly own = new Set<WsConnection>();
  private readonly handshaking = new Set<Duplex>();
  private closing = false;

  constructor(
    private readonly ctx: TransportContext,
    private readonly options: WsTransportOptions,
  ) {
    this.protocol = options.protocol;
    this.family = isIP(normalizeAddress(options.address)) === 6 ? 6 : 4;
    this.bound = { address: options.address, port: options.port };
    if (options.protocol === 'WSS' && options.clientOnly !== true && options.tls === undefined) {
      throw new TypeError('A WSS listener needs tls options (key and cert)');
    }
    this.wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      maxPayload: ctx.maxMessageSize,
      handleProtocols: (protocols) => (protocols.has(SIP_WS_SUBPROTOCOL) ? SIP_WS_SUBPROTOCOL : false),
    });
  }

  get local(): Endpoint {
    return this.bound;
  }

  listen(): Promise<Endpoint> {
    if (this.options.clientOnly === true) return Promise.resolve(this.bound);
    const server: HttpServer =
      this.protocol === 'WSS'
        ? createHttpsServer({ ...this.options.tls, handshakeTimeout: this.ctx.connectTimeoutMs })
        : createHttpServer();
    server.on('request', (_req, res) => {
      // Not a WebSocket handshake: RFC 6455 §4.2.2 / RFC 7231 §6.5.15.
      res.writeHead(426, { Upgrade: 'websocket', Connection: 'close', 'Content-Length': '0' }).end();
    });
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
    if (this.protocol === 'WSS') {
      server.on('tlsClientError', (_err: Error, socket: Socket) => {
        this.ctx.metrics.increment('tlsHandshakeFailures', 'WSS');
        socket.destroy();
      });
    }
    server.on('clientError', (_err: Error, socket: Duplex) => socket.destroy());
    server.maxConnections = this.ctx.table.maxConnections;
    server.on('drop', () => this.ctx.metrics.increment('connectionsRefused', this.protocol));
    server.headersTimeout = this.ctx.connectTimeoutMs;
    server.requestTimeout = this.ctx.connectTimeoutMs;
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

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    if (!offered.includes(SIP_WS_SUBPROTOCOL)) {
      // RFC 7118 §4.1: the client MUST offer "sip"; refuse a WebSocket without it.
      this.ctx.metrics.increment('wsSubprotocolRefused', this.protocol);
      rejectHandshake(socket, 400, 'Bad Request', 'WebSocket subprotocol "sip" required (RFC 7118)');
      return;
    }
    if (this.closing || !this.ctx.table.reserve()) {
      this.ctx.metrics.increment('connectionsRefused', this.protocol);
      rejectHandshake(socket, 503, 'Service Unavailable', 'Too many connections');
      return;
    }
    this.handshaking.add(socket);
    let adopted = false;
    socket.once('close', () => {
      this.handshaking.delete(socket);
      if (!adopted) this.ctx.table.release();
    });
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      adopted = true;
      this.handshaking.delete(socket);
      const s = req.socket;
      const flow: Flow = {
        id: newConnectionFlowId(this.protocol),
        protocol: this.protocol,
        local: { address: normalizeAddress(s.localAddress ?? this.bound.address), port: s.localPort ?? this.bound.port },
        remote: { address: normalizeAddress(s.remoteAddress ?? ''), port: s.remotePort ?? 0 },
      };
      this.adopt(ws, flow, false);
      this.ctx.metrics.increment('connectionsAccepted', this.protocol);
    });
  }

  private adopt(ws: WebSocket, flow: Flow, outbound: boolean): WsConnection {
    const connection = new WsConnection(ws, flow, outbound, this.ctx, (c) => {
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

  private async connectionTo(target: SendTarget): Promise<WsConnection> {
    const existing = this.ctx.table.getByRemote(this.protocol, target.address, target.port);
    if (existing instanceof WsConnection) return existing;
    const key = remoteKey(this.protocol, target.address, target.port);
    const inFlight = this.pending.get(key);
    if (inFlight !== undefined) return inFlight;
    const attempt = this.open(target).finally(() => this.pending.delete(key));
    this.pending.set(key, attempt);
    return attempt;
  }

  private open(target: SendTarget): Promise<WsConnection> {
    if (this.closing) return Promise.reject(new TransportError('closed', `${this.protocol} transport is closed`));
    if (!this.ctx.table.reserve()) {
      this.ctx.metrics.increment('connectFailures', this.protocol);
      return Promise.reject(new TransportError('too-many-connections', 'Connection table is full'));
    }
    const host = target.serverName ?? normalizeAddress(target.address);
    const scheme = this.protocol === 'WSS' ? 'wss' : 'ws';
    const url = `${scheme}://${formatHostPort(normalizeAddress(target.address), target.port)}${this.options.path ?? '/'}`;
    const bindAddress = normalizeAddress(this.bound.address);
    const localAddress = this.options.clientOnly === true || isUnspecified(bindAddress) ? undefined : bindAddress;
    return new Promise<WsConnection>((resolve, reject) => {
      let settled = false;
      let local: Endpoint | undefined;
      const ws = new WebSocket(url, [SIP_WS_SUBPROTOCOL], {
        ...(this.protocol === 'WSS' ? this.options.tlsClient : {}),
        ...(this.protocol === 'WSS'
          ? { rejectUnauthorized: this.options.tlsClient?.rejectUnauthorized ?? true, servername: isIP(host) === 0 ? host : undefined }
          : {}),
        localAddress,
        perMessageDeflate: false,
        maxPayload: this.ctx.maxMessageSize,
        handshakeTimeout: this.ctx.connectTimeoutMs,
      });
      const timer = this.ctx.clock.setTimeout(() => {
        fail(new TransportError('connect-timeout', `${this.protocol} connect to ${url} timed out`));
      }, this.ctx.connectTimeoutMs);
      const fail = (err: TransportError): void => {
        if (settled) return;
        settled = true;
        this.ctx.clock.clearTimeout(timer);
        this.ctx.table.release();
        this.ctx.metrics.increment('connectFailures', this.protocol);
        ws.terminate();
        reject(err);
      };
      ws.on('error', (err) => fail(new TransportError('connect-failed', `${this.protocol} connect to ${url} failed: ${err.message}`, { cause: err })));
      ws.once('upgrade', (res: IncomingMessage) => {
        local = { address: normalizeAddress(res.socket.localAddress ?? ''), port: res.socket.localPort ?? 0 };
      });
      ws.once('open', () => {
        if (settled) return;
        // RFC 7118 §4.1: the 101 MUST contain "sip" (ws itself refuses a subprotocol not offered).
        if (ws.protocol !== SIP_WS_SUBPROTOCOL) {
          fail(new TransportError('connect-failed', `${url} did not accept the "sip" subprotocol`));
          return;
        }
        settled = true;
        this.ctx.clock.clearTimeout(timer);
        if (this.closing) {
          this.ctx.table.release();
          ws.terminate();
          reject(new TransportError('closed', `${this.protocol} transport is closed`));
          return;
        }
        const flow: Flow = {
          id: newConnectionFlowId(this.protocol),
          protocol: this.protocol,
          local: local ?? { address: '', port: 0 },
          remote: { address: normalizeAddress(target.address), port: target.port },
        };
        this.ctx.metrics.increment('connectionsOpened', this.protocol);
        resolve(this.adopt(ws, flow, true));
      });
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const c of [...this.own]) c.close();
    for (const s of [...this.handshaking]) s.destroy();
    const server = this.server;
    this.server = undefined;
    this.wss.close();
    if (server !== undefined) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }
}

function rejectHandshake(socket: Duplex, status: number, reason: string, body: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  socket.once('finish', () => socket.destroy());
}
