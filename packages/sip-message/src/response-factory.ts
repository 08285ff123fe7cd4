import { randomHex } from './random-hex.js';
import { H } from './header-specs.js';
import type { SipRequest } from './message.js';
import { SipResponse } from './message.js';
import { SipHeaders, type HeaderField } from './sip-headers.js';
import type { PartialRequest, SipParseError } from './sip-parse-error.js';

/** Default reason phrases (RFC 3261 §21 and the SIMPLE RFCs). */
export const REASON_PHRASES: Readonly<Record<number, string>> = {
  100: 'Trying', 180: 'Ringing', 181: 'Call Is Being Forwarded', 182: 'Queued', 183: 'Session Progress',
  200: 'OK', 202: 'Accepted', 204: 'No Notification',
  300: 'Multiple Choices', 301: 'Moved Permanently', 302: 'Moved Temporarily', 305: 'Use Proxy', 380: 'Alternative Service',
  400: 'Bad Request', 401: 'Unauthorized', 402: 'Payment Required', 403: 'Forbidden', 404: 'Not Found',
  405: 'Method Not Allowed', 406: 'Not Acceptable', 407: 'Proxy Authentication Required', 408: 'Request Timeout',
  410: 'Gone', 412: 'Conditional Request Failed', 430: 'Flow Failed', 413: 'Request Entity Too Large', 414: 'Request-URI Too Long',
  415: 'Unsupported Media Type', 416: 'Unsupported URI Scheme', 417: 'Unknown Resource-Priority', 420: 'Bad Extension',
  421: 'Extension Required', 423: 'Interval Too Brief', 429: 'Provide Referrer Identity', 439: 'First Hop Lacks Outbound Support',
  480: 'Temporarily Unavailable', 481: 'Call/Transaction Does Not Exist', 482: 'Loop Detected', 483: 'Too Many Hops',
  484: 'Address Incomplete', 485: 'Ambiguous', 486: 'Busy Here', 487: 'Request Terminated', 488: 'Not Acceptable Here',
  489: 'Bad Event', 491: 'Request Pending', 493: 'Undecipherable',
  500: 'Server Internal Error', 501: 'Not Implemented', 502: 'Bad Gateway', 503: 'Service Unavailable',
  504: 'Server Time-out', 505: 'Version Not Supported', 513: 'Message Too Large',
  600: 'Busy Everywhere', 603: 'Decline', 604: 'Does Not Exist Anywhere', 606: 'Not Acceptable',
};

/** A random tag with at least 32 bits of randomness (RFC 3261 §19.3). */
export function newTag(): string {
  return randomHex(6);
}

const COPIED = ['via', 'from', 'to', 'call-id', 'cseq'];

function copyHeaders(src: SipHeaders, toTag: string | undefined): SipHeaders {
  const fields: HeaderField[] = [];
  for (const f of src) {
    if (!COPIED.includes(f.name)) continue;
    if (f.name === 'to' && toTag !== undefined) {
      const to = src.typed(H.to);
      if (to.ok && to.value !== undefined && to.value.tag === undefined) {
        fields.push({ name: 'to', rawName: 'To', value: `${f.value};tag=${toTag}` });
        continue;
      }
    }
    fields.push(f);
  }
  return new SipHeaders(fields);
}

export interface ResponseOptions {
  /** Reason phrase; defaults to the standard one. */
  readonly reason?: string;
  /** To tag added when the request's To has none (RFC 3261 §8.2.6.2); not used for 100. */
  readonly toTag?: string;
  readonly headers?: ReadonlyArray<readonly [string, string]>;
  readonly body?: Buffer;
  readonly contentType?: string;
}

/**
 * Builds a response to a request (RFC 3261 §8.2.6): Via, From, To, Call-ID and
 * CSeq copied as they came; a To tag added unless the status is 100.
 */
export function createResponse(req: SipRequest | PartialRequest, status: number, options: ResponseOptions = {}): SipResponse {
  const tag = status === 100 ? undefined : (options.toTag ?? newTag());
  const headers = copyHeaders(req.headers, tag);
  for (const [n, v] of options.headers ?? []) headers.append(n, v);
  if (options.body !== undefined && options.contentType !== undefined) headers.append('Content-Type', options.contentType);
  return new SipResponse(status, options.reason ?? REASON_PHRASES[status] ?? 'Unknown', headers, options.body);
}

/**
 * The response to a request that failed to parse, or undefined when it must
 * not or cannot be answered: a response, an ACK (RFC 3261 §17.2.1), or a
 * request with no Via to send the answer along. Via, From, To, Call-ID and
 * CSeq are copied as received, defective or not (§8.2.6.1: the client matches
 * the answer by them); a To tag is added when the To header can be read.
 */
export function createErrorResponse(error: SipParseError): SipResponse | undefined {
  const partial = error.partial;
  if (partial === undefined || partial.method === 'ACK' || !partial.headers.has('via')) return undefined;
  const to = partial.headers.typed(H.to);
  const tag = to.ok && to.value !== undefined && to.value.tag === undefined ? newTag() : undefined;
  const headers = new SipHeaders();
  for (const f of partial.headers) {
    if (!COPIED.includes(f.name)) continue;
    headers.append(f.rawName, f.name === 'to' && tag !== undefined ? `${f.value};tag=${tag}` : f.value);
  }
  return new SipResponse(error.status, error.reason, headers);
}
