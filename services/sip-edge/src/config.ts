import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { env, loadConfig } from '@simple/platform';
import { isDigestAlgorithm, type DigestAlgorithm } from '@simple/users';
import { z } from 'zod';

/**
 * The edge's settings, one environment variable each (documented with their
 * defaults in services/sip-edge/README.md).
 */
export const EdgeEnv = z.object({
  SIMPLE_EDGE_ID: env.optionalStr(),
  SIMPLE_SIP_LISTEN: env.str('0.0.0.0'),
  SIMPLE_SIP_ADVERTISED_HOST: env.optionalStr(),
  SIMPLE_SIP_UDP_PORT: env.port(5060),
  SIMPLE_SIP_TCP_PORT: env.port(5060),
  SIMPLE_SIP_TLS_PORT: env.port(5061),
  SIMPLE_SIP_WS_PORT: env.port(5066),
  SIMPLE_SIP_WSS_PORT: env.port(7443),
  SIMPLE_SIP_TRANSPORTS: env.list(['udp', 'tcp', 'ws']),
  SIMPLE_TLS_CERT_FILE: env.optionalStr(),
  SIMPLE_TLS_KEY_FILE: env.optionalStr(),
  SIMPLE_NATS_URL: env.str('nats://127.0.0.1:4222'),
  SIMPLE_REDIS_URL: env.str('redis://127.0.0.1:6379'),
  SIMPLE_OPS_PORT: env.port(9060),
  SIMPLE_OPS_LISTEN: env.str('0.0.0.0'),
  SIMPLE_LOG_LEVEL: env.logLevel(),
  SIMPLE_AUTH_SECRET: env.optionalStr(),
  SIMPLE_AUTH_NONCE_TTL: env.int(300, 10, 86_400),
  SIMPLE_AUTH_CACHE_MS: env.int(5_000, 0, 600_000),
  // MD5 only by default: deployed clients (SIPp 3.6 and sipsak take the first challenge; baresip 1.0
  // gives up when a SHA-256 one is offered at all) know only MD5. Set SHA-256,MD5 where every client
  // implements RFC 8760.
  SIMPLE_AUTH_ALGORITHMS: env.list(['MD5']),
  SIMPLE_TRUSTED_PEERS: env.list([]),
  SIMPLE_SERVICE_TIMEOUT_MS: env.int(2_000, 50, 60_000),
  SIMPLE_SERVICE_MAX_INFLIGHT: env.int(2_000, 1, 1_000_000),
  SIMPLE_RATE_LIMIT_PER_SOURCE: env.int(500, 1, 1_000_000),
  SIMPLE_RETRY_AFTER: env.int(5, 1, 3_600),
  SIMPLE_REG_MIN_EXPIRES: env.int(60, 1, 86_400),
  SIMPLE_REG_MAX_EXPIRES: env.int(3_600, 1, 604_800),
  SIMPLE_REG_DEFAULT_EXPIRES: env.int(3_600, 1, 604_800),
  SIMPLE_FLOW_TIMER: env.int(120, 10, 3_600),
  SIMPLE_SIP_T1_MS: env.int(500, 10, 10_000),
});

export type EdgeEnvValues = z.infer<typeof EdgeEnv>;

export type EdgeTransport = 'udp' | 'tcp' | 'tls' | 'ws' | 'wss';

/** The edge's configuration, typed and frozen. */
export interface EdgeConfig {
  readonly edgeId: string;
  readonly listen: string;
  readonly advertisedHost: string | undefined;
  readonly ports: Readonly<Record<EdgeTransport, number>>;
  readonly transports: readonly EdgeTransport[];
  readonly tls: { readonly certFile: string; readonly keyFile: string } | undefined;
  readonly natsUrl: string;
  readonly redisUrl: string;
  readonly opsPort: number;
  readonly opsListen: string;
  readonly logLevel: string;
  /** Secret for stateless digest nonces; every replica must share it. */
  readonly authSecret: string;
  readonly authSecretGenerated: boolean;
  readonly nonceTtlSeconds: number;
  /** How long realms and HA1 values are cached (ms); 0: read Redis every time. */
  readonly authCacheMs: number;
  /** Digest algorithms offered, most preferred first (RFC 8760 §2.4): one challenge each. */
  readonly authAlgorithms: readonly DigestAlgorithm[];
  /** Source addresses whose requests are not authenticated (federation peers, test rigs). */
  readonly trustedPeers: readonly string[];
  /** RFC 3261 T1 (RTT estimate); every transaction timer derives from it (Appendix A). */
  readonly t1Ms: number;
  readonly serviceTimeoutMs: number;
  readonly serviceMaxInflight: number;
  readonly rateLimitPerSource: number;
  readonly retryAfterSeconds: number;
  readonly registrar: { readonly minExpires: number; readonly maxExpires: number; readonly defaultExpires: number; readonly flowTimer: number };
}

const TRANSPORTS: readonly EdgeTransport[] = ['udp', 'tcp', 'tls', 'ws', 'wss'];

/** Reads the environment once; throws ConfigError naming each bad setting. */
export function readEdgeConfig(source: Readonly<Record<string, string | undefined>> = process.env): EdgeConfig {
  const e = loadConfig(EdgeEnv, source);
  const transports = e.SIMPLE_SIP_TRANSPORTS.map((t) => t.toLowerCase());
  for (const t of transports) {
    if (!TRANSPORTS.includes(t as EdgeTransport)) throw new Error(`SIMPLE_SIP_TRANSPORTS: unknown transport "${t}"`);
  }
  const tls = e.SIMPLE_TLS_CERT_FILE !== undefined && e.SIMPLE_TLS_KEY_FILE !== undefined ? { certFile: e.SIMPLE_TLS_CERT_FILE, keyFile: e.SIMPLE_TLS_KEY_FILE } : undefined;
  // TLS and WSS need certificates: with them they are on by default, without them off.
  const wanted = new Set(transports as EdgeTransport[]);
  if (tls !== undefined && source.SIMPLE_SIP_TRANSPORTS === undefined) {
    wanted.add('tls');
    wanted.add('wss');
  }
  if (tls === undefined && (wanted.has('tls') || wanted.has('wss'))) {
    throw new Error('SIMPLE_SIP_TRANSPORTS: tls and wss need SIMPLE_TLS_CERT_FILE and SIMPLE_TLS_KEY_FILE');
  }
  const authAlgorithms = e.SIMPLE_AUTH_ALGORITHMS.map((a) => a.toUpperCase());
  for (const a of authAlgorithms) if (!isDigestAlgorithm(a)) throw new Error(`SIMPLE_AUTH_ALGORITHMS: unknown digest algorithm "${a}"`);
  return Object.freeze({
    edgeId: e.SIMPLE_EDGE_ID ?? `${hostname().replace(/[^A-Za-z0-9-]/g, '-')}-${process.pid}-${randomBytes(3).toString('hex')}`,
    listen: e.SIMPLE_SIP_LISTEN,
    advertisedHost: e.SIMPLE_SIP_ADVERTISED_HOST,
    ports: Object.freeze({ udp: e.SIMPLE_SIP_UDP_PORT, tcp: e.SIMPLE_SIP_TCP_PORT, tls: e.SIMPLE_SIP_TLS_PORT, ws: e.SIMPLE_SIP_WS_PORT, wss: e.SIMPLE_SIP_WSS_PORT }),
    transports: Object.freeze([...wanted]),
    tls,
    natsUrl: e.SIMPLE_NATS_URL,
    redisUrl: e.SIMPLE_REDIS_URL,
    opsPort: e.SIMPLE_OPS_PORT,
    opsListen: e.SIMPLE_OPS_LISTEN,
    logLevel: e.SIMPLE_LOG_LEVEL,
    authSecret: e.SIMPLE_AUTH_SECRET ?? randomBytes(32).toString('hex'),
    authSecretGenerated: e.SIMPLE_AUTH_SECRET === undefined,
    nonceTtlSeconds: e.SIMPLE_AUTH_NONCE_TTL,
    authCacheMs: e.SIMPLE_AUTH_CACHE_MS,
    authAlgorithms: Object.freeze(authAlgorithms as DigestAlgorithm[]),
    trustedPeers: Object.freeze([...e.SIMPLE_TRUSTED_PEERS]),
    t1Ms: e.SIMPLE_SIP_T1_MS,
    serviceTimeoutMs: e.SIMPLE_SERVICE_TIMEOUT_MS,
    serviceMaxInflight: e.SIMPLE_SERVICE_MAX_INFLIGHT,
    rateLimitPerSource: e.SIMPLE_RATE_LIMIT_PER_SOURCE,
    retryAfterSeconds: e.SIMPLE_RETRY_AFTER,
    registrar: Object.freeze({
      minExpires: e.SIMPLE_REG_MIN_EXPIRES,
      maxExpires: e.SIMPLE_REG_MAX_EXPIRES,
      defaultExpires: e.SIMPLE_REG_DEFAULT_EXPIRES,
      flowTimer: e.SIMPLE_FLOW_TIMER,
    }),
  });
}
