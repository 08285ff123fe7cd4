/**
 * The SIP transports this package implements, spelled as in the Via
 * sent-protocol (RFC 3261 §20.42; "WS"/"WSS" from RFC 7118 §5.1).
 */
export type TransportProtocol = 'UDP' | 'TCP' | 'TLS' | 'WS' | 'WSS';

export const TRANSPORT_PROTOCOLS: readonly TransportProtocol[] = ['UDP', 'TCP', 'TLS', 'WS', 'WSS'];

/** Maps a Via transport token (case-insensitive) to a protocol this package speaks, if any. */
export function toTransportProtocol(token: string): TransportProtocol | undefined {
  const upper = token.toUpperCase();
  return (TRANSPORT_PROTOCOLS as readonly string[]).includes(upper) ? (upper as TransportProtocol) : undefined;
}

/**
 * Whether the protocol is reliable in the sense of RFC 3261 §18.2.2 / §17 (TCP,
 * TLS; RFC 7118 §5: WebSocket is a reliable transport).
 */
export function isReliable(protocol: TransportProtocol): boolean {
  return protocol !== 'UDP';
}

/** Whether the protocol runs over TLS (RFC 3261 §26.2; RFC 7118 §5.1 "WSS"). */
export function isSecure(protocol: TransportProtocol): boolean {
  return protocol === 'TLS' || protocol === 'WSS';
}

/**
 * Default port of a Via sent-by without a port (RFC 3261 §18.1.1: 5060 for UDP
 * and TCP, 5061 for TLS). RFC 7118 gives no Via default for WS/WSS; URIs default
 * to 80/443 (§5.5), which is what is used here.
 */
export function defaultPort(protocol: TransportProtocol): number {
  switch (protocol) {
    case 'UDP':
    case 'TCP':
      return 5060;
    case 'TLS':
      return 5061;
    case 'WS':
      return 80;
    case 'WSS':
      return 443;
  }
}
