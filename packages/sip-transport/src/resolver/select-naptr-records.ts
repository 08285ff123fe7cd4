import type { NaptrRecord } from 'node:dns';
import type { TargetTransport } from './resolve-target.js';
import { isSecure, naptrServiceTransport } from './transport-table.js';
import { normalizeDomainName } from './parse-target-host.js';

/** A NAPTR record the client can use: a transport and the SRV name to query for it. */
export interface NaptrChoice {
  readonly transport: TargetTransport;
  readonly srvName: string;
  readonly order: number;
  readonly preference: number;
}

/**
 * RFC 3263 §4.1: keeps the NAPTR records that apply to this URI and client, most
 * preferred first. The result is a failover list: every usable record is kept,
 * ordered by order then preference, so that a server's second transport is tried
 * when its first yields nothing (RFC 3263 §4.1 reads the example's three orders as
 * "TLS over TCP, TCP, and UDP, in that order of preference").
 */
export function selectNaptrRecords(
  records: readonly NaptrRecord[],
  scheme: 'sip' | 'sips',
  enabled: ReadonlySet<TargetTransport>,
): NaptrChoice[] {
  const chosen: NaptrChoice[] = [];
  for (const record of records) {
    // RFC 3263 §4.1: "The resource record will contain an empty regular expression
    // and a replacement value, which is the SRV record for that particular transport
    // protocol": the flag "s" (the next lookup is SRV) and no regexp. Records that
    // lead elsewhere than to an SRV name are discarded.
    if (record.flags.toLowerCase() !== 's' || record.regexp !== '') continue;
    // RFC 3263 §4.1: "the client discards any records whose services fields are not
    // applicable"; §9 lists the services fields.
    const transport = naptrServiceTransport(record.service);
    if (transport === undefined) continue;
    // RFC 3263 §4.1: "a client resolving a SIPS URI MUST discard any services that do
    // not contain "SIPS" as the protocol in the service field."
    if (scheme === 'sips' && !isSecure(transport)) continue;
    // RFC 3263 §4.1: "a client MUST discard any service fields that identify a
    // resolution service whose value is not "D2X", for values of X that indicate
    // transport protocols supported by the client." A SIP URI "SHOULD retain records
    // with "SIPS" as the protocol, if the client supports TLS": kept when TLS is enabled.
    if (!enabled.has(transport)) continue;
    const srvName = normalizeDomainName(record.replacement);
    if (srvName === undefined) continue;
    if (chosen.some((c) => c.transport === transport && c.srvName === srvName)) continue;
    chosen.push({ transport, srvName, order: record.order, preference: record.preference });
  }
  // RFC 3263 §4.1: "The NAPTR processing as described in RFC 2915 will result in the
  // discovery of the most preferred transport protocol of the server that is
  // supported by the client": lowest order first, then lowest preference.
  return chosen.sort((a, b) => a.order - b.order || a.preference - b.preference);
}
