import { uriEquals, type SipRequest, type Via } from '@simple/sip-message';
import type { TransactionFields } from './transaction-fields.js';

/**
 * The backward-compatible matching of RFC 3261 §17.2.3 for requests whose top
 * Via branch lacks the magic cookie (RFC 2543 clients). Each header is
 * compared by its own rules: Request-URI by §19.1.4, Via by §20.42, Call-ID
 * byte by byte (§20.8); tags are compared exactly.
 */

/** The bucket RFC 2543 transactions are indexed by: every rule compares these three. */
export function rfc2543BucketKey(fields: TransactionFields): string {
  return `${fields.callId}\n${fields.cseq.seq}\n${fields.fromTag ?? ''}`;
}

/**
 * RFC 3261 §20.42: "Two Via header fields are equal if their sent-protocol and sent-by fields are equal, both have the
 * same set of parameters, and the values of all parameters are equal."
 */
export function viaEquals(a: Via, b: Via): boolean {
  if (a.protocol.toUpperCase() !== b.protocol.toUpperCase() || a.transport.toUpperCase() !== b.transport.toUpperCase()) return false;
  if (a.host.toLowerCase() !== b.host.toLowerCase() || a.port !== b.port) return false;
  if (a.params.size !== b.params.size) return false;
  for (const [name, value] of a.params.entries()) {
    if (!b.params.has(name)) return false;
    const other = b.params.get(name) ?? null;
    // RFC 3261 §7.3.1: parameter values are case-insensitive unless stated otherwise.
    if ((value === null) !== (other === null)) return false;
    if (value !== null && other !== null && value.toLowerCase() !== other.toLowerCase()) return false;
  }
  return true;
}

/** What every RFC 2543 rule compares: Request-URI, From tag, Call-ID, CSeq number and top Via. */
function common(original: SipRequest, of: TransactionFields, request: SipRequest, rf: TransactionFields): boolean {
  return (
    of.callId === rf.callId &&
    of.cseq.seq === rf.cseq.seq &&
    of.fromTag === rf.fromTag &&
    uriEquals(original.uri, request.uri) &&
    viaEquals(of.topVia, rf.topVia)
  );
}

/**
 * RFC 3261 §17.2.3: "The INVITE request matches a transaction if the Request-URI, To tag, From tag, Call-ID, CSeq, and top
 * Via header field match those of the INVITE request which created the transaction." and "For all other request methods,
 * a request is matched to a transaction if the Request-URI, To tag, From tag, Call-ID, CSeq (including the method), and top
 * Via header field match those of the request that created the transaction."
 */
export function matchesRfc2543Request(original: SipRequest, of: TransactionFields, request: SipRequest, rf: TransactionFields): boolean {
  return original.method === request.method && of.cseq.method === rf.cseq.method && of.toTag === rf.toTag && common(original, of, request, rf);
}

/**
 * RFC 3261 §17.2.3: "The ACK request matches a transaction if the Request-URI, From tag, Call-ID, CSeq number (not the
 * method), and top Via header field match those of the INVITE request which created the transaction, and the To tag of the
 * ACK matches the To tag of the response sent by the server transaction."
 */
export function matchesRfc2543Ack(
  invite: SipRequest,
  inviteFields: TransactionFields,
  responseToTag: string | undefined,
  ack: SipRequest,
  ackFields: TransactionFields,
): boolean {
  return invite.method === 'INVITE' && responseToTag !== undefined && ackFields.toTag === responseToTag && common(invite, inviteFields, ack, ackFields);
}

/**
 * RFC 3261 §9.2: the transaction a CANCEL cancels is found "by taking the CANCEL request, and then assuming that the
 * request method is anything but CANCEL or ACK and applying the transaction matching procedures of Section 17.2.3".
 */
export function matchesRfc2543Cancel(original: SipRequest, of: TransactionFields, cancel: SipRequest, cf: TransactionFields): boolean {
  return original.method !== 'CANCEL' && original.method !== 'ACK' && of.toTag === cf.toTag && common(original, of, cancel, cf);
}
