import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Cluster, Redis } from 'ioredis';

export type { NatsConnection } from '@nats-io/transport-node';
export type RedisClient = Redis | Cluster;

/** Connects to NATS (a comma-separated server list), naming the connection after the service. */
export function connectNats(servers: string, name: string): Promise<NatsConnection> {
  return connect({ servers: servers.split(',').map((s) => s.trim()), name, maxReconnectAttempts: -1, reconnectTimeWait: 500 });
}

/**
 * A Redis client: `redis://host:port/db` for one node, or `redis-cluster://h1:p1,h2:p2`
 * for Redis Cluster (keys carry hash tags so that per-resource updates stay on one slot).
 */
export function connectRedis(url: string): RedisClient {
  if (url.startsWith('redis-cluster://')) {
    const nodes = url.slice('redis-cluster://'.length).split(',').map((hp) => {
      const [host = '127.0.0.1', port = '6379'] = hp.split(':');
      return { host, port: Number(port) };
    });
    return new Cluster(nodes, { redisOptions: { maxRetriesPerRequest: 2 } });
  }
  return new Redis(url, { maxRetriesPerRequest: 2, enableAutoPipelining: true });
}
