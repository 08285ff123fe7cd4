import { isIP } from 'node:net';

import type { Via } from '@simple/sip-message';

import { normalizeAddress } from './endpoint.js';
import type { Flow } from './flow.js';
import type { TransportProtocol } from './transport-protocol.js';
import { defaultPort, isReliable, toTransportProtocol } from './transport-protocol.js';

/** Where RFC 3261 §18.2.2 (with RFC 3581 §4) says a response goes. */
export type ResponseDestination =
  /** Back on the connection (or UDP socket pair) the request came in on. */
  | { readonly kind: 'flow'; readonly flow: Flow }
  /**
   * To an IP address and port over a protocol; for UDP, from `fromFlow`'s local
   * socket when given (RFC 3581 §4: "sent from the same address and port that
   * the corresponding request was received on").
   */
  | { readonly kind: 'address'; readonly protocol: TransportProtocol; readonly address: string; readonly port: number; readonly fromFlow?: Flow }
  /** To a host name, to be resolved by the procedures of RFC 3263 §5. */
  | { readonly kind: 'resolve'; readonly protocol: TransportProtocol; readonly host: string; readonly port: number | undefined }
  /** No destination can be derived (e.g. a Via transport this package does not speak and no flow). */
  | { readonly kind: 'none'; readonly reason: string };

/**
 * Applies RFC 3261 §18.2.2 to the top Via of a response. `flow` is the flow the
 * request arrived on, if known; `flowOpen` says whether it can still be sent on.
 *
 * - Reliable sent-protocol: the connection the request came in on if it is still
 *   open; otherwise a connection to "received" (or the sent-by host) at the sent-by
 *   port, or the transport's default port.
 * - Otherwise, with "maddr": that address, sent-by port or 5060.
 * - Otherwise (unreliable unicast), with "received": RFC 3581 §4, received + rport
 *   when rport has a value (from the socket the request came in on); else
 *   received + sent-by port or 5060.
 * - Otherwise the sent-by (an IP, or a name for RFC 3263 §5).
 */
export function responseDestination(via: Via, flow: Flow | undefined, flowOpen: boolean): ResponseDestination {
  const protocol = toTransportProtocol(via.transport);
  if (protocol === undefined) {
    if (flow !== undefined && flowOpen) return { kind: 'flow', flow };
    return { kind: 'none', reason: `Unsupported Via transport ${via.transport}` };
  }
  const port = via.port;
  if (isReliable(protocol) || (flow !== undefined && isReliable(flow.protocol))) {
    // A connection the request came on is the way back, whatever the Via says of it.
    if (flow !== undefined && isReliable(flow.protocol) && flowOpen) return { kind: 'flow', flow };
    if (!isReliable(protocol)) {
      // Request came over a (now closed) connection but its Via says UDP: follow the Via below.
    } else {
      const address = via.received ?? via.host;
      return toDestination(protocol, address, port ?? defaultPort(protocol), port, undefined);
    }
  }
  const maddr = via.maddr;
  if (maddr !== undefined) return toDestination(protocol, maddr, port ?? 5060, port, undefined);
  const received = via.received;
  if (received !== undefined) {
    const rport = via.rport;
    if (typeof rport === 'number' && Number.isInteger(rport) && rport > 0 && rport < 65536) {
      return toDestination(protocol, received, rport, rport, flow);
    }
    return toDestination(protocol, received, port ?? 5060, port, flow);
  }
  return toDestination(protocol, via.host, port ?? defaultPort(protocol), port, flow);
}

function toDestination(
  protocol: TransportProtocol,
  host: string,
  port: number,
  explicitPort: number | undefined,
  fromFlow: Flow | undefined,
): ResponseDestination {
  const address = normalizeAddress(host);
  if (isIP(address) === 0) return { kind: 'resolve', protocol, host: address, port: explicitPort };
  return fromFlow !== undefined && fromFlow.protocol === 'UDP'
    ? { kind: 'address', protocol, address, port, fromFlow }
    : { kind: 'address', protocol, address, port };
}
