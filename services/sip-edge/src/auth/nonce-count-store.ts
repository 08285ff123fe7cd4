import { createHash } from 'node:crypto';

import { redisKeys } from '@simple/contracts';
import type { RedisConnection } from '@simple/users';

/**
 * KEYS[1] = the nonce's counter; ARGV[1] = nc, ARGV[2] = time to live (ms).
 * Records nc and answers 1 only when it is above the highest nc recorded.
 */
const ADVANCE = `
local seen = tonumber(redis.call('GET', KEYS[1]) or '0')
local nc = tonumber(ARGV[1])
if nc <= seen then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`;
const ADVANCE_SHA = createHash('sha1').update(ADVANCE).digest('hex');

/**
 * Replay protection by nonce-count (RFC 7616 §3.4: "if the same nc value is
 * seen twice, then the request is a replay"), shared by every edge replica:
 * the highest nc accepted per nonce, in Redis under `redisKeys.nonceCount`,
 * living as long as the nonce. One key per call, so Redis Cluster is fine.
 */
export class NonceCountStore {
  constructor(private readonly redis: RedisConnection) {}

  /** Records `nc` for `nonce` if it is higher than any before; false for a repeated or lower count. */
  async advance(nonce: string, nc: number, ttlMs: number): Promise<boolean> {
    const args = [redisKeys.nonceCount(nonce), String(nc), String(Math.max(1, Math.ceil(ttlMs)))] as const;
    let r: unknown;
    try {
      r = await this.redis.evalsha(ADVANCE_SHA, 1, ...args);
    } catch (e) {
      if (!(e instanceof Error && e.message.startsWith('NOSCRIPT'))) throw e;
      r = await this.redis.eval(ADVANCE, 1, ...args);
    }
    return r === 1;
  }
}
