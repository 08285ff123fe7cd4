#!/usr/bin/env node
import { Lifecycle, Metrics, buildOpsServer, connectNats, connectRedis, createLogger } from '@simple/platform';
import { UserStore } from '@simple/users';
import { buildXcap } from './build-xcap.js';
import { readXcapConfig } from './config.js';

/** Starts the XCAP server: config, Redis, NATS, HTTP listeners, drain on SIGTERM. */
async function main(): Promise<void> {
  const config = readXcapConfig();
  const log = createLogger('xcap', config.SIMPLE_LOG_LEVEL);
  const metrics = new Metrics('xcap');
  const requests = metrics.counter('requests_total', 'XCAP requests by method and status class', ['method', 'status']);
  const lifecycle = new Lifecycle(log);
  const redis = connectRedis(config.SIMPLE_REDIS_URL);
  lifecycle.onDrain('redis', async () => {
    await redis.quit();
  });
  const nats = await connectNats(config.SIMPLE_NATS_URL, 'xcap');
  lifecycle.onDrain('nats', () => nats.drain());
  const app = buildXcap(config, {
    redis,
    users: new UserStore(redis),
    publisher: { publish: (subject, data) => nats.publish(subject, data) },
    onResponse: (method, status) => requests.inc({ method, status: `${Math.floor(status / 100)}xx` }),
  });
  await app.listen({ host: config.SIMPLE_XCAP_LISTEN, port: config.SIMPLE_XCAP_PORT });
  lifecycle.onDrain('xcap', () => app.close());
  const ops = buildOpsServer({ metrics, ready: () => lifecycle.ready && redis.status === 'ready' });
  await ops.listen({ host: config.SIMPLE_OPS_LISTEN, port: config.SIMPLE_OPS_PORT });
  lifecycle.onDrain('ops', () => ops.close());
  lifecycle.markStarted();
  lifecycle.handleSignals();
  log.info({ xcap: `http://${config.SIMPLE_XCAP_LISTEN}:${config.SIMPLE_XCAP_PORT}${config.SIMPLE_XCAP_ROOT}` }, 'xcap ready');
}

main().catch((err: unknown) => {
  console.error(`xcap: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
