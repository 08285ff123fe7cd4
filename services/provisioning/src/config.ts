import { env, loadConfig } from '@simple/platform';
import { z } from 'zod';

/** The provisioning service's settings (README: services/provisioning). */
export const ProvisioningEnv = z.object({
  SIMPLE_ADMIN_LISTEN: env.str('127.0.0.1'),
  SIMPLE_ADMIN_PORT: env.port(8081),
  SIMPLE_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters'),
  SIMPLE_REDIS_URL: env.str('redis://127.0.0.1:6379'),
  SIMPLE_OPS_LISTEN: env.str('0.0.0.0'),
  SIMPLE_OPS_PORT: env.port(9061),
  SIMPLE_LOG_LEVEL: env.logLevel(),
});

export type ProvisioningConfig = Readonly<z.infer<typeof ProvisioningEnv>>;

export function readProvisioningConfig(source: Readonly<Record<string, string | undefined>> = process.env): ProvisioningConfig {
  return loadConfig(ProvisioningEnv, source);
}
