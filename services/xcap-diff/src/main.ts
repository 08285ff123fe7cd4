#!/usr/bin/env node
import { Lifecycle, Metrics, buildOpsServer, connectNats, connectRedis, createLogger } from '@simple/platform';
import { XcapDocumentReader } from '@simple/xcap-grpc';
import { buildXcapDiff } from './app.js';
import { readXcapDiffConfig } from './config.js';

/** Starts one xcap-diff replica: config, backends, the NATS handlers, sweeps, ops endpoints, drain on SIGTERM. */
async function main(): Promise<void> {
  const config = readXcapDiffConfig();
  const log = createLogger('xcap-diff', config.SIMPLE_LOG_LEVEL);
  const metrics = new Metrics('xcap_diff');
  const lifecycle = new Lifecycle(log);

  const nc = await connectNats(config.SIMPLE_NATS_URL, `xcap-diff-${process.pid}`);
  lifecycle.onDrain('nats', () => nc.drain());
  const redis = connectRedis(config.SIMPLE_REDIS_URL);
  lifecycle.onDrain('redis', async () => {
    await redis.quit();
  });

  const xcap = await XcapDocumentReader.connect({
    address: config.SIMPLE_XCAP_DIFF_XCAP_GRPC,
    ...(config.SIMPLE_XCAP_DIFF_XCAP_GRPC_TOKEN === undefined ? {} : { token: config.SIMPLE_XCAP_DIFF_XCAP_GRPC_TOKEN }),
  });
  lifecycle.onDrain('xcap-grpc', () => xcap.close());

  const service = buildXcapDiff(config, { log, metrics, nc, redis, xcap });
  const ops = buildOpsServer({ metrics, ready: () => lifecycle.ready && redis.status === 'ready' });
  await ops.listen({ host: config.SIMPLE_OPS_LISTEN, port: config.SIMPLE_OPS_PORT });
  lifecycle.onDrain('ops', () => ops.close());
  service.start();
  lifecycle.onDrain('xcap-diff', () => service.stop());
  await nc.flush();
  lifecycle.markStarted();
  lifecycle.handleSignals();
  log.info({ xcapRoot: config.SIMPLE_XCAP_DIFF_XCAP_ROOT, ops: `http://${config.SIMPLE_OPS_LISTEN}:${config.SIMPLE_OPS_PORT}` }, 'xcap-diff ready');
}

main().catch((err: unknown) => {
  // A bad setting or an unreachable backend: say which, and exit non-zero.
  console.error(`xcap-diff: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
