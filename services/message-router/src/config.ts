import { env, loadConfig } from '@simple/platform';
import { z } from 'zod';

/**
 * The message router's settings, one environment variable each (documented
 * with their defaults in services/message-router/README.md).
 */
export const MessageRouterEnv = z.object({
  SIMPLE_NATS_URL: env.str('nats://127.0.0.1:4222'),
  SIMPLE_REDIS_URL: env.str('redis://127.0.0.1:6379'),
  SIMPLE_OPS_PORT: env.port(9070),
  SIMPLE_OPS_LISTEN: env.str('0.0.0.0'),
  SIMPLE_LOG_LEVEL: env.logLevel(),
  // RFC 3428 §8: 1300 bytes unless the path MTU is known to be larger, over a transport without congestion control.
  SIMPLE_MESSAGE_MAX_UDP_BYTES: env.int(1_300, 200, 65_000),
  SIMPLE_MESSAGE_MAX_BYTES: env.int(65_536, 1_300, 10_485_760),
  SIMPLE_MESSAGE_DELIVERY_TIMEOUT_MS: env.int(1_500, 50, 60_000),
  SIMPLE_MESSAGE_RETENTION_SECONDS: env.int(7 * 86_400, 1, 365 * 86_400),
  SIMPLE_MESSAGE_QUOTA: env.int(100, 1, 100_000),
  SIMPLE_MESSAGE_RATE_PER_SENDER: env.int(20, 1, 1_000_000),
  SIMPLE_MESSAGE_BURST_PER_SENDER: env.int(40, 1, 1_000_000),
  SIMPLE_RETRY_AFTER: env.int(5, 1, 3_600),
  SIMPLE_MESSAGE_MAX_RECIPIENTS: env.int(100, 1, 10_000),
});

/** The router's configuration, typed and frozen. */
export interface MessageRouterConfig {
  readonly natsUrl: string;
  readonly redisUrl: string;
  readonly opsPort: number;
  readonly opsListen: string;
  readonly logLevel: string;
  readonly limits: MessageRouterLimits;
}

/** What the request handler needs; also built directly by tests. */
export interface MessageRouterLimits {
  /** Largest MESSAGE (bytes, as received) over UDP; larger gets 513 (RFC 3428 §8). */
  readonly maxUdpBytes: number;
  /** Largest MESSAGE over any other transport. */
  readonly maxBytes: number;
  /** How long one delivery to one contact may take before it counts as unreachable (ms). */
  readonly deliveryTimeoutMs: number;
  /** How long a stored message is kept for an offline user (ms). */
  readonly retentionMs: number;
  /** Stored messages per user; a full mailbox gets 480. */
  readonly quota: number;
  /** MESSAGE requests per second per sender, and the burst above it; beyond, 503 with Retry-After. */
  readonly ratePerSender: number;
  readonly burstPerSender: number;
  readonly retryAfterSeconds: number;
  /** Intended recipients of one multiple-recipient MESSAGE (RFC 5365) at most; above, 403. */
  readonly maxRecipients: number;
}

export const DEFAULT_LIMITS: MessageRouterLimits = Object.freeze({
  maxUdpBytes: 1_300,
  maxBytes: 65_536,
  deliveryTimeoutMs: 1_500,
  retentionMs: 7 * 86_400_000,
  quota: 100,
  ratePerSender: 20,
  burstPerSender: 40,
  retryAfterSeconds: 5,
  maxRecipients: 100,
});

/** Reads the environment once; throws ConfigError naming each bad setting. */
export function readMessageRouterConfig(source: Readonly<Record<string, string | undefined>> = process.env): MessageRouterConfig {
  const e = loadConfig(MessageRouterEnv, source);
  return Object.freeze({
    natsUrl: e.SIMPLE_NATS_URL,
    redisUrl: e.SIMPLE_REDIS_URL,
    opsPort: e.SIMPLE_OPS_PORT,
    opsListen: e.SIMPLE_OPS_LISTEN,
    logLevel: e.SIMPLE_LOG_LEVEL,
    limits: Object.freeze({
      maxUdpBytes: e.SIMPLE_MESSAGE_MAX_UDP_BYTES,
      maxBytes: e.SIMPLE_MESSAGE_MAX_BYTES,
      deliveryTimeoutMs: e.SIMPLE_MESSAGE_DELIVERY_TIMEOUT_MS,
      retentionMs: e.SIMPLE_MESSAGE_RETENTION_SECONDS * 1000,
      quota: e.SIMPLE_MESSAGE_QUOTA,
      ratePerSender: e.SIMPLE_MESSAGE_RATE_PER_SENDER,
      burstPerSender: Math.max(e.SIMPLE_MESSAGE_BURST_PER_SENDER, 1),
      retryAfterSeconds: e.SIMPLE_RETRY_AFTER,
      maxRecipients: e.SIMPLE_MESSAGE_MAX_RECIPIENTS,
    }),
  });
}
