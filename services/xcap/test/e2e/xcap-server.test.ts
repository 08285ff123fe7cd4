// The running server (src/main.ts as its own process) over plain HTTP, with the real Redis and
// NATS: a PUT is answered with the RFC's status and ETag, and its change event reaches NATS.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { xcapKeys, xcapSubjects } from '@simple/contracts';
import { connectNats, type NatsConnection } from '@simple/platform';
import { freePort, startService, type ServiceProcess } from '@simple/testkit';
import { UserStore } from '@simple/users';
import { digestAuthorization } from '../support/digest-client.js';

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

  async function request(method: string, path: string, body?: string, type?: string): Promise<Response> {
    const url = `${base}${path}`;
    const headers: Record<string, string> = type === undefined ? {} : { 'content-type': type };
    const first = await fetch(url, { method, headers, ...(body === undefined ? {} : { body }) });
    if (first.status !== 401) return first;
    await first.arrayBuffer();
    const challenges = first.headers.get('www-authenticate')?.split(/,\s*(?=Digest )/) ?? [];
    const authorization = digestAuthorization({ user: 'carol', password: 'carol password', method, uri: new URL(url).pathname, algorithm: 'SHA-256', challenges });
    return fetch(url, { method, headers: { ...headers, authorization }, ...(body === undefined ? {} : { body }) });
  }

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
