import type { SipHeaders } from './sip-headers.js';

/** What was readable of a request that failed to parse: enough, maybe, to answer it. */
export interface PartialRequest {
  readonly method: string;
  readonly headers: SipHeaders;
}

/**
 * A defect found in a SIP message. It carries the status a UAS answers with
 * (400, or 505 for a bad version, RFC 3261 §8.2.2) and a reason phrase that names
 * the defect, so the 400 tells the peer what was wrong.
 */
export class SipParseError extends Error {
  override readonly name = 'SipParseError';
  /** Reason phrase naming the defect, safe to put on a status line. */
  readonly reason: string;
  /** Set by the message parser when the defective message was a request. */
  partial?: PartialRequest;

  constructor(
    /** SIP status for the response: 400 Bad Request unless said otherwise. */
    readonly status: number,
    reason: string,
    /** Canonical (lower-case, long form) name of the offending header, if any. */
    readonly header?: string,
  ) {
    // Reason-Phrase = *(reserved / unreserved / escaped / UTF8-NONASCII / UTF8-CONT / SP / HTAB): no controls.
    const safe = reason.replace(/[\x00-\x1f\x7f]/g, '?');
    super(safe);
    this.reason = safe;
  }
}
