import type { Clock } from '@simple/clock';

import type { ConnectionTable } from './connection-table.js';
import type { Endpoint } from './endpoint.js';
import type { Flow } from './flow.js';
import type { TransportMetrics } from './transport-metrics.js';
import type { TransportProtocol } from './transport-protocol.js';

/** Where bytes come out of the transports: one datagram, one framed stream message, or one WebSocket message. */
export interface RawMessageSink {
  onData(data: Buffer, flow: Flow): void;
  /** A connection (flow) of a connection-oriented transport was closed. */
  onFlowClosed(flow: Flow): void;
}

/** What every transport shares: settings, the connection table, the sink and the counters. */
export interface TransportContext {
  readonly clock: Clock;
  readonly table: ConnectionTable;
  readonly sink: RawMessageSink;
  readonly metrics: TransportMetrics;
  readonly maxMessageSize: number;
  readonly connectTimeoutMs: number;
}

/** A destination for bytes: an address (IP, or host name) and port; for TLS/WSS the name to check the certificate against. */
export interface SendTarget extends Endpoint {
  /** TLS SNI and certificate name (RFC 5922); defaults to the address. */
  readonly serverName?: string;
}

/** One listener (and client side) of one protocol. */
export interface Transport {
  readonly protocol: TransportProtocol;
  /** Bound address and port; the configured ones until `listen()` resolved. */
  readonly local: Endpoint;
  /** Address family of the bound address. */
  readonly family: 4 | 6;
  /** Starts listening (or only prepares, for a client-only transport). */
  listen(): Promise<Endpoint>;
  /**
   * Sends one message. UDP: a datagram. Connection-oriented: on an open
   * connection to the target if there is one (RFC 3261 §18.1.1), else on a new
   * one. Resolves with the flow used; rejects with a TransportError.
   */
  send(target: SendTarget, data: Buffer): Promise<Flow>;
  /**
   * The flow a send to the target would use: an open connection to it (reused,
   * RFC 3261 §18.1.1) or a new one; for UDP, the flow from this socket.
   */
  connect(target: SendTarget): Promise<Flow>;
  /** Sends on an existing flow of this transport; false when that flow is closed. */
  sendOnFlow(flow: Flow, data: Buffer): Promise<boolean>;
  /** Stops listening and closes this transport's connections. */
  close(): Promise<void>;
}

/**
 * Hands received bytes to the sink. An exception from the sink is counted
 * (`userErrors`) and swallowed: it must not escape into a socket event handler.
 */
export function deliver(ctx: TransportContext, data: Buffer, flow: Flow): void {
  try {
    ctx.sink.onData(data, flow);
  } catch {
    ctx.metrics.increment('userErrors', flow.protocol);
  }
}

/** Tells the sink a flow closed, with the same protection as {@link deliver}. */
export function deliverClosed(ctx: TransportContext, flow: Flow): void {
  try {
    ctx.sink.onFlowClosed(flow);
  } catch {
    ctx.metrics.increment('userErrors', flow.protocol);
  }
}
