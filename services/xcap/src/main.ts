#!/usr/bin/env node
import { Lifecycle, Metrics, buildOpsServer, connectNats, connectRedis, createLogger } from '@simple/platform';
import { UserStore } from '@simple/users';
import { buildXcap, buildXcapCore } from './build-xcap.js';
import { readXcapConfig } from './config.js';
import { xcapDocumentsHandlers } from './grpc/xcap-documents-handlers.js';
import { startXcapGrpcServer } from './grpc/xcap-grpc-server.js';

/** Starts the XCAP server: config, Redis, NATS, HTTP and gRPC listeners, drain on SIGTERM. */
async function main(): Promise<void> {
  const config = readXcapConfig();
  const log = createLogger('xcap', config.SIMPLE_LOG_LEVEL);
  const metrics = new Metrics('xcap');
  const requests = metrics.counter('requests_total', 'XCAP requests by method and status class', ['method', 'status']);
  const grpcCalls = metrics.counter('grpc_requests_total', 'gRPC read API calls by method and gRPC status', ['method', 'code']);
  const lifecycle = new Lifecycle(log);
  const redis = connectRedis(config.SIMPLE_REDIS_URL);
  lifecycle.onDrain('redis', async () => {
    await redis.quit();
  });
  const nats = await connectNats(config.SIMPLE_NATS_URL, 'xcap');
  lifecycle.onDrain('nats', () => nats.drain());
  const deps = {
    redis,
    users: new UserStore(redis),
    publisher: { publish: (subject: string, data: string) => nats.publish(subject, data) },
    onResponse: (method: string, status: number) => requests.inc({ method, status: `${Math.floor(status / 100)}xx` }),
  };
  const core = buildXcapCore(deps);
  const app = buildXcap(config, deps, core);
  await app.listen({ host: config.SIMPLE_XCAP_LISTEN, port: config.SIMPLE_XCAP_PORT });
  lifecycle.onDrain('xcap', () => app.close());
  const grpc = await startXcapGrpcServer(
    xcapDocumentsHandlers({
      ...core,
      ...(config.SIMPLE_XCAP_GRPC_TOKEN === undefined ? {} : { token: config.SIMPLE_XCAP_GRPC_TOKEN }),
      onCall: (method, code) => grpcCalls.inc({ method, code }),
      onError: (method, err) => log.error({ err, method }, 'grpc read failed'),
    }),
    config.SIMPLE_XCAP_GRPC_LISTEN,
    config.SIMPLE_XCAP_GRPC_PORT,
  );
  lifecycle.onDrain('grpc', () => grpc.close());
  const ops = buildOpsServer({ metrics, ready: () => lifecycle.ready && redis.status === 'ready' });
  await ops.listen({ host: config.SIMPLE_OPS_LISTEN, port: config.SIMPLE_OPS_PORT });
  lifecycle.onDrain('ops', () => ops.close());
  lifecycle.markStarted();
  lifecycle.handleSignals();
  log.info({ xcap: `http://${config.SIMPLE_XCAP_LISTEN}:${config.SIMPLE_XCAP_PORT}${config.SIMPLE_XCAP_ROOT}`, grpc: `${config.SIMPLE_XCAP_GRPC_LISTEN}:${grpc.port}` }, 'xcap ready');
}

main().catch((err: unknown) => {
  console.error(`xcap: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
