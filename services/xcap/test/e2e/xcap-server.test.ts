// The running server (src/main.ts as its own process) over plain HTTP, with the real Redis and
// NATS: a PUT is answered with the RFC's status and ETag, and its change event reaches NATS.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { xcapKeys, xcapSubjects } from '@simple/contracts';
import { connectNats, type NatsConnection } from '@simple/platform';
import { digestFetch, freePort, startService, type ServiceProcess } from '@simple/testkit';
import { UserStore } from '@simple/users';

describe('xcap server process (HTTP, real Redis and NATS)', () => {
  const redis = new Redis('redis://127.0.0.1:6379');
  const users = new UserStore(redis);
  const domain = `xcap-e2e-${randomBytes(4).toString('hex')}.test`;
  const xui = `sip:carol@${domain}`;
  let nats: NatsConnection;
  let server: ServiceProcess;
  let base: string;

  before(async () => {
    await users.addDomain(domain);
    await users.addUser(`carol@${domain}`, 'carol password');
    nats = await connectNats('nats://127.0.0.1:4222', 'xcap-e2e');
    const port = await freePort();
    server = await startService('xcap', { SIMPLE_XCAP_LISTEN: '127.0.0.1', SIMPLE_XCAP_PORT: String(port), SIMPLE_REDIS_URL: 'redis://127.0.0.1:6379', SIMPLE_NATS_URL: 'nats://127.0.0.1:4222' }, await freePort());
    base = `http://127.0.0.1:${port}/xcap-root`;
  });

  after(async () => {
    assert.equal(await server.stop(), 0, server.output());
    await nats.close();
    await redis.del(xcapKeys.document('resource-lists', xui, 'index'), xcapKeys.directory(xui));
    await users.removeUser(`carol@${domain}`);
    await users.removeDomain(domain);
    await redis.quit();
  });

  const carol = digestFetch('carol', 'carol password');
  const request = (method: string, path: string, body?: string, type?: string): Promise<Response> => carol(method, `${base}${path}`, body, type);

  it('PUT, event, GET - 201 with an ETag, a change event on NATS, the document read back', async () => {
    const sub = nats.subscribe(xcapSubjects.documentChanged('resource-lists'), { max: 1, timeout: 5000 });
    const doc = '<?xml version="1.0" encoding="UTF-8"?>\n<resource-lists xmlns="urn:ietf:params:xml:ns:resource-lists"><list name="friends"/></resource-lists>';
    const put = await request('PUT', `/resource-lists/users/${xui}/index`, doc, 'application/resource-lists+xml');
    assert.equal(put.status, 201, await put.text());
    const etag = put.headers.get('etag');
    assert.ok(etag);
    for await (const m of sub) {
      const ev = m.json<Record<string, unknown>>();
      assert.equal(ev.xui, xui);
      assert.equal(ev.document, 'index');
      assert.equal(`"${String(ev.newEtag)}"`, etag);
    }
    const get = await request('GET', `/resource-lists/users/${xui}/index`);
    assert.equal(get.status, 200);
    assert.equal(get.headers.get('etag'), etag);
    assert.equal(await get.text(), doc);
  });

  it('anonymous - a request without credentials is challenged', async () => {
    const r = await fetch(`${base}/resource-lists/users/${xui}/index`);
    assert.equal(r.status, 401);
    assert.match(r.headers.get('www-authenticate') ?? '', /^Digest realm=/);
  });
});
