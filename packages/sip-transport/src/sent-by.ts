import { networkInterfaces } from 'node:os';

import { isUnspecified } from './endpoint.js';

/**
 * A host for the Via sent-by of a listener bound to the given address (RFC 3261
 * §18.1.1: "an IP address or host name"). A specific address is used as is; for
 * an unspecified one ("0.0.0.0", "::") the first non-internal interface address
 * of the family, else loopback. Configure `sentByHost` to advertise an FQDN.
 */
export function defaultSentByHost(boundAddress: string, family: 4 | 6): string {
  if (!isUnspecified(boundAddress)) return boundAddress;
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) {
      if (a.internal || a.family !== (family === 6 ? 'IPv6' : 'IPv4')) continue;
      // Skip IPv6 link-local addresses: they mean nothing to a peer elsewhere.
      if (family === 6 && /^fe80:/i.test(a.address)) continue;
      return a.address;
    }
  }
  return family === 6 ? '::1' : '127.0.0.1';
}
