#!/usr/bin/env node
import { Lifecycle, Metrics, buildOpsServer, connectNats, connectRedis, createLogger } from '@simple/platform';
import { buildEdge } from './app.js';
import { readEdgeConfig } from './config.js';

/** Starts one edge instance: config, backends, SIP listeners, ops endpoints, drain on SIGTERM. */
async function main(): Promise<void> {
  const config = readEdgeConfig();
  const log = createLogger('sip-edge', config.logLevel);
  if (config.authSecretGenerated) log.warn('SIMPLE_AUTH_SECRET is not set: nonces made here will not verify on other edge replicas');
  const metrics = new Metrics('edge');
  const lifecycle = new Lifecycle(log);

  const nc = await connectNats(config.natsUrl, `sip-edge-${config.edgeId}`);
  lifecycle.onDrain('nats', () => nc.drain());
  const redis = connectRedis(config.redisUrl);
  lifecycle.onDrain('redis', async () => {
    await redis.quit();
  });

  const edge = buildEdge(config, { log, metrics, nc, redis });
  const ops = buildOpsServer({ metrics, ready: () => lifecycle.ready });
  await ops.listen({ host: config.opsListen, port: config.opsPort });
  lifecycle.onDrain('ops', () => ops.close());
  await edge.start();
  lifecycle.onDrain('sip', () => edge.stop());
  lifecycle.markStarted();
  lifecycle.handleSignals();

  for (const l of edge.stack.listeners()) {
    log.info({ transport: l.protocol, address: l.local.address, port: l.local.port }, 'SIP listening');
  }
  log.info({ edgeId: config.edgeId, ops: `http://${config.opsListen}:${config.opsPort}` }, 'sip-edge ready');
}

main().catch((err: unknown) => {
  // A bad setting or an unreachable backend: say which, and exit non-zero.
  console.error(`sip-edge: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
