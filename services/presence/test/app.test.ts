import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { Redis } from 'ioredis';
import { ENVELOPE_HEADERS, presenceKeys, presenceSubjects, subjects, writeInbound } from '@simple/contracts';
import { Metrics, createLogger } from '@simple/platform';
import { parseMessage, serializeMessage, type SipResponse } from '@simple/sip-message';
import { buildPresence, type PresenceService } from '../src/app.js';
import { readPresenceConfig } from '../src/config.js';
import { freshAor, inbound, pidf, publish } from './support.js';

/**
 * The service's NATS side, as the edge uses it, on a subject of its own so
 * that the e2e test's replica (which may run at the same time) takes none of
 * these requests and this one none of its.
 */
describe('presence service over NATS', () => {
  let nc: NatsConnection;
  let redis: Redis;
  let service: PresenceService;
  let metrics: Metrics;
  const aor = freshAor();
  const serviceName = `presence-test-${randomBytes(4).toString('hex')}`;

  before(async () => {
    nc = await connect({ servers: 'nats://127.0.0.1:4222' });
    redis = new Redis('redis://127.0.0.1:6379');
    metrics = new Metrics('presence', false);
    service = buildPresence(readPresenceConfig({}), { log: createLogger('presence', 'silent'), metrics, nc, redis, serviceName });
    service.start();
    await nc.flush();
  });

  after(async () => {
    await service.stop();
    await redis.del(presenceKeys.publications(aor));
    await redis.zrem(presenceKeys.publicationExpiry(), aor);
    await nc.drain();
    await redis.quit();
  });

  const ask = async (payload: Buffer): Promise<{ response: SipResponse | undefined; error: string | undefined }> => {
    const h = natsHeaders();
    writeInbound(h, inbound(aor));
    const reply = await nc.request(subjects.sipToService(serviceName), payload, { timeout: 3000, headers: h });
    const error = reply.headers?.get(ENVELOPE_HEADERS.error) || undefined;
    if (reply.data.length === 0) return { response: undefined, error };
    const parsed = parseMessage(Buffer.from(reply.data));
    assert.ok(parsed.ok && parsed.value.kind === 'response', 'the reply is a SIP response');
    return { response: parsed.value as SipResponse, error };
  };

  it('PUBLISH - 200 with SIP-ETag as the reply, a presence event on NATS, counted', async () => {
    const domain = aor.split('@')[1] ?? '';
    const events: string[] = [];
    const sub = nc.subscribe(presenceSubjects.presenceChanged(domain), {
      callback: (_err, msg) => {
        events.push(new TextDecoder().decode(msg.data));
      },
    });
    await nc.flush();
    const { response } = await ask(serializeMessage(publish(aor, { expires: 120, body: pidf(aor, 't1', 'open') })));
    assert.equal(response?.status, 200);
    assert.ok(response?.headers.get('sip-etag'));
    for (let i = 0; i < 50 && events.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    sub.unsubscribe();
    assert.equal(events.length, 1);
    assert.deepEqual({ ...(JSON.parse(events[0] ?? '{}') as object), at: 0 }, { aor, change: 'initial', at: 0 });
  });

  it('NOTIFY - 405 with Allow', async () => {
    const req = publish(aor, { body: pidf(aor, 't1', 'open') });
    const text = serializeMessage(req).toString().replace(/^PUBLISH /, 'NOTIFY ').replace('CSeq: 1 PUBLISH', 'CSeq: 1 NOTIFY');
    const { response } = await ask(Buffer.from(text));
    assert.equal(response?.status, 405);
    assert.equal(response?.headers.get('allow'), 'PUBLISH, SUBSCRIBE');
  });

  it('unreadable bytes - a Simple-Error reply, no crash', async () => {
    const { response, error } = await ask(Buffer.from('this is not SIP\r\n\r\n'));
    assert.equal(response, undefined);
    assert.ok(error);
  });

  it('metrics - publications and requests are counted', async () => {
    const text = await metrics.registry.metrics();
    assert.match(text, /simple_presence_sip_requests_total\{method="PUBLISH"\} [1-9]/);
    assert.match(text, /simple_presence_publications_total\{result="initial"\} [1-9]/);
  });
});
