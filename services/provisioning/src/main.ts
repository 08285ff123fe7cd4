#!/usr/bin/env node
import { Lifecycle, Metrics, buildOpsServer, connectRedis, createLogger } from '@simple/platform';
import { UserStore } from '@simple/users';
import { buildAdminApi } from './admin-api.js';
import { readProvisioningConfig } from './config.js';

/** Starts the admin API: config, Redis, HTTP listeners, drain on SIGTERM. */
async function main(): Promise<void> {
  const config = readProvisioningConfig();
  const log = createLogger('provisioning', config.SIMPLE_LOG_LEVEL);
  const metrics = new Metrics('provisioning');
  const lifecycle = new Lifecycle(log);
  const redis = connectRedis(config.SIMPLE_REDIS_URL);
  lifecycle.onDrain('redis', async () => {
    await redis.quit();
  });
  const api = buildAdminApi({ users: new UserStore(redis), token: config.SIMPLE_ADMIN_TOKEN });
  await api.listen({ host: config.SIMPLE_ADMIN_LISTEN, port: config.SIMPLE_ADMIN_PORT });
  lifecycle.onDrain('admin-api', () => api.close());
  const ops = buildOpsServer({ metrics, ready: () => lifecycle.ready && redis.status === 'ready' });
  await ops.listen({ host: config.SIMPLE_OPS_LISTEN, port: config.SIMPLE_OPS_PORT });
  lifecycle.onDrain('ops', () => ops.close());
  lifecycle.markStarted();
  lifecycle.handleSignals();
  log.info({ admin: `http://${config.SIMPLE_ADMIN_LISTEN}:${config.SIMPLE_ADMIN_PORT}` }, 'provisioning ready');
}

main().catch((err: unknown) => {
  console.error(`provisioning: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
