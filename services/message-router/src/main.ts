#!/usr/bin/env node
import { Lifecycle, Metrics, buildOpsServer, connectNats, connectRedis, createLogger } from '@simple/platform';
import { MessageRouterApp } from './app.js';
import { readMessageRouterConfig } from './config.js';

/** Starts one message-router replica: config, backends, NATS subscriptions, ops endpoints, drain on SIGTERM. */
async function main(): Promise<void> {
  const config = readMessageRouterConfig();
  const log = createLogger('message-router', config.logLevel);
  const metrics = new Metrics('message_router');
  const lifecycle = new Lifecycle(log);

  const nc = await connectNats(config.natsUrl, `message-router-${process.pid}`);
  lifecycle.onDrain('nats', () => nc.drain());
  const redis = connectRedis(config.redisUrl);
  lifecycle.onDrain('redis', async () => {
    await redis.quit();
  });

  const app = new MessageRouterApp(config.limits, { nc, redis, log, metrics });
  const ops = buildOpsServer({ metrics, ready: () => lifecycle.ready && redis.status === 'ready' && !nc.isClosed() });
  await ops.listen({ host: config.opsListen, port: config.opsPort });
  lifecycle.onDrain('ops', () => ops.close());
  await app.start();
  lifecycle.onDrain('subscriptions', () => app.stop());
  lifecycle.markStarted();
  lifecycle.handleSignals();
  log.info({ ops: `http://${config.opsListen}:${config.opsPort}` }, 'message-router ready');
}

main().catch((err: unknown) => {
  console.error(`message-router: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
