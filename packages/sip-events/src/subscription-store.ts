import { redisKeys, subscriptionKeys } from '@simple/contracts';
import { LuaScript, type RedisClient } from './lua-script.js';
import { decodeSubscription, encodeSubscription, fieldsToRecord, type Subscription } from './subscription.js';

/**
 * Every piece of subscription state, in Redis (DESIGN.md, "State"), and the
 * scripts that keep the ordering invariant (README.md, "NOTIFY order").
 *
 * Per subscription, beside its dialog fields, the hash holds:
 * - `cseq`, `version`: the last NOTIFY CSeq and version allocated;
 * - `wanted`: a change counter, bumped by every change that owes the watcher
 *   a NOTIFY; `done`: the highest `wanted` value a sent NOTIFY covered;
 *   `inflight`: what the NOTIFY in flight covers;
 * - `urgentGen`: the change (a `wanted` value) that must be sent whatever the
 *   rate control (RFC 6446 §5.2: SUBSCRIBE, pending → active, termination);
 * - `lastSentAt`: for rate control.
 * The sender lease (`subscriptionSender`) shares the hash's slot, so that one
 * script checks the lease and changes the counters.
 */
export class SubscriptionStore {
  constructor(private readonly redis: RedisClient) {}

  /** A new subscription, with the sender lease taken by `owner` (the SUBSCRIBE handler sends the first NOTIFY). */
  async create(s: Subscription, owner: string, leaseMs: number, ttlMs: number): Promise<boolean> {
    const r = await CREATE.run(this.redis, [subscriptionKeys.subscription(s.id), subscriptionKeys.subscriptionSender(s.id)], [owner, leaseMs, ttlMs, ...encodeSubscription(s)]);
    return r === 1;
  }

  /** Adds the subscription to its resource's index and to the expiry sweep (other slots, after `create`). */
  async index(s: Subscription): Promise<void> {
    await Promise.all([
      this.redis.sadd(subscriptionKeys.resourceSubscriptions(s.eventPackage, s.resource), s.id),
      this.redis.zadd(subscriptionKeys.subscriptionExpiry(s.eventPackage), s.expiresAt, s.id),
    ]);
  }

  async load(id: string): Promise<Subscription | undefined> {
    const r = await this.redis.hgetall(subscriptionKeys.subscription(id));
    return Object.keys(r).length === 0 ? undefined : decodeSubscription(id, r);
  }

  /**
   * Changes a live subscription and records that it owes the watcher a NOTIFY
   * (`wanted` + 1; `urgent` also exempts that NOTIFY from rate control).
   * `guard` refuses the change unless: `cseq` — the SUBSCRIBE's CSeq is above
   * the last one (RFC 3261 §12.2.2); `expired` — the expiry has passed (the
   * sweeper against a refresh); `authorization` — it is still the given one.
   */
  async update(
    id: string,
    change: { readonly fields: ReadonlyArray<readonly [string, string]>; readonly urgent: boolean; readonly ttlMs?: number; readonly guard?: UpdateGuard },
  ): Promise<UpdateResult> {
    const g = change.guard;
    const r = (await UPDATE.run(this.redis, [subscriptionKeys.subscription(id)], [
      g?.kind ?? '',
      g === undefined ? '' : String(g.value),
      change.urgent ? '1' : '0',
      change.ttlMs ?? 0,
      ...change.fields.flat(),
    ])) as unknown[];
    const kind = String(r[0]);
    if (kind === 'ok') return { kind: 'ok', wanted: Number(r[1]) };
    return { kind: kind as Exclude<UpdateResult['kind'], 'ok'> };
  }

  /** Moves the subscription's expiry in the sweep's sorted set. */
  async reschedule(s: Pick<Subscription, 'id' | 'eventPackage'>, expiresAt: number): Promise<void> {
    await this.redis.zadd(subscriptionKeys.subscriptionExpiry(s.eventPackage), expiresAt, s.id);
  }

  /** The ids of the subscriptions of one package to one resource. */
  async members(eventPackage: string, resource: string): Promise<string[]> {
    return this.redis.smembers(subscriptionKeys.resourceSubscriptions(eventPackage, resource));
  }

  /**
   * A state change for fan-out, for many subscriptions in one pipeline: an
   * active one gets `wanted` + 1 and comes back with its `wanted` value (read
   * BEFORE the caller composes, so that the composed body covers it) and its
   * record; others come back as they are, untouched.
   */
  async mark(ids: readonly string[]): Promise<MarkResult[]> {
    if (ids.length === 0) return [];
    const out: MarkResult[] = [];
    // One script per key (Cluster: keys of different slots), sent together.
    const results = await Promise.all(ids.map((id) => MARK.run(this.redis, [subscriptionKeys.subscription(id)], []) as Promise<unknown[]>));
    results.forEach((r, i) => {
      const id = ids[i] ?? '';
      const kind = String(r[0]);
      if (kind === 'missing') return out.push({ kind: 'missing', id });
      const sub = decodeSubscription(id, fieldsToRecord(r, kind === 'marked' ? 2 : 1));
      if (sub === undefined) return out.push({ kind: 'missing', id });
      if (kind === 'marked') return out.push({ kind: 'marked', id, wanted: Number(r[1]), subscription: sub });
      return out.push({ kind: 'inactive', id, subscription: sub });
    });
    return out;
  }

  /**
   * Takes (or renews) the sender lease and, when a NOTIFY is owed, allocates
   * its CSeq and version; the NOTIFY will cover every change marked so far.
   * `covers`: the `wanted` value a body composed in advance (fan-out) covers;
   * it is used (`precomposed: true`) only when no change came after it,
   * otherwise the caller composes afresh.
   */
  async begin(id: string, owner: string, leaseMs: number, now: number, covers: number | undefined): Promise<BeginResult> {
    const r = (await BEGIN.run(this.redis, [subscriptionKeys.subscription(id), subscriptionKeys.subscriptionSender(id)], [
      owner,
      leaseMs,
      now,
      covers === undefined ? '' : String(covers),
    ])) as unknown[];
    switch (String(r[0])) {
      case 'busy':
        return { kind: 'busy', leaseLeftMs: Math.max(0, Number(r[1])) };
      case 'throttled':
        return { kind: 'throttled', dueAt: Number(r[1]) };
      case 'idle':
        return { kind: 'idle' };
      case 'go': {
        const sub = decodeSubscription(id, fieldsToRecord(r, 5));
        if (sub === undefined) return { kind: 'gone' };
        return { kind: 'go', cseq: Number(r[1]), version: Number(r[2]), precomposed: Number(r[3]) === 1, mandatory: Number(r[4]) === 1, subscription: sub };
      }
      default:
        return { kind: 'gone' };
    }
  }

  /**
   * After the NOTIFY transaction: records what it covered and either keeps
   * the lease for another round (a change came meanwhile), releases it, or
   * deletes the subscription (a final NOTIFY was sent, or the response ends
   * the subscription). `skipped` and `retry` give the CSeq and version back
   * (no request left), so that CSeqs stay contiguous (RFC 3261 §12.2.1.1).
   */
  async end(id: string, owner: string, leaseMs: number, now: number, outcome: EndOutcome, terminal: boolean): Promise<EndResult> {
    const r = (await END.run(this.redis, [subscriptionKeys.subscription(id), subscriptionKeys.subscriptionSender(id)], [
      owner,
      leaseMs,
      now,
      outcome,
      terminal ? '1' : '0',
    ])) as unknown[];
    return String(r[0]) as EndResult;
  }

  /** Deletes a subscription and its lease at once, without any NOTIFY (the 200 could not be sent). */
  async discard(s: Pick<Subscription, 'id' | 'eventPackage' | 'resource'>): Promise<void> {
    // One slot (same hash tag), so one DEL, Cluster or not.
    await this.redis.del(subscriptionKeys.subscription(s.id), subscriptionKeys.subscriptionSender(s.id));
    await this.unindex(s);
  }

  /** Removes a subscription from the index, the expiry sweep and the deferred set (after its hash is gone). */
  async unindex(s: Pick<Subscription, 'id' | 'eventPackage' | 'resource'>): Promise<void> {
    await Promise.all([
      this.redis.srem(subscriptionKeys.resourceSubscriptions(s.eventPackage, s.resource), s.id),
      this.redis.zrem(subscriptionKeys.subscriptionExpiry(s.eventPackage), s.id),
      this.redis.zrem(subscriptionKeys.subscriptionDeferred(s.eventPackage), s.id),
    ]);
  }

  /** An index entry whose hash is gone (a replica died between two steps, or the hash's TTL ran out). */
  async dropStale(eventPackage: string, resource: string | undefined, id: string): Promise<void> {
    await Promise.all([
      resource === undefined ? Promise.resolve(0) : this.redis.srem(subscriptionKeys.resourceSubscriptions(eventPackage, resource), id),
      this.redis.zrem(subscriptionKeys.subscriptionExpiry(eventPackage), id),
      this.redis.zrem(subscriptionKeys.subscriptionDeferred(eventPackage), id),
    ]);
  }

  /** Owes a NOTIFY at `at` (ms); an earlier entry already there wins (ZADD LT). */
  async defer(eventPackage: string, id: string, at: number): Promise<void> {
    await this.redis.zadd(subscriptionKeys.subscriptionDeferred(eventPackage), 'LT', at, id);
  }

  /** Claims a deferred entry: true for exactly one caller, so that two replicas do not both act on it. */
  async claimDeferred(eventPackage: string, id: string): Promise<boolean> {
    return (await this.redis.zrem(subscriptionKeys.subscriptionDeferred(eventPackage), id)) === 1;
  }

  async dueDeferred(eventPackage: string, now: number, limit: number): Promise<string[]> {
    return this.redis.zrangebyscore(subscriptionKeys.subscriptionDeferred(eventPackage), '-inf', now, 'LIMIT', 0, limit);
  }

  async dueExpiries(eventPackage: string, now: number, limit: number): Promise<string[]> {
    return this.redis.zrangebyscore(subscriptionKeys.subscriptionExpiry(eventPackage), '-inf', now, 'LIMIT', 0, limit);
  }

  /** Takes the sweep lease of one package if free, or renews it if ours. */
  async acquireLease(name: string, owner: string, ms: number): Promise<boolean> {
    return (await ACQUIRE_LEASE.run(this.redis, [redisKeys.lease(name)], [owner, ms])) === 1;
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    await RELEASE_LEASE.run(this.redis, [redisKeys.lease(name)], [owner]);
  }
}

export type UpdateGuard =
  | { readonly kind: 'cseq'; readonly value: number }
  | { readonly kind: 'expired'; readonly value: number }
  | { readonly kind: 'authorization'; readonly value: string };

export type UpdateResult =
  | { readonly kind: 'ok'; readonly wanted: number }
  /** No such subscription. */
  | { readonly kind: 'missing' }
  /** It is ending (a final NOTIFY is owed or in flight). */
  | { readonly kind: 'terminated' }
  /** The guard refused the change. */
  | { readonly kind: 'stale' };

export type MarkResult =
  | { readonly kind: 'marked'; readonly id: string; readonly wanted: number; readonly subscription: Subscription }
  | { readonly kind: 'inactive'; readonly id: string; readonly subscription: Subscription }
  | { readonly kind: 'missing'; readonly id: string };

export type BeginResult =
  | {
      readonly kind: 'go';
      readonly cseq: number;
      readonly version: number;
      /** The caller's precomposed body is current; otherwise compose now. */
      readonly precomposed: boolean;
      /** An urgent change is covered (or the NOTIFY is final): it must be sent. */
      readonly mandatory: boolean;
      readonly subscription: Subscription;
    }
  /** Another replica holds the sender lease; it will send what is owed when its NOTIFY completes. */
  | { readonly kind: 'busy'; readonly leaseLeftMs: number }
  /** Rate control (RFC 6446 §5.2): not before `dueAt`. */
  | { readonly kind: 'throttled'; readonly dueAt: number }
  /** Nothing owed. */
  | { readonly kind: 'idle' }
  | { readonly kind: 'gone' };

/** What the NOTIFY transaction came to, as END records it. */
export type EndOutcome = 'delivered' | 'failed' | 'terminate' | 'retry' | 'skipped';
/** `again`: the lease is kept, another NOTIFY is owed; `lost`: the lease ran out during the transaction. */
export type EndResult = 'again' | 'idle' | 'removed' | 'retry' | 'lost' | 'gone';

const CREATE = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
redis.call('HSET', KEYS[1], 'cseq', 0, 'version', -1, 'wanted', 1, 'done', 0, 'urgentGen', 1, 'inflight', 0, 'lastSentAt', 0)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
return 1`);

const UPDATE = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing'} end
if redis.call('HGET', KEYS[1], 'state') == 'terminated' then return {'terminated'} end
local g = ARGV[1]
if g == 'cseq' then
  if tonumber(redis.call('HGET', KEYS[1], 'remoteCseq')) >= tonumber(ARGV[2]) then return {'stale'} end
elseif g == 'expired' then
  if tonumber(redis.call('HGET', KEYS[1], 'expiresAt')) > tonumber(ARGV[2]) then return {'stale'} end
elseif g == 'authorization' then
  if redis.call('HGET', KEYS[1], 'authorization') ~= ARGV[2] then return {'stale'} end
end
if #ARGV >= 5 then redis.call('HSET', KEYS[1], unpack(ARGV, 5)) end
local w = redis.call('HINCRBY', KEYS[1], 'wanted', 1)
if ARGV[3] == '1' then redis.call('HSET', KEYS[1], 'urgentGen', w) end
if tonumber(ARGV[4]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[4]) end
return {'ok', w}`);

const MARK = new LuaScript(`
local f = redis.call('HGETALL', KEYS[1])
if #f == 0 then return {'missing'} end
if redis.call('HGET', KEYS[1], 'state') ~= 'active' then return {'inactive', unpack(f)} end
local w = redis.call('HINCRBY', KEYS[1], 'wanted', 1)
return {'marked', w, unpack(f)}`);

// The heart of the ordering invariant: only the lease holder allocates a
// CSeq and a version, and it holds the lease until the NOTIFY's final response.
const BEGIN = new LuaScript(`
local owner = ARGV[1]
local holder = redis.call('GET', KEYS[2])
if redis.call('EXISTS', KEYS[1]) == 0 then
  if holder == owner then redis.call('DEL', KEYS[2]) end
  return {'gone'}
end
if holder ~= owner then
  if holder then return {'busy', redis.call('PTTL', KEYS[2])} end
  redis.call('SET', KEYS[2], owner, 'PX', ARGV[2])
else
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
end
local h = redis.call('HMGET', KEYS[1], 'wanted', 'done', 'urgentGen', 'state', 'lastSentAt', 'intervalMs')
local wanted, done = tonumber(h[1]), tonumber(h[2])
if wanted <= done then
  redis.call('DEL', KEYS[2])
  return {'idle'}
end
-- A body composed in advance is used only if no change came after the one it
-- covers (another state, a new authorization, a refresh, an ending).
local pre = 0
if tonumber(ARGV[4]) == wanted then pre = 1 end
local terminal = h[4] == 'terminated'
local urgent = tonumber(h[3]) > done
local interval = tonumber(h[6]) or 0
if not terminal and not urgent and interval > 0 then
  local due = tonumber(h[5]) + interval
  if tonumber(ARGV[3]) < due then
    redis.call('DEL', KEYS[2])
    return {'throttled', due}
  end
end
local cseq = redis.call('HINCRBY', KEYS[1], 'cseq', 1)
local version = redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('HSET', KEYS[1], 'inflight', wanted)
local mandatory = 0
if terminal or urgent then mandatory = 1 end
return {'go', cseq, version, pre, mandatory, unpack(redis.call('HGETALL', KEYS[1]))}`);

const END = new LuaScript(`
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return {'lost'} end
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('DEL', KEYS[2])
  return {'gone'}
end
local outcome = ARGV[4]
if ARGV[5] == '1' or outcome == 'terminate' then
  redis.call('DEL', KEYS[1], KEYS[2])
  return {'removed'}
end
if outcome == 'skipped' or outcome == 'retry' then
  redis.call('HINCRBY', KEYS[1], 'cseq', -1)
  redis.call('HINCRBY', KEYS[1], 'version', -1)
end
if outcome == 'retry' then
  redis.call('DEL', KEYS[2])
  return {'retry'}
end
local h = redis.call('HMGET', KEYS[1], 'wanted', 'done', 'inflight')
local wanted, done, inflight = tonumber(h[1]), tonumber(h[2]), tonumber(h[3])
if inflight > done then
  done = inflight
  redis.call('HSET', KEYS[1], 'done', done)
end
if outcome ~= 'skipped' then redis.call('HSET', KEYS[1], 'lastSentAt', ARGV[3]) end
if wanted > done then
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
  return {'again'}
end
redis.call('DEL', KEYS[2])
return {'idle'}`);

const ACQUIRE_LEASE = new LuaScript(`
local v = redis.call('GET', KEYS[1])
if v == false or v == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', tonumber(ARGV[2]))
  return 1
end
return 0`);

const RELEASE_LEASE = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`);
