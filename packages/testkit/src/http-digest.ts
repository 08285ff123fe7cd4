// The client side of HTTP Digest (RFC 7616, qop=auth) for tests that drive an XCAP server over
// real HTTP: fetch() as a user, answering a 401 once with the user's credentials.
import { createHash, randomBytes } from 'node:crypto';

export interface DigestAnswer {
  readonly user: string;
  readonly password: string;
  readonly method: string;
  readonly uri: string;
  readonly algorithm: 'MD5' | 'SHA-256';
  /** The WWW-Authenticate header values of the 401. */
  readonly challenges: readonly string[];
}

/** `name=value` and `name="quoted"` pairs of a challenge (RFC 7616 §3.3). */
function challengeParams(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of s.matchAll(/([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
    out[(m[1] as string).toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
  }
  return out;
}

/** The Authorization header answering the challenge of the given algorithm. */
export function digestAuthorization(a: DigestAnswer): string {
  const challenge = a.challenges.find((c) => c.includes(`algorithm=${a.algorithm}`)) ?? '';
  const p = challengeParams(challenge.slice(7));
  const realm = p.realm ?? '';
  const nonce = p.nonce ?? '';
  const h = (s: string): string => createHash(a.algorithm === 'MD5' ? 'md5' : 'sha256').update(s).digest('hex');
  const ha1 = h(`${a.user}:${realm}:${a.password}`);
  const cnonce = randomBytes(8).toString('hex');
  const response = h(`${ha1}:${nonce}:00000001:${cnonce}:auth:${h(`${a.method}:${a.uri}`)}`);
  return `Digest username="${a.user}", realm="${realm}", nonce="${nonce}", uri="${a.uri}", algorithm=${a.algorithm}, qop=auth, nc=00000001, cnonce="${cnonce}", response="${response}"`;
}

export type DigestFetch = (method: string, url: string, body?: string, type?: string) => Promise<Response>;

/** fetch() as `user`: the request is sent, and a 401 is answered once with SHA-256 digest credentials. */
export function digestFetch(user: string, password: string): DigestFetch {
  return async (method, url, body, type) => {
    const headers: Record<string, string> = type === undefined ? {} : { 'content-type': type };
    const first = await fetch(url, { method, headers, ...(body === undefined ? {} : { body }) });
    if (first.status !== 401) return first;
    await first.arrayBuffer();
    const challenges = first.headers.get('www-authenticate')?.split(/,\s*(?=Digest )/) ?? [];
    const authorization = digestAuthorization({ user, password, method, uri: new URL(url).pathname, algorithm: 'SHA-256', challenges });
    return fetch(url, { method, headers: { ...headers, authorization }, ...(body === undefined ? {} : { body }) });
  };
}
