import { SipHeaders, SipRequest, type SipResponse } from '@simple/sip-message';

/**
 * The ACK an INVITE client transaction sends for a 300-699 response
 * (RFC 3261 §17.1.1.3). An ACK for a 2xx is the TU's (§13.2.2.4), not this.
 */
export function createNonSuccessAck(invite: SipRequest, response: SipResponse): SipRequest {
  const headers = new SipHeaders();
  // RFC 3261 §17.1.1.3: "The ACK MUST contain a single Via header field, and this MUST be equal to the top Via header
  // field of the original request."
  headers.append('Via', invite.topVia.toString());
  // RFC 3261 §17.1.1.3: "If the INVITE request whose response is being acknowledged had Route header fields, those
  // header fields MUST appear in the ACK."
  for (const route of invite.headers.getAll('route')) headers.append('Route', route);
  // RFC 3261 §8.1.1.6: every request carries Max-Forwards; the §17.1.1.3 example keeps the INVITE's value.
  headers.append('Max-Forwards', invite.headers.get('max-forwards') ?? '70');
  // RFC 3261 §17.1.1.3: "The To header field in the ACK MUST equal the To header field in the response being acknowledged".
  headers.append('To', response.headers.get('to') ?? invite.headers.get('to') ?? '');
  // RFC 3261 §17.1.1.3: "values for the Call-ID, From, and Request-URI that are equal to ... the original request".
  headers.append('From', invite.headers.get('from') ?? '');
  headers.append('Call-ID', invite.callId);
  // RFC 3261 §17.1.1.3: "the same value for the sequence number as was present in the original request, but the method
  // parameter MUST be equal to "ACK"."
  headers.append('CSeq', `${invite.cseq.seq} ACK`);
  // RFC 3261 §17.1.1.3: "placement of bodies in ACK for non-2xx is NOT RECOMMENDED": none is added.
  return new SipRequest('ACK', invite.uri, headers);
}
