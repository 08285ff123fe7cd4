import { redisKeys, type AorKey } from '@simple/contracts';
import type { Cluster, Redis } from 'ioredis';
import { bindingSignature, compareBindings, decodeBinding, encodeBinding, type Binding } from './binding.js';
import { registerScript } from './register-script.js';
import { systemWallClock, type WallClock } from './wall-clock.js';

/** One binding to write (`binding` set) or remove (`binding` undefined). */
export interface BindingWrite {
  readonly key: string;
  readonly binding?: Binding;
}

/** What one REGISTER does to an AOR's bindings. */
export type BindingChange =
  /** No Contact: the bindings are left unchanged (RFC 3261 §10.2.3). */
  | { readonly kind: 'fetch' }
  /** `Contact: *` with Expires: 0 (RFC 3261 §10.2.2). */
  | { readonly kind: 'remove-all' }
  | { readonly kind: 'update'; readonly writes: readonly BindingWrite[] };

export interface BindingUpdate {
  readonly aor: AorKey;
  readonly callId: string;
  readonly cseq: number;
  /** The time the whole request is judged at (ms since the epoch). */
  readonly now: number;
  readonly change: BindingChange;
}

export type UpdateOutcome =
  /** RFC 3261 §10.3 steps 6-7: same Call-ID, CSeq not higher than the stored one; nothing was changed. */
  | { readonly applied: false; readonly staleKey: string }
  | {
      readonly applied: true;
      /** The live bindings before the request, and after it (location-service order). */
      readonly before: readonly Binding[];
      readonly after: readonly Binding[];
      /** Bindings found lapsed and deleted on the way. */
      readonly lapsed: readonly Binding[];
      /** True when a binding was added, removed or lapsed, or changed beyond a refresh (Contact, Path, flow). */
      readonly changed: boolean;
    };

export interface LocationStoreOptions {
  readonly redis: Redis | Cluster;
  readonly clock?: WallClock;
  /** How long a bindings hash outlives its latest expiry (ms). Default 60 000. */
  readonly keyGraceMs?: number;
}

function decodeAll(raws: readonly unknown[]): Binding[] {
  const out: Binding[] = [];
  for (const raw of raws) {
    const b = typeof raw === 'string' ? decodeBinding(raw) : undefined;
    if (b !== undefined) out.push(b);
  }
  return out.sort(compareBindings);
}

function bindingsChanged(before: readonly Binding[], after: readonly Binding[]): boolean {
  if (before.length !== after.length) return true;
  const old = new Map(before.map((b) => [b.key, bindingSignature(b)]));
  return after.some((b) => old.get(b.key) !== bindingSignature(b));
}

/**
 * The location service in Redis. Per AOR, a hash `redisKeys.bindings(aor)`
 * (field = binding key, value = binding JSON) whose TTL follows the latest
 * expiry; across AORs, the sorted set `redisKeys.bindingExpiry()` scores each
 * AOR with bindings no later than its earliest expiry, for a sweeper.
 *
 * The hash changes only through one Lua script per REGISTER (atomic per
 * AOR, one slot). The sorted set lives in another slot, so it is kept by a
 * protocol that tolerates races instead: writers only ever lower a score
 * (ZADD LT); whoever removes an AOR (its last binding gone, or a sweep)
 * removes the member first and then reads the hash again, putting the member
 * back if bindings appeared meanwhile. So a member's score is never later
 * than the AOR's earliest expiry; at worst a sweep comes early and finds
 * nothing to do.
 */
export class LocationStore {
  private readonly redis: Redis | Cluster;
  private readonly clock: WallClock;
  private readonly keyGraceMs: number;

  constructor(opts: LocationStoreOptions) {
    this.redis = opts.redis;
    this.clock = opts.clock ?? systemWallClock;
    this.keyGraceMs = opts.keyGraceMs ?? 60_000;
  }

  /** Applies one REGISTER's changes atomically (see register-script.ts). */
  async apply(u: BindingUpdate): Promise<UpdateOutcome> {
    const args: Array<string | number> = [u.now, this.keyGraceMs, u.callId, u.cseq, u.change.kind];
    if (u.change.kind === 'update') {
      for (const w of u.change.writes) args.push(w.key, w.binding === undefined ? '' : encodeBinding(w.binding));
    }
    const reply = await registerScript.run(this.redis, [redisKeys.bindings(u.aor)], args);
    if (!Array.isArray(reply) || reply.length < 2) throw new Error('LocationStore: unexpected script reply');
    if (reply[0] === 'stale') return { applied: false, staleKey: String(reply[1]) };
    const next = String(reply[1]);
    const nLapsed = Number(reply[2]);
    const nBefore = Number(reply[3]);
    const lapsed = decodeAll(reply.slice(4, 4 + nLapsed));
    const before = decodeAll(reply.slice(4 + nLapsed, 4 + nLapsed + nBefore));
    const after = decodeAll(reply.slice(4 + nLapsed + nBefore));
    if (after.length > 0) {
      await this.schedule(u.aor, Number(next));
    } else if (before.length > 0 || lapsed.length > 0) {
      await this.unschedule(u.aor, u.now);
    }
    return { applied: true, before, after, lapsed, changed: lapsed.length > 0 || bindingsChanged(before, after) };
  }

  /** The live bindings of an AOR, q descending then most recent first. Reads only. */
  async lookup(aor: AorKey): Promise<Binding[]> {
    return this.lookupAt(aor, this.clock.now());
  }

  /** AORs whose earliest expiry is due at `now` (for a sweeper holding the lease). */
  async dueAors(now: number, limit = 100): Promise<AorKey[]> {
    return this.redis.zrangebyscore(redisKeys.bindingExpiry(), '-inf', now, 'LIMIT', 0, limit);
  }

  /**
   * Deletes the lapsed bindings of one AOR and reschedules it; returns what
   * lapsed, so that the caller can announce it. What a sweeper runs per due AOR.
   */
  async purgeExpired(aor: AorKey): Promise<Binding[]> {
    const now = this.clock.now();
    await this.redis.zrem(redisKeys.bindingExpiry(), aor);
    const r = await this.apply({ aor, callId: '', cseq: 0, now, change: { kind: 'fetch' } });
    if (!r.applied) return [];
    return [...r.lapsed];
  }

  private async schedule(aor: AorKey, nextExpiry: number): Promise<void> {
    await this.redis.zadd(redisKeys.bindingExpiry(), 'LT', nextExpiry, aor);
  }

  private async unschedule(aor: AorKey, now: number): Promise<void> {
    await this.redis.zrem(redisKeys.bindingExpiry(), aor);
    // A concurrent REGISTER may have added a binding (and its member) just before the ZREM.
    const again = (await this.lookupAt(aor, now)).reduce<number | undefined>((m, b) => (m === undefined || b.expiresAt < m ? b.expiresAt : m), undefined);
    if (again !== undefined) await this.schedule(aor, again);
  }

  private async lookupAt(aor: AorKey, now: number): Promise<Binding[]> {
    const all = await this.redis.hgetall(redisKeys.bindings(aor));
    return decodeAll(Object.values(all)).filter((b) => b.expiresAt > now);
  }
}
