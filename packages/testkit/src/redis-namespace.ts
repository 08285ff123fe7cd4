import { randomBytes } from 'node:crypto';
import { after, before } from 'node:test';
import { Redis } from 'ioredis';

/**
 * A Redis client on the machine's Redis whose every key lives under a prefix
 * of its own, for one test file: connected before the tests, and every key
 * under the prefix deleted after them. Returns a getter (the client exists
 * once the `before` hook has run).
 */
export function useRedisNamespace(name: string): () => Redis {
  const prefix = `test:${name}:${process.pid}:${randomBytes(4).toString('hex')}:`;
  let redis: Redis | undefined;
  before(() => {
    redis = new Redis({ host: '127.0.0.1', port: 6379, keyPrefix: prefix, maxRetriesPerRequest: 2 });
  });
  after(async () => {
    const cleaner = new Redis({ host: '127.0.0.1', port: 6379 });
    const keys = await cleaner.keys(`${prefix}*`);
    if (keys.length > 0) await cleaner.del(...keys);
    await cleaner.quit();
    await redis?.quit();
  });
  return () => {
    if (redis === undefined) throw new Error('useRedisNamespace: the client exists once the tests run');
    return redis;
  };
}
