#!/usr/bin/env node
import { Lifecycle, Metrics, buildOpsServer, connectNats, connectRedis, createLogger } from '@simple/platform';
import { buildPresence } from './app.js';
import { readPresenceConfig } from './config.js';

/** Starts one presence replica: config, backends, the NATS handler, sweeps, ops endpoints, drain on SIGTERM. */
async function main(): Promise<void> {
  const config = readPresenceConfig();
  const log = createLogger('presence', config.logLevel);
  const metrics = new Metrics('presence');
  const lifecycle = new Lifecycle(log);

  const nc = await connectNats(config.natsUrl, `presence-${process.pid}`);
  lifecycle.onDrain('nats', () => nc.drain());
  const redis = connectRedis(config.redisUrl);
  lifecycle.onDrain('redis', async () => {
    await redis.quit();
  });

  const service = buildPresence(config, { log, metrics, nc, redis });
  const ops = buildOpsServer({ metrics, ready: () => lifecycle.ready });
  await ops.listen({ host: config.opsListen, port: config.opsPort });
  lifecycle.onDrain('ops', () => ops.close());
  service.start();
  lifecycle.onDrain('presence', () => service.stop());
  await nc.flush();
  lifecycle.markStarted();
  lifecycle.handleSignals();
  log.info({ policy: config.authPolicy, ops: `http://${config.opsListen}:${config.opsPort}` }, 'presence ready');
}

main().catch((err: unknown) => {
  // A bad setting or an unreachable backend: say which, and exit non-zero.
  console.error(`presence: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
