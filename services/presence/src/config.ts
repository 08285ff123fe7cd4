import { env, loadConfig } from '@simple/platform';
import { z } from 'zod';

/**
 * The presence service's settings, one environment variable each (documented
 * with their defaults in services/presence/README.md).
 */
export const PresenceEnv = z.object({
  SIMPLE_NATS_URL: env.str('nats://127.0.0.1:4222'),
  SIMPLE_REDIS_URL: env.str('redis://127.0.0.1:6379'),
  SIMPLE_OPS_PORT: env.port(9061),
  SIMPLE_OPS_LISTEN: env.str('0.0.0.0'),
  SIMPLE_LOG_LEVEL: env.logLevel(),
  SIMPLE_PRESENCE_AUTH_POLICY: z.enum(['same-domain', 'allow-all', 'deny-foreign']).default('same-domain'),
  SIMPLE_PRESENCE_PUB_MIN_EXPIRES: env.int(60, 1, 86_400),
  SIMPLE_PRESENCE_PUB_MAX_EXPIRES: env.int(3_600, 1, 604_800),
  SIMPLE_PRESENCE_PUB_DEFAULT_EXPIRES: env.int(3_600, 1, 604_800),
  SIMPLE_PRESENCE_SUB_MIN_EXPIRES: env.int(60, 0, 86_400),
  SIMPLE_PRESENCE_SUB_MAX_EXPIRES: env.int(86_400, 1, 604_800),
  SIMPLE_PRESENCE_SUB_DEFAULT_EXPIRES: env.int(3_600, 1, 604_800),
  SIMPLE_PRESENCE_MIN_NOTIFY_INTERVAL_MS: env.int(0, 0, 3_600_000),
  SIMPLE_PRESENCE_HONOR_MAX_RATE: env.bool(false),
  SIMPLE_PRESENCE_SWEEP_INTERVAL_MS: env.int(1_000, 50, 60_000),
  SIMPLE_PRESENCE_MAX_BODY_BYTES: env.int(65_536, 256, 1_048_576),
  SIMPLE_PRESENCE_NOTIFY_TIMEOUT_MS: env.int(34_000, 1_000, 120_000),
});

/** RFC 3856 §6.6 authorization, until pres-rules (RFC 5025) are read from XCAP. */
export type AuthPolicy = 'same-domain' | 'allow-all' | 'deny-foreign';

export interface ExpiryBoundsConfig {
  readonly min: number;
  readonly max: number;
  readonly default: number;
}

/** The service's configuration, typed and frozen. */
export interface PresenceConfig {
  readonly natsUrl: string;
  readonly redisUrl: string;
  readonly opsPort: number;
  readonly opsListen: string;
  readonly logLevel: string;
  readonly authPolicy: AuthPolicy;
  /** PUBLISH Expires bounds, seconds (RFC 3903 §6 step 5). */
  readonly publication: ExpiryBoundsConfig;
  /** SUBSCRIBE Expires bounds, seconds (RFC 6665 §4.2.1.1). */
  readonly subscription: ExpiryBoundsConfig;
  /** RFC 6446 rate control: 0 = off. */
  readonly minNotifyIntervalMs: number;
  readonly honorMaxRate: boolean;
  readonly sweepIntervalMs: number;
  readonly maxBodyBytes: number;
  readonly notifyTimeoutMs: number;
}

/** Reads the environment once; throws ConfigError naming each bad setting. */
export function readPresenceConfig(source: Readonly<Record<string, string | undefined>> = process.env): PresenceConfig {
  const e = loadConfig(PresenceEnv, source);
  const bounds = (name: string, min: number, max: number, dflt: number): ExpiryBoundsConfig => {
    if (!(min <= dflt && dflt <= max)) throw new Error(`SIMPLE_PRESENCE_${name}_*: need MIN <= DEFAULT <= MAX (got ${min}, ${dflt}, ${max})`);
    return Object.freeze({ min, max, default: dflt });
  };
  return Object.freeze({
    natsUrl: e.SIMPLE_NATS_URL,
    redisUrl: e.SIMPLE_REDIS_URL,
    opsPort: e.SIMPLE_OPS_PORT,
    opsListen: e.SIMPLE_OPS_LISTEN,
    logLevel: e.SIMPLE_LOG_LEVEL,
    authPolicy: e.SIMPLE_PRESENCE_AUTH_POLICY,
    publication: bounds('PUB', e.SIMPLE_PRESENCE_PUB_MIN_EXPIRES, e.SIMPLE_PRESENCE_PUB_MAX_EXPIRES, e.SIMPLE_PRESENCE_PUB_DEFAULT_EXPIRES),
    subscription: bounds('SUB', e.SIMPLE_PRESENCE_SUB_MIN_EXPIRES, e.SIMPLE_PRESENCE_SUB_MAX_EXPIRES, e.SIMPLE_PRESENCE_SUB_DEFAULT_EXPIRES),
    minNotifyIntervalMs: e.SIMPLE_PRESENCE_MIN_NOTIFY_INTERVAL_MS,
    honorMaxRate: e.SIMPLE_PRESENCE_HONOR_MAX_RATE,
    sweepIntervalMs: e.SIMPLE_PRESENCE_SWEEP_INTERVAL_MS,
    maxBodyBytes: e.SIMPLE_PRESENCE_MAX_BODY_BYTES,
    notifyTimeoutMs: e.SIMPLE_PRESENCE_NOTIFY_TIMEOUT_MS,
  });
}
