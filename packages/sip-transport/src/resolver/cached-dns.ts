import { NODATA, NOTFOUND, type NaptrRecord, type SrvRecord, type promises as dnsPromises } from 'node:dns';
import { BoundedTtlCache } from './bounded-ttl-cache.js';

/** The queries the resolver sends: a `dns.promises.Resolver` has them all. */
export type DnsQueryResolver = Pick<dnsPromises.Resolver, 'resolveNaptr' | 'resolveSrv' | 'resolve4' | 'resolve6'>;

/**
 * One query's outcome. `nxdomain` (the name does not exist) and `nodata` (it exists
 * but has no record of that type) are answers; `failed` is a query that got no
 * answer (SERVFAIL, timeout, refused...).
 */
export type DnsAnswer<T> =
  | { readonly status: 'found'; readonly records: readonly T[] }
  | { readonly status: 'nxdomain' }
  | { readonly status: 'nodata' }
  | { readonly status: 'failed'; readonly code: string; readonly cause: unknown };

/** How long answers are kept. Seconds; a TTL of 0 keeps nothing. */
export interface DnsCachePolicy {
  readonly maxEntries: number;
  /** The cap on any record's own TTL. */
  readonly maxTtlSeconds: number;
  /** node:dns reports no TTL for NAPTR and SRV answers: they are kept this long. */
  readonly naptrSrvTtlSeconds: number;
  /** NXDOMAIN and no-data answers. */
  readonly negativeTtlSeconds: number;
}

/**
 * The resolver's DNS: queries through a node resolver, turns its errors into
 * answers (nothing is thrown), shares one query among concurrent askers, and keeps
 * answers in a bounded cache for their TTL.
 */
export class CachedDns {
  readonly #resolver: DnsQueryResolver;
  readonly #policy: DnsCachePolicy | undefined;
  readonly #cache: BoundedTtlCache<DnsAnswer<unknown>> | undefined;
  readonly #now: () => number;
  readonly #inFlight = new Map<string, Promise<DnsAnswer<unknown>>>();

  constructor(resolver: DnsQueryResolver, policy: DnsCachePolicy | undefined, now: () => number) {
    this.#resolver = resolver;
    this.#policy = policy;
    this.#cache = policy ? new BoundedTtlCache(policy.maxEntries) : undefined;
    this.#now = now;
  }

  naptr(name: string): Promise<DnsAnswer<NaptrRecord>> {
    return this.#query('NAPTR', name, async () => ({ records: await this.#resolver.resolveNaptr(name) }));
  }

  srv(name: string): Promise<DnsAnswer<SrvRecord>> {
    return this.#query('SRV', name, async () => ({ records: await this.#resolver.resolveSrv(name) }));
  }

  /** A (family 4) or AAAA (family 6) records of a name, as address strings. */
  addresses(name: string, family: 4 | 6): Promise<DnsAnswer<string>> {
    return this.#query(family === 4 ? 'A' : 'AAAA', name, async () => {
      const found =
        family === 4
          ? await this.#resolver.resolve4(name, { ttl: true })
          : await this.#resolver.resolve6(name, { ttl: true });
      return {
        records: found.map((r) => r.address),
        ttlSeconds: found.reduce((min, r) => Math.min(min, r.ttl), Number.POSITIVE_INFINITY),
      };
    });
  }

  #query<T>(
    type: string,
    name: string,
    run: () => Promise<{ records: readonly T[]; ttlSeconds?: number }>,
  ): Promise<DnsAnswer<T>> {
    const key = `${type} ${name}`;
    const cached = this.#cache?.get(key, this.#now());
    if (cached !== undefined) return Promise.resolve(cached as DnsAnswer<T>);
    const pending = this.#inFlight.get(key);
    if (pending !== undefined) return pending as Promise<DnsAnswer<T>>;
    const query = this.#ask(run).then((outcome) => {
      this.#inFlight.delete(key);
      this.#remember(key, outcome);
      return outcome.answer;
    });
    this.#inFlight.set(key, query);
    return query;
  }

  async #ask<T>(
    run: () => Promise<{ records: readonly T[]; ttlSeconds?: number }>,
  ): Promise<{ answer: DnsAnswer<T>; ttlSeconds?: number }> {
    try {
      const { records, ttlSeconds } = await run();
      if (records.length === 0) return { answer: { status: 'nodata' } };
      return { answer: { status: 'found', records }, ttlSeconds: ttlSeconds ?? this.#policy?.naptrSrvTtlSeconds };
    } catch (cause: unknown) {
      const code = errorCode(cause);
      if (code === NOTFOUND) return { answer: { status: 'nxdomain' } };
      if (code === NODATA) return { answer: { status: 'nodata' } };
      return { answer: { status: 'failed', code, cause } };
    }
  }

  #remember(key: string, outcome: { answer: DnsAnswer<unknown>; ttlSeconds?: number }): void {
    if (this.#cache === undefined || this.#policy === undefined) return;
    const { answer } = outcome;
    if (answer.status === 'failed') return; // a failure is not an answer: ask again next time
    const ttl = answer.status === 'found' ? (outcome.ttlSeconds ?? 0) : this.#policy.negativeTtlSeconds;
    this.#cache.set(key, answer, Math.min(ttl, this.#policy.maxTtlSeconds) * 1000, this.#now());
  }
}

function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return 'EUNKNOWN';
}
