import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';

import { WebSocket, WebSocketServer } from 'ws';

import type { Connection } from './connection.js';
import { ConnectionOrientedTransport, type ConnectionTransportOptions, type Dial, type DialEvents } from './connection-oriented-transport.js';
import type { Endpoint } from './endpoint.js';
import { formatHostPort, normalizeAddress } from './endpoint.js';
import type { Flow } from './flow.js';
import type { SendTarget, TransportContext } from './transport.js';
import { TransportError } from './transport-error.js';
import { WsConnection } from './ws-connection.js';

/** RFC 7118 §4.1: the WebSocket subprotocol for SIP. */
export const SIP_WS_SUBPROTOCOL = 'sip';

export interface WsTransportOptions extends ConnectionTransportOptions {
  readonly protocol: 'WS' | 'WSS';
  /** Request path of outbound connections. Default "/". Listeners accept any path. */
  readonly path?: string;
}

/**
 * SIP over WebSocket (RFC 7118), plain ("WS") or over TLS ("WSS"). The listener
 * is an HTTP(S) server whose upgrade requests are accepted only when they offer
 * the "sip" subprotocol (§4.1: the 101 MUST contain "sip"; a handshake without it
 * is refused with 400). Outbound connections ask for "sip" and fail when the
 * server does not select it. Connections are shared, reused and bounded as
 * {@link ConnectionOrientedTransport} describes.
 */
export class WsTransport extends ConnectionOrientedTransport<WsTransportOptions, WebSocket, HttpServer> {
  private readonly wss: WebSocketServer;
  private readonly handshaking = new Set<Duplex>();

  constructor(ctx: TransportContext, options: WsTransportOptions) {
    super(ctx, options);
    this.wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      maxPayload: ctx.maxMessageSize,
      handleProtocols: (protocols) => (protocols.has(SIP_WS_SUBPROTOCOL) ? SIP_WS_SUBPROTOCOL : false),
    });
  }

  protected override createServer(): HttpServer {
    const server: HttpServer =
      this.protocol === 'WSS'
        ? createHttpsServer({ ...this.options.tls, handshakeTimeout: this.ctx.connectTimeoutMs })
        : createHttpServer();
    server.on('request', (_req, res) => {
      // Not a WebSocket handshake: RFC 6455 §4.2.2 / RFC 7231 §6.5.15.
      res.writeHead(426, { Upgrade: 'websocket', Connection: 'close', 'Content-Length': '0' }).end();
    });
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
    server.on('clientError', (_err: Error, socket: Duplex) => socket.destroy());
    server.headersTimeout = this.ctx.connectTimeoutMs;
    server.requestTimeout = this.ctx.connectTimeoutMs;
    return server;
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    if (!offered.includes(SIP_WS_SUBPROTOCOL)) {
      // RFC 7118 §4.1: the client MUST offer "sip"; refuse a WebSocket without it.
      this.ctx.metrics.increment('wsSubprotocolRefused', this.protocol);
      rejectHandshake(socket, 400, 'Bad Request', 'WebSocket subprotocol "sip" required (RFC 7118)');
      return;
    }
    if (!this.admit()) {
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
      this.accepted(ws, s, { address: s.remoteAddress ?? '', port: s.remotePort ?? 0 });
    });
  }

  protected override dial(target: SendTarget, localAddress: string | undefined, events: DialEvents<WebSocket>): Dial {
    const host = target.serverName ?? normalizeAddress(target.address);
    const scheme = this.protocol === 'WSS' ? 'wss' : 'ws';
    const url = `${scheme}://${formatHostPort(normalizeAddress(target.address), target.port)}${this.options.path ?? '/'}`;
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
    ws.on('error', (err) => events.failed(err));
    ws.once('upgrade', (res: IncomingMessage) => {
      local = { address: normalizeAddress(res.socket.localAddress ?? ''), port: res.socket.localPort ?? 0 };
    });
    ws.once('open', () => {
      // RFC 7118 §4.1: the 101 MUST contain "sip" (ws itself refuses a subprotocol not offered).
      if (ws.protocol !== SIP_WS_SUBPROTOCOL) {
        events.failed(new TransportError('connect-failed', `${url} did not accept the "sip" subprotocol`));
        return;
      }
      events.opened(ws, local ?? { address: '', port: 0 }, { address: normalizeAddress(target.address), port: target.port });
    });
    return { peer: url, abort: () => ws.terminate() };
  }

  protected override createConnection(ws: WebSocket, flow: Flow, outbound: boolean, onClose: (connection: Connection) => void): Connection {
    return new WsConnection(ws, flow, outbound, this.ctx, onClose);
  }

  override async close(): Promise<void> {
    for (const s of [...this.handshaking]) s.destroy();
    this.wss.close();
    await super.close();
  }

  protected override closeServer(server: HttpServer): Promise<void> {
    // Also the HTTP connections that never upgraded (a request still being read).
    server.closeAllConnections();
    return super.closeServer(server);
  }
}

function rejectHandshake(socket: Duplex, status: number, reason: string, body: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  socket.once('finish', () => socket.destroy());
}
