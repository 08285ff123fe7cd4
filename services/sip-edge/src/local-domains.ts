import type { UserStore } from '@simple/users';

/**
 * Which Request-URI hosts this platform serves: the provisioned domains (from
 * the user store, cached for a few seconds so that the hot path does not ask
 * Redis every time) and the edge's own addresses.
 */
export class LocalDomains {
  private readonly cache = new Map<string, { local: boolean; until: number }>();

  constructor(
    private readonly users: Pick<UserStore, 'isLocalDomain'>,
    private readonly ownHosts: ReadonlySet<string>,
    private readonly ttlMs = 5_000,
    private readonly now: () => number = Date.now,
  ) {}

  async isLocal(host: string): Promise<boolean> {
    const h = host.toLowerCase();
    if (this.ownHosts.has(h)) return true;
    const t = this.now();
    const hit = this.cache.get(h);
    if (hit !== undefined && hit.until > t) return hit.local;
    const local = await this.users.isLocalDomain(h);
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(h, { local, until: t + this.ttlMs });
    return local;
  }
}
