import { messageKeys } from '@simple/contracts';
import { LuaScript } from '@simple/location';
import type { RedisClient } from '@simple/platform';

/** One stored MESSAGE: the stream entry id (its ms time first) and the request's bytes. */
export interface StoredMessage {
  readonly id: string;
  readonly bytes: Buffer;
  readonly storedAt: number;
}

export type StoreOutcome = { readonly stored: true; readonly id: string } | { readonly stored: false; readonly reason: 'quota' };

/**
 * KEYS[1] the AOR's stream. ARGV[1] retention (ms), ARGV[2] quota,
 * ARGV[3] the MESSAGE bytes. Drops entries older than the retention (stream
 * ids start with Redis's own ms time), refuses when the quota is reached,
 * else appends and lets the key outlive its newest entry by the retention.
 */
const addScript = new LuaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local retention = tonumber(ARGV[1])
redis.call('XTRIM', KEYS[1], 'MINID', string.format('%.0f', now - retention))
if redis.call('XLEN', KEYS[1]) >= tonumber(ARGV[2]) then return false end
local id = redis.call('XADD', KEYS[1], '*', 'msg', ARGV[3])
redis.call('PEXPIRE', KEYS[1], retention)
return id
`);

/**
 * Store-and-forward (RFC 3428 §7: "A UAS which is, in fact, a message relay,
 * storing the message and forwarding it later on, SHOULD return a 202"): one
 * Redis stream per recipient AOR (`messageKeys.pending`), oldest first, with
 * a retention time and a per-user quota. An entry is removed only once a
 * delivery got a 2xx, so a crash between delivery and removal repeats a
 * message rather than losing it.
 */
export class MessageStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly retentionMs: number,
    private readonly quota: number,
  ) {}

  async add(aor: string, bytes: Buffer): Promise<StoreOutcome> {
    const id = await addScript.run(this.redis, [messageKeys.pending(aor)], [this.retentionMs, this.quota, bytes.toString('base64')]);
    return typeof id === 'string' ? { stored: true, id } : { stored: false, reason: 'quota' };
  }

  /** The oldest stored messages, up to `count`, that are within the retention. */
  async oldest(aor: string, count = 1): Promise<StoredMessage[]> {
    const key = messageKeys.pending(aor);
    const minId = Math.max(0, Date.now() - this.retentionMs);
    const entries = await this.redis.xrange(key, `${minId}-0`, '+', 'COUNT', count);
    return entries.map(([id, fields]) => {
      const i = fields.indexOf('msg');
      return { id, bytes: Buffer.from(i >= 0 ? (fields[i + 1] ?? '') : '', 'base64'), storedAt: Number(id.split('-')[0]) };
    });
  }

  /** Removes one entry (after a 2xx). */
  async remove(aor: string, id: string): Promise<void> {
    await this.redis.xdel(messageKeys.pending(aor), id);
  }

  /** Stored messages of an AOR still within the retention. */
  async count(aor: string): Promise<number> {
    const key = messageKeys.pending(aor);
    const minId = Math.max(0, Date.now() - this.retentionMs);
    await this.redis.xtrim(key, 'MINID', `${minId}-0`);
    return this.redis.xlen(key);
  }

  /**
   * A short lease so that one replica at a time drains an AOR's messages, in
   * order. Returns a release function, or undefined when another holds it.
   */
  async lock(aor: string, ttlMs: number): Promise<(() => Promise<void>) | undefined> {
    const key = messageKeys.deliveryLock(aor);
    const token = `${process.pid}-${Math.random().toString(36).slice(2)}`;
    const ok = await this.redis.set(key, token, 'PX', ttlMs, 'NX');
    if (ok !== 'OK') return undefined;
    return async () => {
      await releaseScript.run(this.redis, [key], [token]);
    };
  }
}

const releaseScript = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);
