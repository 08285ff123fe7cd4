import { timingSafeEqual } from 'node:crypto';

import { H, formatAuthHeader, parseAuthHeader, parseUri, unescape, uriEquals, type AuthHeader, type SipRequest } from '@simple/sip-message';
import { DIGEST_ALGORITHMS, isDigestAlgorithm, isValidUserPart, parseDomainName, type DigestAlgorithm, type RedisConnection, type UserDirectory } from '@simple/users';

import type { AuthFailureCause, AuthObserver } from './auth-observer.js';
import type { AuthKind, AuthOutcome } from './auth-outcome.js';
import { checkDigestCredentials, type DigestCredentials } from './digest-credentials.js';
import { computeDigestResponse } from './digest-response.js';
import { NonceCountStore } from './nonce-count-store.js';
import { CLOCK_SKEW_MS, StatelessNonce } from './stateless-nonce.js';

/** The algorithms this edge can offer: those whose HA1 @simple/users keeps. */
export type ChallengeAlgorithm = DigestAlgorithm;

/** What the authenticator reads of the provisioning store (a `UserStore` fits). */
export interface DigestAuthenticatorOptions {
  readonly users: UserDirectory;
  /** For the nonce-count records (`redisKeys.nonceCount`); a Cluster client works. */
  readonly redis: RedisConnection;
  /** Server secret that signs the stateless nonces; every replica must share it. At least 16 characters. */
  readonly secret: string;
  /** Lifetime of a nonce (default 300 s); an older one is answered with stale=true. */
  readonly nonceTtlSeconds?: number;
  /** Algorithms offered, one challenge each, preferred first (default SHA-256 then MD5, RFC 8760 §2.3). */
  readonly algorithms?: readonly ChallengeAlgorithm[];
  /** Wall-clock milliseconds since the epoch, the same on every replica (default Date.now). */
  readonly clock?: { now(): number };
  /** Told of every refusal, with its cause (logs, metrics). */
  readonly observer?: AuthObserver;
}

export const DEFAULT_NONCE_TTL_SECONDS = 300;
export const DEFAULT_ALGORITHMS: readonly ChallengeAlgorithm[] = Object.freeze(['SHA-256', 'MD5']);
const MIN_SECRET_LENGTH = 16;

/** Compared against when the user is unknown, so that the work done does not depend on it. */
const DUMMY_HA1: Readonly<Record<DigestAlgorithm, string>> = { MD5: '0'.repeat(32), 'SHA-256': '0'.repeat(64), 'SHA-512-256': '0'.repeat(64) };

const KIND = {
  www: { status: 401, challenge: 'WWW-Authenticate', credentials: H.authorization, header: 'Authorization' },
  proxy: { status: 407, challenge: 'Proxy-Authenticate', credentials: H.proxyAuthorization, header: 'Proxy-Authorization' },
} as const;

type Selected =
  | { readonly kind: 'none' }
  | { readonly kind: 'credentials'; readonly value: DigestCredentials & { readonly algorithm: DigestAlgorithm } }
  | { readonly kind: 'defect'; readonly reason: string };

/**
 * Digest authentication of SIP requests at the edge: RFC 3261 §22 with the
 * algorithms of RFC 8760 (RFC 7616), qop=auth, stateless HMAC-signed nonces
 * any replica can verify, and nonce-count replay protection in Redis.
 *
 * The user to authenticate is named by the request: the To URI of a REGISTER
 * (the AOR being registered), the From URI otherwise. Its domain must be
 * provisioned (else 403); the challenge's realm is that domain's realm; the
 * credentials must be those of that URI's user (else 403, as Kamailio's
 * auth_check with its From/To user check). See docs/auth.md.
 *
 * The caller must not call it for ACK or CANCEL (RFC 3261 §22.1: "Servers
 * MUST NOT attempt to challenge an ACK", nor a CANCEL).
 */
export class DigestAuthenticator {
  private readonly users: UserDirectory;
  private readonly nonces: StatelessNonce;
  private readonly counts: NonceCountStore;
  private readonly algorithms: readonly ChallengeAlgorithm[];
  private readonly clock: { now(): number };
  private readonly observer: AuthObserver | undefined;

  constructor(opts: DigestAuthenticatorOptions) {
    if (typeof opts.secret !== 'string' || opts.secret.length < MIN_SECRET_LENGTH) {
      throw new RangeError(`DigestAuthenticator: the secret must have at least ${MIN_SECRET_LENGTH} characters`);
    }
    const ttl = opts.nonceTtlSeconds ?? DEFAULT_NONCE_TTL_SECONDS;
    if (!Number.isInteger(ttl) || ttl < 1) throw new RangeError(`DigestAuthenticator: nonceTtlSeconds ${ttl} is not a positive integer`);
    const algorithms = opts.algorithms ?? DEFAULT_ALGORITHMS;
    // RFC 8760 §2.3: several challenges with the same realm "MUST use a different digest algorithm".
    if (algorithms.length === 0 || new Set(algorithms).size !== algorithms.length || !algorithms.every(isDigestAlgorithm)) {
      throw new RangeError(`DigestAuthenticator: algorithms must be distinct among ${DIGEST_ALGORITHMS.join(', ')}`);
    }
    this.users = opts.users;
    this.nonces = new StatelessNonce(opts.secret, ttl * 1000);
    this.counts = new NonceCountStore(opts.redis);
    this.algorithms = Object.freeze([...algorithms]);
    this.clock = opts.clock ?? { now: () => Date.now() };
    this.observer = opts.observer;
  }

  async authenticate(req: SipRequest, kind: AuthKind): Promise<AuthOutcome> {
    const method = req.method.toUpperCase();
    if (method === 'ACK' || method === 'CANCEL') throw new RangeError(`DigestAuthenticator: ${method} is never challenged (RFC 3261 §22.1)`);
    const k = KIND[kind];
    const failure: { cause: AuthFailureCause; kind: AuthKind; method: string; realm?: string; username?: string } = { cause: 'malformed', kind, method: req.method };
    const refuse = (cause: AuthFailureCause, outcome: AuthOutcome): AuthOutcome => {
      failure.cause = cause;
      this.observer?.rejected(failure);
      return outcome;
    };

    // Whose credentials are wanted: the AOR being registered, or the sender.
    const field = method === 'REGISTER' ? 'To' : 'From';
    const addr = req.headers.typed(method === 'REGISTER' ? H.to : H.from);
    if (!addr.ok) return refuse('malformed', reject(400, addr.error.reason));
    if (addr.value === undefined) return refuse('malformed', reject(400, `Missing ${field} header`));
    const uri = addr.value.uri;
    if (uri.kind !== 'sip') return refuse('foreign-domain', reject(403, `${field} is not a SIP URI`));
    if (uri.user === undefined) return refuse('foreign-domain', reject(403, `${field} URI has no user part`));
    const domain = parseDomainName(uri.host);
    const realm = domain.ok ? await this.users.realmOf(domain.value) : undefined;
    if (!domain.ok || realm === undefined) return refuse('foreign-domain', reject(403, `Domain ${uri.host} is not served here`));
    const subjectUser = unescape(uri.user);
    failure.realm = realm;

    const selected = this.select(req, kind, realm);
    if (selected.kind === 'defect') return refuse('malformed', reject(400, selected.reason));
    // RFC 3261 §22.2/§22.3: no (usable) credentials for our realm: challenge.
    if (selected.kind === 'none') return refuse('no-credentials', this.challenge(kind, realm, false));
    const c = selected.value;
    failure.username = c.username;

    const nonce = this.nonces.check(c.nonce, realm, this.clock.now());
    // Not a nonce of ours (forged, another realm, garbled): a fresh challenge, not stale.
    if (nonce.status === 'invalid') return refuse('invalid-nonce', this.challenge(kind, realm, false));

    // RFC 8760 §2.6 item 6: the UAS "MAY still accept it if the two fields are
    // not equivalent". Accepted: the Request-URI itself, or any well-formed sip:
    // or sips: URI (SIPp sends sip:<server ip>:<port>); the digest covers the
    // uri as sent either way. Anything else is a 400 (RFC 7616 §3.4.6).
    const digestUri = parseUri(c.uri);
    if (!digestUri.ok) return refuse('malformed', reject(400, `Bad ${k.header}: bad uri (${digestUri.error.reason})`));
    if (digestUri.value.kind !== 'sip' && !uriEquals(digestUri.value, req.uri)) {
      return refuse('malformed', reject(400, `Bad ${k.header}: uri does not match the Request-URI`));
    }

    // Unknown user and wrong password end alike for the client: the same
    // challenge, after the same work.
    const user = isValidUserPart(c.username) ? await this.users.getUser(`${c.username}@${domain.value}`) : undefined;
    const known = user !== undefined && user.realm === realm;
    const expected = computeDigestResponse({
      algorithm: c.algorithm,
      ha1: known ? user.ha1[c.algorithm] : DUMMY_HA1[c.algorithm],
      nonce: c.nonce,
      method: req.method,
      uri: c.uri,
      qop: c.qop,
    });
    const match = timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(c.response, 'hex'));
    if (!known) return refuse('unknown-user', this.challenge(kind, realm, false));
    if (!match) return refuse('wrong-password', this.challenge(kind, realm, false));

    // RFC 7616 §3.3: stale=true tells the client to retry with the new nonce
    // "without prompting for a new username and password"; only for a digest
    // that was right for its (expired) nonce (RFC 2617 §3.2.1).
    if (nonce.status === 'expired') return refuse('stale-nonce', this.challenge(kind, realm, true));

    // As Kamailio's auth_check with its user check: the credentials must be
    // those of the user the request speaks for.
    if (c.username !== subjectUser) return refuse('wrong-user', reject(403, `Credentials are not those of the ${field} user`));

    // RFC 7616 §3.4: "if the same nc value is seen twice, then the request is a
    // replay". The nc must grow per nonce; the RFC 2069 form (no nc) is
    // accepted once per nonce, counted as nc 1. Recorded last, after the
    // digest is proven, so that forged requests cannot use up a client's counts.
    const ttlMs = nonce.expiresAt - this.clock.now() + CLOCK_SKEW_MS;
    const fresh = await this.counts.advance(c.nonce, c.qop?.count ?? 1, ttlMs);
    if (!fresh) return refuse('replay', this.challenge(kind, realm, true));

    return { ok: true, identity: user.aor };
  }

  /**
   * The credentials this server may consume: Digest values whose realm is
   * ours. Other schemes are ignored (RFC 4475 §3.3.7; Basic never accepted,
   * RFC 3261 §22.4), as are values for other realms (RFC 3261 §22.3: they
   * "MUST NOT be consumed by any proxy whose realm does not match"). Of ours,
   * the first with an algorithm we offer is used.
   */
  private select(req: SipRequest, kind: AuthKind, realm: string): Selected {
    const k = KIND[kind];
    const values = readAuthHeaders(req, kind);
    if (!values.ok) return { kind: 'defect', reason: values.reason };
    for (const h of values.value) {
      if (h.scheme.toLowerCase() !== 'digest') continue;
      const r = h.params.get('realm');
      if (r === undefined) return { kind: 'defect', reason: `Bad ${k.header}: missing realm` };
      if (r !== realm) continue;
      const checked = checkDigestCredentials(h, k.header);
      if (checked.kind === 'defect') return checked;
      if (checked.kind === 'placeholder') continue;
      const alg = checked.value.algorithm;
      // RFC 7616 §3.4: algorithm "must be those supplied in the WWW-Authenticate
      // response": one we do not offer (now) earns a fresh challenge.
      if (alg === undefined || !this.algorithms.includes(alg)) continue;
      return { kind: 'credentials', value: { ...checked.value, algorithm: alg } };
    }
    return { kind: 'none' };
  }

  /**
   * RFC 8760 §2.3: one challenge per algorithm, "starting with the most
   * preferred algorithm at the top"; all carry the same fresh nonce and
   * qop="auth" (RFC 3261 §22.4 item 8: "servers MUST always send a "qop""),
   * qop=auth-int not offered.
   */
  private challenge(kind: AuthKind, realm: string, stale: boolean): AuthOutcome {
    const k = KIND[kind];
    const nonce = this.nonces.issue(realm, this.clock.now());
    const headers: Array<[string, string]> = this.algorithms.map((algorithm) => {
      const params: Array<[string, string]> = [
        ['realm', realm],
        ['nonce', nonce],
        ['algorithm', algorithm],
        ['qop', 'auth'],
      ];
      if (stale) params.push(['stale', 'true']);
      return [k.challenge, formatAuthHeader('Digest', params)];
    });
    return { ok: false, status: k.status, headers };
  }
}

function reject(status: 400 | 403, reason: string): AuthOutcome {
  return { ok: false, status, reason, headers: [] };
}

/**
 * Every Authorization (or Proxy-Authorization) value. A value that does not
 * parse is a 400 if its scheme is Digest, and is skipped otherwise: another
 * scheme's syntax (token68, RFC 7235) is none of our business.
 */
function readAuthHeaders(req: SipRequest, kind: AuthKind): { ok: true; value: AuthHeader[] } | { ok: false; reason: string } {
  const k = KIND[kind];
  const typed = req.headers.typed(k.credentials);
  if (typed.ok) return { ok: true, value: typed.value ?? [] };
  const out: AuthHeader[] = [];
  for (const v of req.headers.getAll(k.credentials.name)) {
    const r = parseAuthHeader(v, k.header);
    if (r.ok) out.push(r.value);
    else if (/^\s*digest(?:\s|$)/i.test(v)) return { ok: false, reason: r.error.reason };
  }
  return { ok: true, value: out };
}
