import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';

/** Either ioredis client: one node or a Cluster (DESIGN.md, "State": nothing may assume a single node). */
export type RedisClient = Redis | Cluster;

/**
 * A Lua script run with EVALSHA, falling back to EVAL when the server does
 * not have it cached (a restart, a new cluster node). Every key it touches is
 * passed in `keys` and they share one hash slot. (The same helper as the
 * edge's registrar; services may not share source, packages may.)
 */
export class LuaScript {
  readonly sha: string;
  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(redis: RedisClient, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return await redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}
