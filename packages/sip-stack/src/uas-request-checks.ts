import { H, type SipRequest } from '@simple/sip-message';

/** What a UAS core accepts before its TU sees a request (RFC 3261 §8.2). */
export interface UasPolicy {
  /** Methods the TU handles; others get 405 with Allow (§8.2.1). */
  readonly allowedMethods: readonly string[];
  /** URI schemes served in the Request-URI; others get 416 (§8.2.2.1). Default sip, sips, tel. */
  readonly uriSchemes?: readonly string[];
  /** Option tags this element supports; a Require naming any other gets 420 (§8.2.2.3). */
  readonly supportedExtensions?: readonly string[];
  /**
   * Body types accepted per method (lower-case "type/subtype"); a body of another
   * type gets 415 with Accept (§8.2.3). Methods absent here accept any body.
   */
  readonly acceptedBodies?: Readonly<Record<string, readonly string[]>>;
}

/** The rejection a UAS sends instead of passing the request on. */
export interface UasRejection {
  readonly status: number;
  readonly reason?: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
}

/** Methods of RFC 3261 and its SIMPLE extensions: "known" ones get 405, the rest 501 (§8.2.1). */
const KNOWN_METHODS = new Set(['INVITE', 'ACK', 'CANCEL', 'BYE', 'OPTIONS', 'REGISTER', 'SUBSCRIBE', 'NOTIFY', 'PUBLISH', 'MESSAGE', 'REFER', 'INFO', 'UPDATE', 'PRACK']);

/**
 * The checks of RFC 3261 §8.2.1-8.2.3 in their order: method, Request-URI scheme,
 * Require, body type. Returns undefined when the request may go to the TU.
 * ACK and CANCEL are never rejected here (an ACK gets no response, §17.2.1).
 */
export function checkUasRequest(req: SipRequest, policy: UasPolicy): UasRejection | undefined {
  if (req.method === 'ACK' || req.method === 'CANCEL') return undefined;
  const allow: [string, string] = ['Allow', policy.allowedMethods.join(', ')];

  // §8.2.1: "If the UAS does not support the method ... it MUST generate a 405
  // (Method Not Allowed) response" with an Allow header; a method it does not
  // recognize at all is 501 (§21.5.2, RFC 4475 §3.1.1.5).
  if (!policy.allowedMethods.includes(req.method)) {
    return KNOWN_METHODS.has(req.method) ? { status: 405, headers: [allow] } : { status: 501, headers: [allow] };
  }

  // §8.2.2.1: "If the Request-URI uses a scheme not supported by the UAS, it
  // SHOULD reject the request with a 416 (Unsupported URI Scheme) response."
  const schemes = policy.uriSchemes ?? ['sip', 'sips', 'tel'];
  if (!schemes.includes(req.uri.scheme.toLowerCase())) return { status: 416, headers: [] };

  // §8.2.2.3: "If a UAS does not understand an option-tag listed in a Require
  // header field, it MUST respond by generating a response with status code 420
  // (Bad Extension). The UAS MUST add an Unsupported header field".
  const require = req.headers.typed(H.require);
  if (!require.ok) return { status: 400, reason: require.error.reason, headers: [] };
  const supported = policy.supportedExtensions ?? [];
  const unknown = (require.value ?? []).filter((t) => !supported.includes(t));
  if (unknown.length > 0) return { status: 420, headers: [['Unsupported', unknown.join(', ')]] };

  // §8.2.3: "If a UAS does not understand a particular type of body ... it MUST
  // respond with a 415 (Unsupported Media Type) response [with] an Accept header".
  const accepted = policy.acceptedBodies?.[req.method];
  if (accepted !== undefined && req.body.length > 0) {
    const ct = req.headers.typed(H.contentType);
    if (!ct.ok) return { status: 400, reason: ct.error.reason, headers: [] };
    const type = ct.value === undefined ? 'application/octet-stream' : `${ct.value.type}/${ct.value.subtype}`;
    const major = type.slice(0, type.indexOf('/'));
    if (!accepted.some((a) => a === type || a === `${major}/*` || a === '*/*')) {
      return { status: 415, headers: [['Accept', accepted.join(', ')]] };
    }
  }
  return undefined;
}
