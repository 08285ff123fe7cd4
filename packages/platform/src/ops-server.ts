import Fastify, { type FastifyInstance } from 'fastify';
import type { Metrics } from './metrics.js';

export interface OpsServerOptions {
  readonly metrics: Metrics;
  /** Liveness: the process works (default: always). */
  readonly healthy?: () => boolean;
  /** Readiness: the service can take work now (backends connected, not draining). */
  readonly ready: () => boolean;
}

/**
 * The operations endpoints every service serves: `/metrics` (Prometheus),
 * `/healthz` (liveness) and `/readyz` (readiness: 503 while starting or draining).
 * Built without listening, so tests use `inject()`.
 */
export function buildOpsServer(o: OpsServerOptions): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get('/metrics', async (_req, reply) => {
    reply.header('Content-Type', o.metrics.registry.contentType);
    return o.metrics.registry.metrics();
  });
  app.get('/healthz', async (_req, reply) => {
    const ok = o.healthy?.() ?? true;
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unhealthy' });
  });
  app.get('/readyz', async (_req, reply) => {
    const ok = o.ready();
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not ready' });
  });
  return app;
}
