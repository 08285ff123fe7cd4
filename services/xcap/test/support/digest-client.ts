// The client side of HTTP Digest (RFC 7616, qop=auth), for the tests.
import { createHash, randomBytes } from 'node:crypto';
import { parseParams } from '../../src/digest-authenticator.js';

export interface DigestAnswer {
  readonly user: string;
  readonly password: string;
  readonly method: string;
  readonly uri: string;
  readonly algorithm: 'MD5' | 'SHA-256';
  /** The WWW-Authenticate header values of the 401. */
  readonly challenges: readonly string[];
}

/** The Authorization header answering the challenge of the given algorithm. */
export function digestAuthorization(a: DigestAnswer): string {
  const challenge = a.challenges.find((c) => c.includes(`algorithm=${a.algorithm}`)) ?? '';
  const p = parseParams(challenge.slice(7));
  const realm = p.realm ?? '';
  const nonce = p.nonce ?? '';
  const h = (s: string): string => createHash(a.algorithm === 'MD5' ? 'md5' : 'sha256').update(s).digest('hex');
  const ha1 = h(`${a.user}:${realm}:${a.password}`);
  const cnonce = randomBytes(8).toString('hex');
  const response = h(`${ha1}:${nonce}:00000001:${cnonce}:auth:${h(`${a.method}:${a.uri}`)}`);
  return `Digest username="${a.user}", realm="${realm}", nonce="${nonce}", uri="${a.uri}", algorithm=${a.algorithm}, qop=auth, nc=00000001, cnonce="${cnonce}", response="${response}"`;
}
