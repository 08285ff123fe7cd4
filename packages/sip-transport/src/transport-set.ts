import { isIP } from 'node:net';

import { systemClock, type Clock } from '@simple/clock';

import type { Connection } from './connection.js';
import { ConnectionTable } from './connection-table.js';
import type { Endpoint } from './endpoint.js';
import { normalizeAddress } from './endpoint.js';
import type { Flow } from './flow.js';
import type { ListenerConfig } from './listener-config.js';
import { DEFAULT_MAX_MESSAGE_SIZE } from './stream-framer.js';
import { defaultSentByHost } from './sent-by.js';
import { StreamTransport } from './stream-transport.js';
import type { TlsClientOptions } from './tls-options.js';
import type { RawMessageSink, SendTarget, Transport, TransportContext } from './transport.js';
import { TransportError } from './transport-error.js';
import type { TransportMetrics } from './transport-metrics.js';
import { noMetrics } from './transport-metrics.js';
import type { TransportProtocol } from './transport-protocol.js';
import { UdpTransport } from './udp-transport.js';
import { WsTransport } from './ws-transport.js';

/** Byte-level settings shared by every listener. */
export interface TransportSetConfig {
  readonly listeners: readonly ListenerConfig[];
  /** Largest message accepted (stream framing, datagrams, WebSocket messages). Default 65536. */
  readonly maxMessageSize?: number;
  /** Connections (TCP, TLS, WS, WSS; inbound and outbound) open at once. Default 10000. */
  readonly maxConnections?: number;
  /**
   * A connection without traffic for this long is closed. Default 180000 ms:
   * above 64*T1 (RFC 3261 §18) and above the 120 s upper bound of RFC 5626
   * §4.4.1 keep-alives, so that a kept-alive flow stays open.
   */
  readonly idleTimeoutMs?: number;
  /** Time allowed to establish an outbound connection (TCP, TLS and WebSocket handshakes). Default 10000 ms. */
  readonly connectTimeoutMs?: number;
  /** How outbound TLS / WSS connections verify servers. */
  readonly tlsClient?: TlsClientOptions;
  readonly clock?: Clock;
  readonly metrics?: TransportMetrics;
}

export const DEFAULT_MAX_CONNECTIONS = 10000;
export const DEFAULT_IDLE_TIMEOUT_MS = 180_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** A started listener: its protocol, bound endpoint and the sent-by it advertises. */
export interface ListenerInfo {
  readonly protocol: TransportProtocol;
  readonly local: Endpoint;
  readonly family: 4 | 6;
  readonly sentBy: { readonly host: string; readonly port: number };
  readonly clientOnly: boolean;
}

interface Entry {
  readonly config: ListenerConfig;
  readonly transport: Transport;
}

/**
 * All transports of one SIP element at byte level: the listeners, the shared
 * connection table (RFC 3261 §18: connections are shared by client and server
 * transports), and sending by target or by flow. Bytes received go to a
 * {@link RawMessageSink}; the message level is {@link TransportLayer}.
 */
export class TransportSet {
  readonly table: ConnectionTable;
  private readonly entries: Entry[];
  private readonly ctx: TransportContext;
  private started = false;
  /** Listener facts computed once after binding (the sent-by default may look at the interfaces). */
  private infos: ListenerInfo[] | undefined;

  constructor(config: TransportSetConfig, sink: RawMessageSink) {
    const clock = config.clock ?? systemClock;
    const metrics = config.metrics ?? noMetrics;
    this.table = new ConnectionTable({
      clock,
      maxConnections: config.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
      idleTimeoutMs: config.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
      onIdleClose: (c: Connection) => metrics.increment('connectionsIdleClosed', c.flow.protocol),
    });
    this.ctx = {
      clock,
      metrics,
      sink,
      table: this.table,
      maxMessageSize: config.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE,
      connectTimeoutMs: config.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    };
    this.entries = config.listeners.map((l) => ({ config: l, transport: this.create(l, config.tlsClient) }));
  }

  private create(l: ListenerConfig, tlsClient: TlsClientOptions | undefined): Transport {
    // What every connection-oriented transport takes from the listener config.
    const connection = { address: l.address, port: l.port, clientOnly: l.clientOnly, tls: l.tls, tlsClient };
    switch (l.protocol) {
      case 'UDP':
        if (l.clientOnly === true) throw new TypeError('A UDP transport cannot be client-only');
        return new UdpTransport(this.ctx, l.address, l.port);
      case 'TCP':
      case 'TLS':
        return new StreamTransport(this.ctx, { ...connection, protocol: l.protocol });
      case 'WS':
      case 'WSS':
        return new WsTransport(this.ctx, { ...connection, protocol: l.protocol, path: l.wsPath });
    }
  }

  /** Binds every listener; on failure, closes those already bound and rejects. */
  async start(): Promise<void> {
    if (this.started) return;
    try {
      for (const e of this.entries) await e.transport.listen();
      this.started = true;
      this.infos = this.computeListeners();
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** Closes every listener and connection. */
  async stop(): Promise<void> {
    this.started = false;
    this.infos = undefined;
    await Promise.all(this.entries.map((e) => e.transport.close()));
    this.table.closeAll();
  }

  /** The listeners with their bound endpoints (after `start`) and advertised sent-by. */
  listeners(): readonly ListenerInfo[] {
    return this.infos ?? this.computeListeners();
  }

  private computeListeners(): ListenerInfo[] {
    return this.entries.map((e) => ({
      protocol: e.transport.protocol,
      local: e.transport.local,
      family: e.transport.family,
      sentBy: {
        host: e.config.sentByHost ?? defaultSentByHost(e.transport.local.address, e.transport.family),
        port: e.config.sentByPort ?? e.transport.local.port,
      },
      clientOnly: e.config.clientOnly === true,
    }));
  }

  /** The listener to send with for a protocol and destination address (same address family preferred). */
  listenerFor(protocol: TransportProtocol, address?: string): ListenerInfo | undefined {
    const i = this.indexFor(protocol, address);
    return i < 0 ? undefined : this.listeners()[i];
  }

  /**
   * The sent-by (RFC 3261 §18.1.1) for a request sent over `flow` with `protocol`:
   * the listener's configured or default one; a client-only transport, having no
   * listening port, advertises the connection's local address and port unless
   * configured otherwise.
   */
  sentByFor(protocol: TransportProtocol, flow: Flow): { host: string; port: number } {
    const i = this.indexFor(protocol, flow.remote.address);
    const e = this.entries[i];
    const info = this.listeners()[i];
    if (e === undefined || info === undefined) return { host: flow.local.address, port: flow.local.port };
    if (!info.clientOnly) return info.sentBy;
    return { host: e.config.sentByHost ?? flow.local.address, port: e.config.sentByPort ?? flow.local.port };
  }

  /**
   * RFC 3261 §18.1.2: whether a sent-by is one this element inserts into
   * requests: a listener's sent-by host or bound address (or, for a response on
   * a connection, the connection's local address) with a listener's sent-by
   * port (or the connection's local port).
   */
  isOwnSentBy(host: string, port: number, flow: Flow): boolean {
    const h = normalizeAddress(host);
    let hostOk = normalizeAddress(flow.local.address) === h;
    let portOk = flow.local.port === port;
    for (const l of this.listeners()) {
      if (normalizeAddress(l.sentBy.host) === h || normalizeAddress(l.local.address) === h) hostOk = true;
      if (l.sentBy.port === port) portOk = true;
    }
    return hostOk && portOk;
  }

  /** Whether some listener (or client-only transport) speaks this protocol. */
  supports(protocol: TransportProtocol): boolean {
    return this.entries.some((e) => e.transport.protocol === protocol);
  }

  private indexFor(protocol: TransportProtocol, address?: string): number {
    const family = address === undefined ? 0 : isIP(normalizeAddress(address));
    let fallback = -1;
    for (let i = 0; i < this.entries.length; i++) {
      const t = this.entries[i]?.transport;
      if (t?.protocol !== protocol) continue;
      if (family === 0 || t.family === family) return i;
      if (fallback < 0) fallback = i;
    }
    return fallback;
  }

  /**
   * Sends bytes to a target over a protocol: a UDP datagram, or a message on an
   * open connection to the target (RFC 3261 §18.1.1), or on one opened for it.
   * Resolves with the flow used.
   */
  async send(protocol: TransportProtocol, target: SendTarget, data: Buffer): Promise<Flow> {
    return this.transportFor(protocol, target.address).send(target, data);
  }

  /**
   * The flow to a target over a protocol: an open connection to it (RFC 3261
   * §18.1.1), else a new one; for UDP, the flow from the matching socket.
   */
  async connect(protocol: TransportProtocol, target: SendTarget): Promise<Flow> {
    return this.transportFor(protocol, target.address).connect(target);
  }

  private transportFor(protocol: TransportProtocol, address: string): Transport {
    const transport = this.entries[this.indexFor(protocol, address)]?.transport;
    if (transport === undefined) {
      this.ctx.metrics.increment('sendFailures', protocol);
      throw new TransportError('no-transport', `No ${protocol} transport configured`);
    }
    return transport;
  }

  /**
   * Sends on a given flow (RFC 5626; RFC 3261 §18.2.2: back on the connection the
   * request came in on). UDP flows are sent from the socket they name. Resolves
   * false when the flow's connection is closed.
   */
  async sendOnFlow(flow: Flow, data: Buffer): Promise<boolean> {
    if (flow.protocol === 'UDP') {
      const local = normalizeAddress(flow.local.address);
      const entry =
        this.entries.find(
          (e) => e.transport.protocol === 'UDP' && e.transport.local.port === flow.local.port && normalizeAddress(e.transport.local.address) === local,
        ) ?? this.entries[this.indexFor('UDP', flow.remote.address)];
      if (entry === undefined) return false;
      return entry.transport.sendOnFlow(flow, data);
    }
    const connection = this.table.getByFlowId(flow.id);
    if (connection === undefined) return false;
    await connection.send(data);
    return true;
  }

  /** The open connection-oriented flow with this id. */
  getFlow(flowId: string): Flow | undefined {
    return this.table.getByFlowId(flowId)?.flow;
  }

  /** Whether a flow can still be sent on (UDP flows always can). */
  isFlowOpen(flow: Flow): boolean {
    return flow.protocol === 'UDP' || this.table.getByFlowId(flow.id) !== undefined;
  }

  /** An open connection to a far end, for reuse (RFC 3261 §18.1.1). */
  findConnectionTo(protocol: TransportProtocol, address: string, port: number): Flow | undefined {
    return this.table.getByRemote(protocol, address, port)?.flow;
  }

  /** Closes the connection of a flow (no-op for UDP). */
  closeFlow(flow: Flow): void {
    this.table.getByFlowId(flow.id)?.close();
  }
}
