import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { ConfigError, Lifecycle, Metrics, buildOpsServer, createLogger, env, loadConfig } from '@simple/platform';

describe('service kit', () => {
  const schema = z.object({ SIMPLE_X_PORT: env.port(5060), SIMPLE_X_LIST: env.list(['a', 'b']), SIMPLE_X_FLAG: env.bool(false) });

  it('config - defaults, coercion, frozen', () => {
    const c = loadConfig(schema, { SIMPLE_X_PORT: '5070', SIMPLE_X_FLAG: 'yes' });
    assert.equal(c.SIMPLE_X_PORT, 5070);
    assert.deepEqual(c.SIMPLE_X_LIST, ['a', 'b']);
    assert.equal(c.SIMPLE_X_FLAG, true);
    assert.ok(Object.isFrozen(c) && Object.isFrozen(c.SIMPLE_X_LIST));
  });

  it('config - a bad value names the variable', () => {
    assert.throws(() => loadConfig(schema, { SIMPLE_X_PORT: '70000' }), (e: unknown) => e instanceof ConfigError && /SIMPLE_X_PORT/.test(e.message));
  });

  it('ops server - /metrics in Prometheus form, /healthz, /readyz follows readiness', async () => {
    const metrics = new Metrics('unit', false);
    metrics.counter('things_total', 'things').inc(3);
    let ready = false;
    const app = buildOpsServer({ metrics, ready: () => ready });
    const m = await app.inject({ url: '/metrics' });
    assert.match(m.body, /simple_unit_things_total 3/);
    assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200);
    assert.equal((await app.inject({ url: '/readyz' })).statusCode, 503);
    ready = true;
    assert.equal((await app.inject({ url: '/readyz' })).statusCode, 200);
    await app.close();
  });

  it('lifecycle - drain runs hooks last-first, once, and stops being ready', async () => {
    const lc = new Lifecycle(createLogger('unit', 'silent'));
    const order: string[] = [];
    lc.onDrain('backends', () => void order.push('backends'));
    lc.onDrain('listeners', async () => void order.push('listeners'));
    lc.markStarted();
    assert.equal(lc.ready, true);
    assert.equal(await lc.drain(), true);
    assert.equal(await lc.drain(), true);
    assert.deepEqual(order, ['listeners', 'backends']);
    assert.equal(lc.ready, false);
  });
});
