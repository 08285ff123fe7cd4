import type { TlsServerOptions } from './tls-options.js';
import type { TransportProtocol } from './transport-protocol.js';

/** One listener: a protocol bound to an address and port. */
export interface ListenerConfig {
  readonly protocol: TransportProtocol;
  /** Address to bind (IPv4 or IPv6 literal; "0.0.0.0" / "::" for all). */
  readonly address: string;
  /** Port to bind; 0 picks a free one. */
  readonly port: number;
  /**
   * Host put in the Via sent-by of requests sent through this listener
   * (RFC 3261 §18.1.1; an FQDN is RECOMMENDED). Default: the bound address.
   */
  readonly sentByHost?: string;
  /** Port put in the Via sent-by. Default: the bound port. */
  readonly sentByPort?: number;
  /** Do not listen; only open outbound connections (TCP, TLS, WS, WSS). */
  readonly clientOnly?: boolean;
  /** Certificate and key; required for TLS and WSS listeners. */
  readonly tls?: TlsServerOptions;
  /** WS/WSS: request path of outbound connections. Default "/". */
  readonly wsPath?: string;
}
