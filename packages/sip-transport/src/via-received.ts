import { isIP } from 'node:net';

import type { Via } from '@simple/sip-message';

import type { Endpoint } from './endpoint.js';
import { normalizeAddress, sameAddress } from './endpoint.js';

/**
 * The top Via of a received request as the server transport must leave it, or
 * `undefined` when it needs no change.
 *
 * RFC 3261 §18.2.1: "If the host portion of the sent-by parameter contains a
 * domain name, or if it contains an IP address that differs from the packet
 * source address, the server MUST add a received parameter" holding the source
 * address. RFC 3581 §4: if the Via has an "rport" parameter with no value, set
 * it to the source port, and then insert "received" "even if it is identical to
 * the value of the sent-by component".
 */
export function withReceived(via: Via, source: Endpoint): Via | undefined {
  const host = normalizeAddress(via.host);
  const rportFlag = via.rport === null;
  const needReceived = rportFlag || isIP(host) === 0 || !sameAddress(host, source.address);
  const hasRightReceived = via.received !== undefined && sameAddress(via.received, source.address);
  if (!rportFlag && (!needReceived || hasRightReceived)) return undefined;
  const updated = via.clone();
  if (needReceived) updated.params.set('received', normalizeAddress(source.address));
  if (rportFlag) updated.params.set('rport', String(source.port));
  return updated;
}
