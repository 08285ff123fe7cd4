/**
 * The transports a resolved target can name. `tls` is TLS over TCP; `ws` and `wss`
 * are the RFC 7118 WebSocket transports. TLS over SCTP has no member: a target
 * that needs it is refused with `UNSUPPORTED_TRANSPORT`.
 */
export const TARGET_TRANSPORTS = ['udp', 'tcp', 'tls', 'sctp', 'ws', 'wss'] as const;

export type TargetTransport = (typeof TARGET_TRANSPORTS)[number];

/**
 * What RFC 3263 §4 resolves: the parts of a SIP or SIPS URI that locate the server.
 * `transport` is the URI's transport parameter, `maddr` its maddr parameter; `host`
 * may be a domain name, an IPv4 address or an IPv6 reference (`[::1]`).
 */
export interface ResolveTarget {
  readonly scheme: 'sip' | 'sips';
  readonly host: string;
  readonly port?: number;
  readonly transport?: string;
  readonly maddr?: string;
}

/** One place to send the request: try the entries of a result in order (RFC 3263 §4.3). */
export interface ResolvedTarget {
  readonly transport: TargetTransport;
  /** A numeric address, IPv6 without brackets. */
  readonly address: string;
  readonly port: number;
  readonly family: 4 | 6;
}

export function isTargetTransport(value: string): value is TargetTransport {
  return (TARGET_TRANSPORTS as readonly string[]).includes(value);
}
