// Documents survive a Redis crash: the XCAP server (src/main.ts as its own process) in front
// of a redis-server of this test's own, run with `appendonly yes` and `appendfsync always`
// and no RDB snapshots. Documents and an element are PUT, redis-server is SIGKILLed and
// started again on the same files and port; every document comes back with the same body and
// ETag (RFC 4825 §8.5: the ETag names that version of the document), through HTTP and through
// the gRPC read API, and the server reconnected by itself.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { XcapDocumentReader } from '@simple/xcap-grpc';
import { digestFetch, freePort, startService, type DigestFetch, type ServiceProcess } from '@simple/testkit';
import { UserStore } from '@simple/users';
import { fixture } from '../support/fixtures.js';
import { startRedisProcess, type RedisProcess } from '../support/redis-process.js';

const DOMAIN = 'restart.test';
const XUI = `sip:dora@${DOMAIN}`;

describe('xcap documents across a Redis restart (append-only file, real processes)', () => {
  let dir: string;
  let redisPort: number;
  let redis: RedisProcess | undefined;
  let server: ServiceProcess | undefined;
  let base: string;
  let grpcPort: number;
  let request: DigestFetch;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'xcap-aof-'));
    redisPort = await freePort();
    redis = await startRedisProcess(dir, redisPort);
    const client = new Redis({ host: '127.0.0.1', port: redisPort });
    const users = new UserStore(client);
    await users.addDomain(DOMAIN);
    await users.addUser(`dora@${DOMAIN}`, 'dora password');
    await client.quit();
    const httpPort = await freePort();
    grpcPort = await freePort();
    server = await startService(
      'xcap',
      {
        SIMPLE_XCAP_LISTEN: '127.0.0.1',
        SIMPLE_XCAP_PORT: String(httpPort),
        SIMPLE_XCAP_GRPC_LISTEN: '127.0.0.1',
        SIMPLE_XCAP_GRPC_PORT: String(grpcPort),
        SIMPLE_REDIS_URL: `redis://127.0.0.1:${redisPort}`,
        SIMPLE_NATS_URL: 'nats://127.0.0.1:4222',
      },
      await freePort(),
    );
    base = `http://127.0.0.1:${httpPort}/xcap-root`;
    request = digestFetch('dora', 'dora password');
  });

  after(async () => {
    const code = await server?.stop();
    await redis?.kill();
    await rm(dir, { recursive: true, force: true });
    assert.equal(code, 0, server?.output());
  });

  const documents = [
    { url: `/resource-lists/users/${XUI}/index`, type: 'application/resource-lists+xml', body: fixture('rfc4826-3.3-resource-lists.xml') },
    { url: `/resource-lists/users/${XUI}/work`, type: 'application/resource-lists+xml', body: '<?xml version="1.0" encoding="UTF-8"?>\n<resource-lists xmlns="urn:ietf:params:xml:ns:resource-lists"><list name="team"/></resource-lists>' },
    { url: `/pres-rules/users/${XUI}/index`, type: 'application/auth-policy+xml', body: fixture('rfc5025-6-pres-rules.xml') },
  ];

  async function snapshot(): Promise<Map<string, { status: number; etag: string | null; body: string }>> {
    const out = new Map<string, { status: number; etag: string | null; body: string }>();
    for (const d of documents) {
      const r = await request('GET', `${base}${d.url}`);
      out.set(d.url, { status: r.status, etag: r.headers.get('etag'), body: await r.text() });
    }
    return out;
  }

  it('SIGKILL and restart of redis-server - every document comes back with the same body and ETag, and the server reconnects', async () => {
    for (const d of documents) {
      const r = await request('PUT', `${base}${d.url}`, d.body, d.type);
      assert.equal(r.status, 201, await r.text());
    }
    // RFC 4825 §8.2.3: an element PUT changes the document and its ETag.
    const element = await request('PUT', `${base}/resource-lists/users/${XUI}/work/~~/resource-lists/list%5B@name=%22team%22%5D/entry%5B@uri=%22sip:eve@${DOMAIN}%22%5D`, `<entry uri="sip:eve@${DOMAIN}"/>`, 'application/xcap-el+xml');
    assert.equal(element.status, 201, await element.text());
    const beforeCrash = await snapshot();
    for (const [url, s] of beforeCrash) {
      assert.equal(s.status, 200, url);
      assert.ok(s.etag !== null, url);
    }
    assert.match(beforeCrash.get(documents[1]?.url ?? '')?.body ?? '', /<entry uri="sip:eve@restart\.test"\/>/);

    await redis?.kill();
    redis = await startRedisProcess(dir, redisPort);

    // The server's Redis client reconnects by itself: wait until a read is answered without a server error.
    const deadline = Date.now() + 15_000;
    for (;;) {
      const r = await request('GET', `${base}${documents[0]?.url ?? ''}`).catch(() => undefined);
      await r?.arrayBuffer();
      if (r !== undefined && r.status < 500) break;
      if (Date.now() > deadline) assert.fail(`xcap did not read from Redis again:\n${server?.output() ?? ''}`);
      await new Promise((res) => setTimeout(res, 100));
    }
    assert.deepEqual(await snapshot(), beforeCrash, 'bodies and ETags after the restart');

    const reader = await XcapDocumentReader.connect({ address: `127.0.0.1:${grpcPort}`, deadlineMs: 5000 });
    try {
      for (const d of documents) {
        const path = d.url.split('/').at(-1) ?? '';
        const got = await reader.get({ auid: d.url.split('/')[1] ?? '', xui: XUI, path });
        assert.ok(got.kind === 'document', d.url);
        assert.equal(`"${got.etag}"`, beforeCrash.get(d.url)?.etag, `gRPC ETag of ${d.url}`);
        assert.equal(got.body, beforeCrash.get(d.url)?.body);
      }
    } finally {
      reader.close();
    }
    // Writes work again too.
    const later = await request('PUT', `${base}/resource-lists/users/${XUI}/later`, documents[1]?.body ?? '', 'application/resource-lists+xml');
    assert.equal(later.status, 201, await later.text());
  });
});
