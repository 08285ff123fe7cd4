import { digestHash, type DigestAlgorithm } from '@simple/users';

/** What the request-digest covers. */
export interface DigestInput {
  readonly algorithm: DigestAlgorithm;
  /** H(A1) = H(username ":" realm ":" password), as stored by @simple/users. */
  readonly ha1: string;
  readonly nonce: string;
  readonly method: string;
  /** digest-uri-value as sent in the credentials. */
  readonly uri: string;
  /** qop=auth with its nc (as sent, 8 hex digits) and cnonce; undefined for the RFC 2069 form. */
  readonly qop?: { readonly value: string; readonly nc: string; readonly cnonce: string };
}

/**
 * The request-digest (RFC 7616 §3.4.1, RFC 2617 §3.2.2.1), with KD(secret,
 * data) = H(secret ":" data) and, for qop=auth, A2 = Method ":" digest-uri
 * (§3.4.3):
 *
 *     qop=auth:  KD(H(A1), nonce ":" nc ":" cnonce ":" qop ":" H(A2))
 *     no qop:    KD(H(A1), nonce ":" H(A2))        (RFC 2069 compatibility)
 */
export function computeDigestResponse(d: DigestInput): string {
  const ha2 = digestHash(d.algorithm, `${d.method}:${d.uri}`);
  const data = d.qop === undefined ? `${d.nonce}:${ha2}` : `${d.nonce}:${d.qop.nc}:${d.qop.cnonce}:${d.qop.value}:${ha2}`;
  return digestHash(d.algorithm, `${d.ha1}:${data}`);
}
