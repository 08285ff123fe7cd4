import { randomHex } from '@simple/sip-message';

import type { Endpoint } from './endpoint.js';
import { normalizeAddress } from './endpoint.js';
import type { TransportProtocol } from './transport-protocol.js';

/**
 * A flow (RFC 5626 §2.1): a transport-layer association between two hosts,
 * given by both ends' address and port and by the protocol. For TCP, TLS and
 * WebSocket a flow is one connection; for UDP it is the pair of sockets.
 *
 * Every message handed upward carries the Flow it arrived on; upper layers send
 * on the same flow with it (RFC 3261 §18.2.2: a response goes back over the
 * connection the request came on; RFC 5626 §5.3: requests over a registered flow).
 */
export interface Flow {
  /** Unique within the process; stable for the life of a connection. UDP flows are named by their four-tuple. */
  readonly id: string;
  readonly protocol: TransportProtocol;
  /** This side: the listening (or, for outbound connections, the ephemeral) address and port. */
  readonly local: Endpoint;
  /** The far end: the packet source / peer of the connection. */
  readonly remote: Endpoint;
}

/** Key of the connection index of RFC 3261 §18: protocol, address and port of the far end. */
export function remoteKey(protocol: TransportProtocol, address: string, port: number): string {
  return `${protocol}|${normalizeAddress(address)}|${port}`;
}

/** The id of a UDP flow: its four-tuple (RFC 5626 §2.1). */
export function udpFlowId(local: Endpoint, remote: Endpoint): string {
  return `udp:${normalizeAddress(local.address)}:${local.port}/${normalizeAddress(remote.address)}:${remote.port}`;
}

let flowCounter = 0;
const flowSalt = randomHex(4);

/** A fresh id for a connection flow: unique in the process and not guessable from outside. */
export function newConnectionFlowId(protocol: TransportProtocol): string {
  flowCounter = (flowCounter + 1) % Number.MAX_SAFE_INTEGER;
  return `${protocol.toLowerCase()}-${flowSalt}-${flowCounter.toString(36)}-${randomHex(4)}`;
}
