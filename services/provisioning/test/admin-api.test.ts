import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { UserStore } from '@simple/users';
import { buildAdminApi } from '../src/admin-api.js';

const TOKEN = 't-' + randomBytes(12).toString('hex');
const domain = `adm-${randomBytes(4).toString('hex')}.test`;

describe('admin API (fastify inject, real Redis)', () => {
  const redis = new Redis('redis://127.0.0.1:6379');
  const users = new UserStore(redis);
  const app = buildAdminApi({ users, token: TOKEN });
  const auth = { authorization: `Bearer ${TOKEN}` };

  before(() => app.ready());
  after(async () => {
    await users.removeUser(`alice@${domain}`).catch(() => undefined);
    await users.removeDomain(domain).catch(() => undefined);
    await app.close();
    await redis.quit();
  });

  it('token - a request without the bearer token gets 401 and learns nothing', async () => {
    const r = await app.inject({ method: 'GET', url: '/v1/domains' });
    assert.equal(r.statusCode, 401);
    const wrong = await app.inject({ method: 'GET', url: '/v1/domains', headers: { authorization: 'Bearer nope' } });
    assert.equal(wrong.statusCode, 401);
    assert.deepEqual(wrong.json(), { error: 'unauthorized' });
  });

  it('domains - add, list, refuse a bad name', async () => {
    const add = await app.inject({ method: 'PUT', url: `/v1/domains/${domain}`, headers: auth, payload: {} });
    assert.equal(add.statusCode, 201, add.body);
    assert.equal(add.json().realm, domain);
    const list = await app.inject({ method: 'GET', url: '/v1/domains', headers: auth });
    assert.ok((list.json().domains as string[]).includes(domain));
    const bad = await app.inject({ method: 'PUT', url: '/v1/domains/bad..name', headers: auth, payload: {} });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error, 'INVALID_DOMAIN');
  });

  it('users - add with a password, stored as HA1 only; show has no credentials', async () => {
    const add = await app.inject({ method: 'PUT', url: `/v1/users/alice@${domain}`, headers: auth, payload: { password: 'pw-s3cret' } });
    assert.equal(add.statusCode, 201, add.body);
    const show = await app.inject({ method: 'GET', url: `/v1/users/alice@${domain}`, headers: auth });
    assert.equal(show.statusCode, 200);
    assert.deepEqual(Object.keys(show.json()).sort(), ['aor', 'domain', 'realm']);
    const stored = await users.getUser(`alice@${domain}`);
    assert.ok(stored !== undefined);
    assert.ok(!JSON.stringify(stored).includes('pw-s3cret'));
    const dup = await app.inject({ method: 'PUT', url: `/v1/users/alice@${domain}`, headers: auth, payload: { password: 'x' } });
    assert.equal(dup.statusCode, 409);
  });

  it('users - set a password changes the HA1; a missing password is a 400', async () => {
    const before = await users.getUser(`alice@${domain}`);
    const r = await app.inject({ method: 'POST', url: `/v1/users/alice@${domain}/password`, headers: auth, payload: { password: 'n3w' } });
    assert.equal(r.statusCode, 200, r.body);
    const after2 = await users.getUser(`alice@${domain}`);
    assert.notEqual(after2?.ha1['SHA-256'], before?.ha1['SHA-256']);
    const bad = await app.inject({ method: 'POST', url: `/v1/users/alice@${domain}/password`, headers: auth, payload: {} });
    assert.equal(bad.statusCode, 400);
  });

  it('users - list, remove; a domain with users cannot be removed', async () => {
    const list = await app.inject({ method: 'GET', url: `/v1/domains/${domain}/users`, headers: auth });
    assert.deepEqual(list.json().users, [`alice@${domain}`]);
    const busy = await app.inject({ method: 'DELETE', url: `/v1/domains/${domain}`, headers: auth });
    assert.equal(busy.statusCode, 409);
    const rm = await app.inject({ method: 'DELETE', url: `/v1/users/alice@${domain}`, headers: auth });
    assert.equal(rm.statusCode, 204);
    const gone = await app.inject({ method: 'GET', url: `/v1/users/alice@${domain}`, headers: auth });
    assert.equal(gone.statusCode, 404);
    const rmd = await app.inject({ method: 'DELETE', url: `/v1/domains/${domain}`, headers: auth });
    assert.equal(rmd.statusCode, 204);
  });
});
