import type { NameAddr } from '@simple/sip-message';

/** Where a REGISTER stands with respect to SIP Outbound (RFC 5626 §6). */
export interface OutboundContext {
  /** One Via: the UA sent the REGISTER straight to this registrar over the flow it arrived on. */
  readonly firstHop: boolean;
  /**
   * "If the registrar is not the first hop, it MUST examine the Path header
   * of the request. If the Path header field is missing or it exists but the
   * first URI does not have an "ob" URI parameter, then outbound processing
   * MUST NOT be applied to the registration."
   */
  readonly applicable: boolean;
  /** The REGISTER's Supported lists "outbound" (RFC 5626 §4.2.1, §11.4). */
  readonly supported: boolean;
}

export function outboundContext(viaCount: number, path: readonly NameAddr[], supported: readonly string[]): OutboundContext {
  const firstHop = viaCount === 1;
  const top = path[0]?.uri;
  const obPath = top !== undefined && top.kind === 'sip' && top.params.has('ob');
  return {
    firstHop,
    applicable: firstHop || obPath,
    supported: supported.some((t) => t.toLowerCase() === 'outbound'),
  };
}

/** Transports whose flows are connections, kept alive with CRLF (RFC 5626 §3.5.1, §4.4.1). */
export function isConnectionOriented(transport: string): boolean {
  const t = transport.toUpperCase();
  return t === 'TCP' || t === 'TLS' || t === 'WS' || t === 'WSS' || t === 'SCTP' || t === 'TLS-SCTP';
}
