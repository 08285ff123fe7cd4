import type { UserRecord } from './user-record.js';

/** What digest authentication reads of the user store (UserStore is one). */
export interface UserDirectory {
  realmOf(domain: string): Promise<string | undefined>;
  getUser(aor: string): Promise<UserRecord | undefined>;
}

/**
 * The user store seen through a short-lived cache: digest authentication (SIP
 * and HTTP) reads a domain's realm and a user's HA1 for every request, and
 * these change rarely. A password change or a removal takes effect within
 * `ttlMs` (the edge's SIMPLE_AUTH_CACHE_MS, the XCAP server's SIMPLE_XCAP_AUTH_CACHE_MS; 0 turns the cache off). Bounded in entries.
 */
export class CachedUserDirectory implements UserDirectory {
  private readonly realms = new Map<string, { value: string | undefined; until: number }>();
  private readonly users = new Map<string, { value: UserRecord | undefined; until: number }>();
  /** Reads under way: concurrent requests for one key share one (a burst of one user's requests reads once). */
  private readonly loading = new Map<string, Promise<unknown>>();

  constructor(
    private readonly inner: UserDirectory,
    private readonly ttlMs: number,
    private readonly maxEntries = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  realmOf(domain: string): Promise<string | undefined> {
    return this.cached(this.realms, domain, () => this.inner.realmOf(domain));
  }

  getUser(aor: string): Promise<UserRecord | undefined> {
    return this.cached(this.users, aor, () => this.inner.getUser(aor));
  }

  private async cached<T>(map: Map<string, { value: T; until: number }>, key: string, load: () => Promise<T>): Promise<T> {
    if (this.ttlMs <= 0) return load();
    const t = this.now();
    const hit = map.get(key);
    if (hit !== undefined && hit.until > t) return hit.value;
    const tag = `${map === this.realms ? 'r' : 'u'}:${key}`;
    const pending = this.loading.get(tag) as Promise<T> | undefined;
    if (pending !== undefined) return pending;
    const p = load();
    this.loading.set(tag, p);
    let value: T;
    try {
      value = await p;
    } finally {
      this.loading.delete(tag);
    }
    // Names that exist are kept; an unknown one is not, so that made-up names cannot push real ones out.
    if (value === undefined) return value;
    map.delete(key);
    map.set(key, { value, until: t + this.ttlMs });
    // Least recently stored out first (a Map iterates in insertion order).
    while (map.size > this.maxEntries) {
      const oldest = map.keys().next();
      if (oldest.done === true) break;
      map.delete(oldest.value);
    }
    return value;
  }
}
