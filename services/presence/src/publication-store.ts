import { randomBytes } from 'node:crypto';
import { presenceKeys } from '@simple/contracts';
import type { RedisClient } from '@simple/platform';

/** One publication of one presentity (RFC 3903 §2: identified by its entity-tag). */
export interface StoredPublication {
  readonly etag: string;
  /** The PIDF body as published (UTF-8). */
  readonly body: string;
  /** When this state was published or last modified (ms since the epoch); a refresh keeps it. */
  readonly publishedAt: number;
  /** When it lapses (ms since the epoch). */
  readonly expiresAt: number;
}

/** What one PUBLISH asks of the store (RFC 3903 §4.1 operations). */
export type PublicationOp =
  | { readonly kind: 'initial'; readonly body: string; readonly expires: number }
  | { readonly kind: 'refresh'; readonly etag: string; readonly expires: number }
  | { readonly kind: 'modify'; readonly etag: string; readonly body: string; readonly expires: number }
  | { readonly kind: 'remove'; readonly etag: string };

export type PublicationResult =
  /** `etag` is the new entity-tag (RFC 3903 §6 step 8: a new one on every success); undefined after a remove. */
  | { readonly ok: true; readonly etag: string | undefined }
  /** RFC 3903 §6 step 4: no live publication has that entity-tag. */
  | { readonly ok: false; readonly reason: 'unknown-etag' };

/** A locally unique entity-tag (RFC 3903 §6 step 8), a SIP token. */
export function newEntityTag(): string {
  return randomBytes(12).toString('hex');
}

/**
 * The event state compositor's storage: one Redis hash per presentity
 * (`presenceKeys.publications`, field = entity-tag), changed by one Lua
 * script per PUBLISH so that a conditional request (SIP-If-Match) is checked
 * and applied atomically, whichever replica takes it; and a sorted set of
 * presentities by next expiry for the sweeper. Expired entries are never
 * returned, swept or not.
 */
export class PublicationStore {
  constructor(
    private readonly redis: RedisClient,
    /** How long Redis keeps a presentity's hash past its last expiry, in case no sweeper runs. */
    private readonly graceMs = 600_000,
  ) {}

  /** Applies one operation at `now`; the caller has validated the request. */
  async apply(aor: string, op: PublicationOp, now: number): Promise<PublicationResult> {
    const etag = op.kind === 'remove' ? '' : newEntityTag();
    const ifMatch = op.kind === 'initial' ? '' : op.etag;
    const expiresAt = op.kind === 'remove' ? 0 : now + op.expires * 1000;
    const body = op.kind === 'initial' || op.kind === 'modify' ? op.body : '';
    const r = (await this.redis.eval(MUTATE, 1, presenceKeys.publications(aor), op.kind, ifMatch, etag, String(now), String(expiresAt), body, String(this.graceMs))) as [number, number];
    if (r[0] !== 1) return { ok: false, reason: 'unknown-etag' };
    await this.index(aor, Number(r[1]));
    return { ok: true, etag: op.kind === 'remove' ? undefined : etag };
  }

  /** Whether a live publication has this entity-tag (a read before the expiry checks, to answer in RFC 3903 §6 order). */
  async has(aor: string, etag: string, now: number): Promise<boolean> {
    const raw = await this.redis.hget(presenceKeys.publications(aor), etag);
    const p = raw === null ? undefined : decode(etag, raw);
    return p !== undefined && p.expiresAt > now;
  }

  /** The live publications of a presentity, oldest first. */
  async live(aor: string, now: number): Promise<StoredPublication[]> {
    const all = await this.redis.hgetall(presenceKeys.publications(aor));
    const out: StoredPublication[] = [];
    for (const [etag, raw] of Object.entries(all)) {
      const p = decode(etag, raw);
      if (p !== undefined && p.expiresAt > now) out.push(p);
    }
    return out.sort((a, b) => a.publishedAt - b.publishedAt);
  }

  /** Presentities with a publication due to lapse by `now`. */
  async due(now: number, limit: number): Promise<string[]> {
    return this.redis.zrangebyscore(presenceKeys.publicationExpiry(), '-inf', String(now), 'LIMIT', 0, limit);
  }

  /** Removes a presentity's lapsed publications; returns how many went. */
  async purge(aor: string, now: number): Promise<number> {
    const r = (await this.redis.eval(PURGE, 1, presenceKeys.publications(aor), String(now), String(this.graceMs))) as [number, number];
    await this.index(aor, Number(r[1]));
    return Number(r[0]);
  }

  /** Keeps the expiry index in step with the hash: its next expiry, or out when it has none. */
  private async index(aor: string, next: number): Promise<void> {
    const key = presenceKeys.publicationExpiry();
    if (next > 0) {
      await this.redis.zadd(key, String(next), aor);
      return;
    }
    await this.redis.zrem(key, aor);
    // A PUBLISH on another replica may have landed between the script and the ZREM: put it back.
    const again = (await this.redis.eval(NEXT, 1, presenceKeys.publications(aor))) as number;
    if (Number(again) > 0) await this.redis.zadd(key, String(again), aor);
  }
}

function decode(etag: string, raw: string): StoredPublication | undefined {
  try {
    const v = JSON.parse(raw) as { body?: unknown; publishedAt?: unknown; expiresAt?: unknown };
    if (typeof v.body !== 'string' || typeof v.publishedAt !== 'number' || typeof v.expiresAt !== 'number') return undefined;
    return { etag, body: v.body, publishedAt: v.publishedAt, expiresAt: v.expiresAt };
  } catch {
    return undefined;
  }
}

/** Shared tail: drops lapsed entries, returns the next expiry (0: none left) and sets the hash's TTL. */
const TIDY = `
local function tidy(key, now, grace)
  local nxt, last = 0, 0
  local all = redis.call('HGETALL', key)
  for i = 1, #all, 2 do
    local ok, v = pcall(cjson.decode, all[i + 1])
    local e = ok and tonumber(v.expiresAt) or 0
    if e <= now then
      redis.call('HDEL', key, all[i])
    else
      if nxt == 0 or e < nxt then nxt = e end
      if e > last then last = e end
    end
  end
  if last > 0 then redis.call('PEXPIRE', key, math.floor(last - now + grace)) end
  return nxt
end`;

/**
 * KEYS[1] publications hash. ARGV: op, if-match etag, new etag, now, expiresAt, body, grace.
 * Returns {1, nextExpiry} or {0, 0} for an unknown or lapsed entity-tag (412).
 */
const MUTATE = `${TIDY}
local key, op, now = KEYS[1], ARGV[1], tonumber(ARGV[4])
local old
if op ~= 'initial' then
  local raw = redis.call('HGET', key, ARGV[2])
  if not raw then return {0, 0} end
  old = cjson.decode(raw)
  redis.call('HDEL', key, ARGV[2])
  if tonumber(old.expiresAt) <= now then return {0, 0} end
end
if op ~= 'remove' then
  local body, publishedAt = ARGV[6], now
  if op == 'refresh' then body, publishedAt = old.body, tonumber(old.publishedAt) end
  redis.call('HSET', key, ARGV[3], cjson.encode({ body = body, publishedAt = publishedAt, expiresAt = tonumber(ARGV[5]) }))
end
return {1, tidy(key, now, tonumber(ARGV[7]))}`;

/** KEYS[1] publications hash. ARGV: now, grace. Returns {removed, nextExpiry}. */
const PURGE = `${TIDY}
local before = redis.call('HLEN', KEYS[1])
local nxt = tidy(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]))
return {before - redis.call('HLEN', KEYS[1]), nxt}`;

/** KEYS[1] publications hash. Returns the earliest expiresAt, 0 when empty. */
const NEXT = `
local nxt = 0
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  local ok, v = pcall(cjson.decode, all[i + 1])
  local e = ok and tonumber(v.expiresAt) or 0
  if e > 0 and (nxt == 0 or e < nxt) then nxt = e end
end
return nxt`;
