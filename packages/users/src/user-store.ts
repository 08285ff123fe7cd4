import { redisKeys } from '@simple/contracts';
import type { Cluster, Redis } from 'ioredis';

import { parseAor, type Aor } from './aor.js';
import { DIGEST_ALGORITHMS, computeHa1, type DigestAlgorithm } from './digest-algorithm.js';
import { parseDomainName } from './domain-name.js';
import type { DomainInfo, UserRecord } from './user-record.js';
import { UserStoreError } from './user-store-error.js';

/** A single Redis node or a Redis Cluster: every operation touches one hash slot at a time. */
export type RedisConnection = Redis | Cluster;

/** Hash fields of a user (`redisKeys.user`); HA1 fields are `ha1:<algorithm>`. */
const F = { username: 'username', domain: 'domain', realm: 'realm' } as const;
const ha1Field = (algorithm: DigestAlgorithm): string => `ha1:${algorithm}`;

/** Hash field of a domain (`redisKeys.domain`). */
const REALM = 'realm';

// realm-value is a quoted-string (RFC 3261 §25.1, RFC 7616 §3.3): no DQUOTE,
// no backslash (we write it without escapes), no controls.
const REALM_VALUE = /^[^"\\\x00-\x1f\x7f]{1,255}$/;
const MAX_PASSWORD = 1024;

/**
 * KEYS[1] = domain hash, KEYS[2] = the domain's user set (same hash tag).
 * Adds ARGV[1] to the set only while the domain exists; returns the realm, or nil.
 */
const RESERVE_MEMBERSHIP = `
local realm = redis.call('HGET', KEYS[1], '${REALM}')
if not realm then return false end
redis.call('SADD', KEYS[2], ARGV[1])
return realm`;

/** KEYS[1] = user hash. Creates it from the ARGV field/value pairs unless it exists: 1 created, 0 existed. */
const CREATE_USER = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1`;

/** KEYS[1] = user hash. Updates it with the ARGV field/value pairs if it exists: 1 updated, 0 absent. */
const UPDATE_USER = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1`;

/** KEYS[1] = domain hash, KEYS[2] = its user set. 1 removed, 0 still has users, -1 absent. */
const REMOVE_DOMAIN = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('SCARD', KEYS[2]) > 0 then return 0 end
redis.call('DEL', KEYS[1])
return 1`;

function required<T>(r: { ok: true; value: T } | { ok: false; error: UserStoreError }): T {
  if (!r.ok) throw r.error;
  return r.value;
}

function checkPassword(password: string): void {
  if (typeof password !== 'string' || password.length === 0 || password.length > MAX_PASSWORD) {
    // Never the password itself in the message.
    throw new UserStoreError('INVALID_PASSWORD', `must be 1 to ${MAX_PASSWORD} characters`);
  }
}

/**
 * The provisioning store: domains (each with its digest realm) and their
 * users, in Redis under the keys of `@simple/contracts`. Only HA1 values are
 * stored, one per algorithm of RFC 8760 (MD5, SHA-256, SHA-512-256), never a
 * password.
 *
 * Mutations reject with a {@link UserStoreError} (invalid input, missing or
 * existing domain/user). Lookups (`isLocalDomain`, `realmOf`, `getUser`) take
 * untrusted input on the request path: for an invalid name they answer
 * false/undefined, as for an unknown one, and never reject except on a Redis
 * failure.
 *
 * Redis Cluster: a user's hash and its domain's keys live on different slots,
 * so no operation spans them atomically. Writes are ordered so that a crash
 * between two steps leaves at worst a user-set member without a user hash
 * (repaired by `removeUser` or a new `addUser` of that AOR), never a user
 * without its domain.
 */
export class UserStore {
  constructor(private readonly redis: RedisConnection) {}

  /**
   * Provisions a domain with its realm (default: the domain name, RFC 3261
   * §22.1: "a realm string contain a hostname or domain name"). Idempotent
   * with the same realm; DOMAIN_EXISTS with another (the HA1 values depend on it).
   */
  async addDomain(domain: string, opts: { realm?: string } = {}): Promise<DomainInfo> {
    const name = required(parseDomainName(domain));
    const realm = opts.realm ?? name;
    if (typeof realm !== 'string' || !REALM_VALUE.test(realm)) throw new UserStoreError('INVALID_REALM', JSON.stringify(realm));
    const key = redisKeys.domain(name);
    if ((await this.redis.hsetnx(key, REALM, realm)) === 0) {
      const existing = await this.redis.hget(key, REALM);
      if (existing !== realm) throw new UserStoreError('DOMAIN_EXISTS', `${name} has realm ${JSON.stringify(existing)}`);
    }
    // The domain hash is the authority (isLocalDomain); the set only lists.
    await this.redis.sadd(redisKeys.domains(), name);
    return { domain: name, realm };
  }

  /**
   * Removes a domain. Refused with DOMAIN_NOT_EMPTY while the domain has
   * users (remove them first): removing a domain never deletes credentials as
   * a side effect. Resolves false when the domain did not exist.
   */
  async removeDomain(domain: string): Promise<boolean> {
    const name = required(parseDomainName(domain));
    const r = await this.redis.eval(REMOVE_DOMAIN, 2, redisKeys.domain(name), redisKeys.domainUsers(name));
    if (r === 0) throw new UserStoreError('DOMAIN_NOT_EMPTY', name);
    await this.redis.srem(redisKeys.domains(), name);
    return r === 1;
  }

  /** Every provisioned domain, sorted. */
  async listDomains(): Promise<string[]> {
    return (await this.redis.smembers(redisKeys.domains())).sort();
  }

  /** Whether the edge serves this domain; false for an invalid name. */
  async isLocalDomain(domain: string): Promise<boolean> {
    const name = parseDomainName(domain);
    return name.ok && (await this.redis.exists(redisKeys.domain(name.value))) === 1;
  }

  /** The realm of a provisioned domain; undefined for an unknown or invalid one. */
  async realmOf(domain: string): Promise<string | undefined> {
    const name = parseDomainName(domain);
    if (!name.ok) return undefined;
    return (await this.redis.hget(redisKeys.domain(name.value), REALM)) ?? undefined;
  }

  /** Provisions a user of an existing domain: USER_EXISTS if already there, DOMAIN_NOT_FOUND without the domain. */
  async addUser(aor: string, password: string): Promise<UserRecord> {
    const a = required(parseAor(aor));
    checkPassword(password);
    // Membership first, atomically with the domain's existence (same slot),
    // so that removeDomain cannot succeed while this user is being created.
    const realm = await this.redis.eval(RESERVE_MEMBERSHIP, 2, redisKeys.domain(a.domain), redisKeys.domainUsers(a.domain), a.aor);
    if (typeof realm !== 'string') throw new UserStoreError('DOMAIN_NOT_FOUND', a.domain);
    const record = userRecord(a, realm, password);
    const created = await this.redis.eval(CREATE_USER, 1, redisKeys.user(a.aor), ...userFields(record));
    if (created !== 1) throw new UserStoreError('USER_EXISTS', a.aor);
    return record;
  }

  /** Replaces a user's credentials (all HA1 values at once): USER_NOT_FOUND if absent. */
  async setPassword(aor: string, password: string): Promise<UserRecord> {
    const a = required(parseAor(aor));
    checkPassword(password);
    const realm = await this.realmOf(a.domain);
    if (realm === undefined) throw new UserStoreError('USER_NOT_FOUND', a.aor);
    const record = userRecord(a, realm, password);
    const updated = await this.redis.eval(UPDATE_USER, 1, redisKeys.user(a.aor), ...userFields(record));
    if (updated !== 1) throw new UserStoreError('USER_NOT_FOUND', a.aor);
    return record;
  }

  /** Removes a user; resolves false when there was none. */
  async removeUser(aor: string): Promise<boolean> {
    const a = required(parseAor(aor));
    const removed = await this.redis.del(redisKeys.user(a.aor));
    // After the hash: a crash in between leaves a set member without a user,
    // which this call repairs when repeated.
    await this.redis.srem(redisKeys.domainUsers(a.domain), a.aor);
    return removed === 1;
  }

  /** A user's credentials; undefined for an unknown or invalid address of record. */
  async getUser(aor: string): Promise<UserRecord | undefined> {
    const a = parseAor(aor);
    if (!a.ok) return undefined;
    const h = await this.redis.hgetall(redisKeys.user(a.value.aor));
    const realm = h[F.realm];
    const ha1 = { MD5: h[ha1Field('MD5')], 'SHA-256': h[ha1Field('SHA-256')], 'SHA-512-256': h[ha1Field('SHA-512-256')] };
    if (realm === undefined || ha1.MD5 === undefined || ha1['SHA-256'] === undefined || ha1['SHA-512-256'] === undefined) return undefined;
    return { aor: a.value.aor, username: a.value.user, domain: a.value.domain, realm, ha1: { MD5: ha1.MD5, 'SHA-256': ha1['SHA-256'], 'SHA-512-256': ha1['SHA-512-256'] } };
  }

  /** The addresses of record of a domain's users, sorted: DOMAIN_NOT_FOUND for an unknown domain. */
  async listUsers(domain: string): Promise<string[]> {
    const name = required(parseDomainName(domain));
    const [exists, members] = await Promise.all([this.redis.exists(redisKeys.domain(name)), this.redis.smembers(redisKeys.domainUsers(name))]);
    if (exists !== 1) throw new UserStoreError('DOMAIN_NOT_FOUND', name);
    return members.sort();
  }
}

/** RFC 8760 §2: one HA1 per algorithm, username = the user part, realm = the domain's realm. */
function userRecord(a: Aor, realm: string, password: string): UserRecord {
  const ha1 = Object.fromEntries(DIGEST_ALGORITHMS.map((alg) => [alg, computeHa1(alg, a.user, realm, password)])) as Record<DigestAlgorithm, string>;
  return { aor: a.aor, username: a.user, domain: a.domain, realm, ha1 };
}

function userFields(r: UserRecord): string[] {
  const out: string[] = [F.username, r.username, F.domain, r.domain, F.realm, r.realm];
  for (const alg of DIGEST_ALGORITHMS) out.push(ha1Field(alg), r.ha1[alg]);
  return out;
}
