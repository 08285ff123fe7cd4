// How each transport is named in URIs, NAPTR services and SRV owner names, and
// which port it defaults to. The resolver's only table of transport facts.
import type { TargetTransport } from './resolve-target.js';

/**
 * RFC 3261 §19.1.2 (Table 1, note 1): "The default is 5060 for sip: using UDP, TCP,
 * or SCTP. The default is 5061 for sip: using TLS over TCP and sips: over TCP."
 * RFC 7118 §5.5: "the default port for a SIP URI using the "sip" scheme and the
 * "ws" transport parameter is 80, and ... using the "sips" scheme and the "ws"
 * transport parameter is 443."
 */
export const DEFAULT_PORTS: Readonly<Record<TargetTransport, number>> = Object.freeze({
  udp: 5060,
  tcp: 5060,
  sctp: 5060,
  tls: 5061,
  ws: 80,
  wss: 443,
});

/**
 * RFC 3263 §9 (the IANA registry of NAPTR services) and RFC 7118 §10.2 (D2W).
 * SIPS+D2S (TLS over SCTP) and SIPS+D2U (which §4.1 says SHOULD NOT exist) map to
 * nothing, so such records are discarded.
 */
const NAPTR_SERVICES: Readonly<Record<string, TargetTransport>> = Object.freeze({
  'SIP+D2U': 'udp',
  'SIP+D2T': 'tcp',
  'SIP+D2S': 'sctp',
  'SIPS+D2T': 'tls',
  'SIP+D2W': 'ws',
  'SIPS+D2W': 'wss',
});

/** The transport a NAPTR services field stands for, if it is one this resolver knows. */
export function naptrServiceTransport(services: string): TargetTransport | undefined {
  return NAPTR_SERVICES[services.toUpperCase()];
}

/** Transports that carry a SIPS URI: TLS is required on every hop (RFC 3261 §26.2.2). */
export function isSecure(transport: TargetTransport): boolean {
  return transport === 'tls' || transport === 'wss';
}

/**
 * The SRV owner name for a transport. RFC 3263 §4.2: "using the service identifier
 * "_sips" for SIPS URIs. For a SIP URI, if the client wishes to use TLS, it also
 * uses the service identifier "_sips" for that specific transport". TLS runs over
 * TCP, hence `_sips._tcp`. RFC 7118 defines no SRV label for WebSocket; `_ws` is
 * this resolver's choice (`_sip._ws`, `_sips._ws`).
 */
export function srvOwnerName(transport: TargetTransport, domain: string): string {
  switch (transport) {
    case 'udp':
      return `_sip._udp.${domain}`;
    case 'tcp':
      return `_sip._tcp.${domain}`;
    case 'sctp':
      return `_sip._sctp.${domain}`;
    case 'tls':
      return `_sips._tcp.${domain}`;
    case 'ws':
      return `_sip._ws.${domain}`;
    case 'wss':
      return `_sips._ws.${domain}`;
  }
}

/**
 * The transport a URI's transport parameter asks for. For a SIPS URI the parameter
 * names what TLS runs over (RFC 3261 §26.2.2: "sips:alice@atlanta.com;transport=tcp"
 * is valid, "UDP is not a valid transport for SIPS"); TLS over SCTP has no
 * transport here. `tls` and `wss` are accepted though RFC 3261 deprecates the former.
 */
export function transportForParam(scheme: 'sip' | 'sips', param: string): TargetTransport | undefined {
  const p = param.toLowerCase();
  if (scheme === 'sip') {
    switch (p) {
      case 'udp':
      case 'tcp':
      case 'tls':
      case 'sctp':
      case 'ws':
      case 'wss':
        return p;
      default:
        return undefined;
    }
  }
  switch (p) {
    case 'tcp':
    case 'tls':
      return 'tls';
    case 'ws':
    case 'wss':
      return 'wss';
    default:
      return undefined;
  }
}

/**
 * RFC 3263 §4.1: with a numeric TARGET or an explicit port, or when no SRV record is
 * found, "the client SHOULD use UDP for a SIP URI, and TCP for a SIPS URI" (TCP
 * with TLS). When that transport is not enabled, the next one in this order that
 * is: the RFC allows another transport "if the guidelines of SIP mandate it".
 */
const DEFAULT_TRANSPORT_ORDER: Readonly<Record<'sip' | 'sips', readonly TargetTransport[]>> = Object.freeze({
  sip: ['udp', 'tcp', 'tls', 'sctp', 'ws', 'wss'],
  sips: ['tls', 'wss'],
});

export function defaultTransport(
  scheme: 'sip' | 'sips',
  enabled: ReadonlySet<TargetTransport>,
): TargetTransport | undefined {
  return DEFAULT_TRANSPORT_ORDER[scheme].find((t) => enabled.has(t));
}
