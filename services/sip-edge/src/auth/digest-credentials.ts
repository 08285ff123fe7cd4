import type { AuthHeader } from '@simple/sip-message';
import { DIGEST_ALGORITHMS, DIGEST_HEX_LENGTH, type DigestAlgorithm } from '@simple/users';

/** The credentials of one Digest Authorization/Proxy-Authorization value, checked for form. */
export interface DigestCredentials {
  readonly username: string;
  readonly realm: string;
  readonly nonce: string;
  /** digest-uri-value, exactly as sent: A2 hashes it as is. */
  readonly uri: string;
  /** request-digest, lower-cased hex. */
  readonly response: string;
  /** The algorithm, when it is one we know; undefined for others (MD5-sess, SHA-256-sess, tokens). */
  readonly algorithm: DigestAlgorithm | undefined;
  /** The algorithm parameter as sent (default "MD5"). */
  readonly algorithmName: string;
  /**
   * qop=auth with its nc and cnonce, or undefined for the RFC 2069 form
   * (no qop, MD5 only: RFC 2617 §3.2.2.1).
   */
  readonly qop: { readonly value: string; readonly nc: string; readonly count: number; readonly cnonce: string } | undefined;
}

/** The result of checking one credentials value: usable, a placeholder before any challenge, or a defect (400). */
export type CredentialsCheck =
  | { readonly kind: 'credentials'; readonly value: DigestCredentials }
  | { readonly kind: 'placeholder' }
  | { readonly kind: 'defect'; readonly reason: string };

const HEX = /^[0-9a-f]+$/;
const NC = /^[0-9a-fA-F]{8}$/;

/**
 * Checks the form of Digest credentials (RFC 2617 §3.2.2, RFC 7616 §3.4,
 * RFC 8760 §2.6-2.7): "If a directive or its value is improper, or required
 * directives are missing, the proper response is 400 Bad Request". The
 * realm is assumed present (the caller selected the value by realm).
 * `header` names the header in the reasons ("Authorization").
 */
export function checkDigestCredentials(h: AuthHeader, header: string): CredentialsCheck {
  const p = h.params;
  const defect = (what: string): CredentialsCheck => ({ kind: 'defect', reason: `Bad ${header}: ${what}` });

  // RFC 8760 §2.7: "A parameter with an empty value (empty string) is allowed
  // when the UAC has not yet received a challenge." Such a value answers no
  // challenge: challenge it.
  if (p.get('nonce') === '' || p.get('response') === '') return { kind: 'placeholder' };

  // RFC 7616 §3.4: "Sending both username and username* in the same header
  // option MUST be treated as an error." username* (RFC 5987) and userhash
  // (§3.4.4) are not offered by this server.
  if (p.has('username*')) return defect(p.has('username') ? 'both username and username*' : 'username* is not supported');
  if ((p.get('userhash') ?? 'false').toLowerCase() === 'true') return defect('userhash is not supported');

  const username = p.get('username');
  const realm = p.get('realm');
  const nonce = p.get('nonce');
  const uri = p.get('uri');
  const response = p.get('response');
  for (const [name, v] of [['username', username], ['realm', realm], ['nonce', nonce], ['uri', uri], ['response', response]] as const) {
    if (v === undefined) return defect(`missing ${name}`);
  }
  if (username === '' || uri === '') return defect(`empty ${username === '' ? 'username' : 'uri'}`);

  // RFC 7616 §3.3: "If this is not present, it is assumed to be "MD5"."
  const algorithmName = p.get('algorithm') ?? 'MD5';
  const algorithm = DIGEST_ALGORITHMS.find((a) => a.toLowerCase() === algorithmName.toLowerCase());

  const rsp = (response ?? '').toLowerCase();
  if (!HEX.test(rsp)) return defect('response is not hexadecimal');
  // RFC 8760 §2.7: "The number of hex digits is implied by the length of the value of the algorithm used".
  if (algorithm !== undefined && rsp.length !== DIGEST_HEX_LENGTH[algorithm]) return defect(`response is not ${DIGEST_HEX_LENGTH[algorithm]} hex digits for ${algorithm}`);

  const qopValue = p.get('qop');
  let qop: DigestCredentials['qop'];
  if (qopValue !== undefined) {
    // RFC 7616 §3.4: qop's "value MUST be one of the alternatives the server
    // indicated it supports"; this server offers qop="auth" only.
    if (qopValue.toLowerCase() !== 'auth') return defect(`qop=${qopValue} was not offered`);
    const nc = p.get('nc');
    const cnonce = p.get('cnonce');
    // RFC 2617 §3.2.2: cnonce and nc "MUST be specified if a qop directive is sent".
    if (nc === undefined) return defect('missing nc');
    if (!NC.test(nc)) return defect('nc is not 8 hex digits');
    if (cnonce === undefined || cnonce === '') return defect('missing cnonce');
    const count = parseInt(nc, 16);
    if (count === 0) return defect('nc is 0');
    qop = { value: qopValue, nc, count, cnonce };
  } else if (algorithm !== undefined && algorithm !== 'MD5') {
    // RFC 8760 §2.6 item 8: a UAC "MUST send the "qop" parameter"; the RFC 2069
    // form (no qop) exists for MD5 only (RFC 3261 §22.4).
    return defect(`missing qop for ${algorithm}`);
  }

  return {
    kind: 'credentials',
    value: { username: username ?? '', realm: realm ?? '', nonce: nonce ?? '', uri: uri ?? '', response: rsp, algorithm, algorithmName, qop },
  };
}
