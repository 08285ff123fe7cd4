import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { digestHash, isDigestAlgorithm, type DigestAlgorithm, type UserDirectory } from '@simple/users';

/** Who a request comes from, once authenticated. */
export interface AuthenticatedUser {
  /** `user@domain`. */
  readonly aor: string;
}

export type DigestOutcome = { readonly ok: true; readonly user: AuthenticatedUser } | { readonly ok: false; readonly stale: boolean };

/** How long a nonce is accepted (then the client is challenged again with stale=true). */
const NONCE_LIFETIME_MS = 5 * 60_000;

/**
 * HTTP Digest authentication (RFC 7616) against the SIP user store: the same HA1
 * values as SIP (packages/users), realm = the domain's realm. Nonces are stateless:
 * a timestamp and its HMAC under a per-process key.
 */
export class DigestAuthenticator {
  private readonly key: Buffer;

  constructor(
    private readonly users: UserDirectory,
    private readonly now: () => number = Date.now,
    key: Buffer = randomBytes(32),
  ) {
    this.key = key;
  }

  /** The WWW-Authenticate challenges for a realm: SHA-256 first, then MD5 for older clients (RFC 7616 §3.7). */
  challenges(realm: string, stale = false): string[] {
    const nonce = this.nonce(realm);
    const tail = `realm="${realm.replace(/["\\]/g, '')}", qop="auth", nonce="${nonce}"${stale ? ', stale=true' : ''}`;
    return [`Digest ${tail}, algorithm=SHA-256`, `Digest ${tail}, algorithm=MD5`];
  }

  /**
   * Verifies an Authorization header for a request in `realm`, where `domain` names the user's
   * domain when the username has none. RFC 7616 §3.4.6: the digest-uri must be the request's.
   */
  async verify(header: string | undefined, method: string, realm: string, domain: string | undefined, requestUri: string): Promise<DigestOutcome> {
    if (header === undefined || !/^Digest\s/i.test(header)) return { ok: false, stale: false };
    const p = parseParams(header.slice(7));
    const { username, nonce, uri, response } = p;
    const algorithmName = p.algorithm ?? 'MD5';
    if (username === undefined || nonce === undefined || uri === undefined || response === undefined || p.realm !== realm || uri !== requestUri) return { ok: false, stale: false };
    if (!isDigestAlgorithm(algorithmName)) return { ok: false, stale: false };
    const fresh = this.checkNonce(nonce, realm);
    if (fresh === 'bad') return { ok: false, stale: false };
    const aor = username.includes('@') ? username : domain === undefined ? undefined : `${username}@${domain}`;
    const record = aor === undefined ? undefined : await this.users.getUser(aor);
    if (record === undefined || record.realm !== realm) return { ok: false, stale: false };
    const alg: DigestAlgorithm = algorithmName;
    const ha1 = record.ha1[alg];
    const ha2 = digestHash(alg, `${method}:${uri}`);
    const qop = p.qop;
    let expected: string;
    if (qop === 'auth') {
      if (p.nc === undefined || p.cnonce === undefined) return { ok: false, stale: false };
      expected = digestHash(alg, `${ha1}:${nonce}:${p.nc}:${p.cnonce}:auth:${ha2}`);
    } else if (qop === undefined) expected = digestHash(alg, `${ha1}:${nonce}:${ha2}`);
    else return { ok: false, stale: false };
    const a = Buffer.from(expected);
    const b = Buffer.from(response.toLowerCase());
    if (a.length !== b.length || !timingSafeEqual(a, b)) return { ok: false, stale: false };
    // RFC 7616 §3.3: a correct response with an expired nonce is answered with stale=true.
    if (fresh === 'stale') return { ok: false, stale: true };
    return { ok: true, user: { aor: record.aor } };
  }

  private nonce(realm: string): string {
    const ts = this.now().toString(36);
    return `${ts}.${this.mac(ts, realm)}`;
  }

  private checkNonce(nonce: string, realm: string): 'fresh' | 'stale' | 'bad' {
    const [ts, mac] = nonce.split('.');
    if (ts === undefined || mac === undefined) return 'bad';
    const a = Buffer.from(mac);
    const b = Buffer.from(this.mac(ts, realm));
    if (a.length !== b.length || !timingSafeEqual(a, b)) return 'bad';
    return this.now() - parseInt(ts, 36) > NONCE_LIFETIME_MS ? 'stale' : 'fresh';
  }

  private mac(ts: string, realm: string): string {
    return createHmac('sha256', this.key).update(`${ts}:${realm}`).digest('base64url').slice(0, 22);
  }
}

/** The auth-params of a Digest credentials header. */
export function parseParams(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of s.matchAll(/([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
    out[(m[1] as string).toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
  }
  return out;
}
