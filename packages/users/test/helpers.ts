import { randomBytes } from 'node:crypto';

import { redisKeys } from '@simple/contracts';
import { Redis } from 'ioredis';

/**
 * A Redis client for one test file and a unique token for its domains, so
 * that cleanup deletes exactly the keys this file created.
 */
export class TestRedis {
  readonly redis = new Redis(process.env.SIMPLE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1, lazyConnect: false });
  readonly token = `t${randomBytes(5).toString('hex')}`;
  private n = 0;

  /** A fresh domain name under this file's token. */
  domain(): string {
    return `d${++this.n}.${this.token}.users.test`;
  }

  /** Deletes every key naming this file's token and its members of the domain set; closes the client. */
  async cleanup(): Promise<void> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await this.redis.scan(cursor, 'MATCH', `simple:*${this.token}*`, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    for (const k of keys) await this.redis.del(k);
    const members = (await this.redis.smembers(redisKeys.domains())).filter((d) => d.includes(this.token));
    if (members.length > 0) await this.redis.srem(redisKeys.domains(), ...members);
    await this.redis.quit();
  }
}
