import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';

import { redisKeys } from '@simple/contracts';
import { parseAuthHeader } from '@simple/sip-message';
import { computeHa1 } from '@simple/users';
import { Redis } from 'ioredis';

import { CLOCK_SKEW_MS, NonceCountStore, StatelessNonce, checkDigestCredentials, computeDigestResponse, type CredentialsCheck } from '../src/auth/index.js';

const SECRET = 'a-test-secret-of-some-length';

describe('auth - digest response', () => {
  // RFC 7616 §3.9.1: the same request answered with MD5 and with SHA-256.
  const nonce = '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v';
  const qop = { value: 'auth', nc: '00000001', cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ' };
  const common = { nonce, method: 'GET', uri: '/dir/index.html', qop };

  it('RFC 7616 §3.9.1 - MD5 example', () => {
    const ha1 = computeHa1('MD5', 'Mufasa', 'http-auth@example.org', 'Circle of Life');
    assert.equal(computeDigestResponse({ ...common, algorithm: 'MD5', ha1 }), '8ca523f5e9506fed4657c9700eebdbec');
  });

  it('RFC 7616 §3.9.1 - SHA-256 example', () => {
    const ha1 = computeHa1('SHA-256', 'Mufasa', 'http-auth@example.org', 'Circle of Life');
    assert.equal(computeDigestResponse({ ...common, algorithm: 'SHA-256', ha1 }), '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
  });

  it('RFC 2617 §3.5 - MD5 qop=auth example', () => {
    const ha1 = computeHa1('MD5', 'Mufasa', 'testrealm@host.com', 'Circle Of Life');
    const got = computeDigestResponse({ algorithm: 'MD5', ha1, nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093', method: 'GET', uri: '/dir/index.html', qop: { value: 'auth', nc: '00000001', cnonce: '0a4f113b' } });
    assert.equal(got, '6629fae49393a05397450978507c4ef1');
  });

  it('SHA-512-256 and the RFC 2069 form - by hand with node:crypto', () => {
    const H = (alg: string, s: string): string => createHash(alg).update(s).digest('hex');
    const ha1 = H('sha512-256', 'bob:example.com:pw');
    const want = H('sha512-256', `${ha1}:n1:0000000a:c1:auth:${H('sha512-256', 'REGISTER:sip:example.com')}`);
    assert.equal(computeDigestResponse({ algorithm: 'SHA-512-256', ha1, nonce: 'n1', method: 'REGISTER', uri: 'sip:example.com', qop: { value: 'auth', nc: '0000000a', cnonce: 'c1' } }), want);
    const md5 = H('md5', 'bob:example.com:pw');
    assert.equal(computeDigestResponse({ algorithm: 'MD5', ha1: md5, nonce: 'n1', method: 'REGISTER', uri: 'sip:example.com' }), H('md5', `${md5}:n1:${H('md5', 'REGISTER:sip:example.com')}`));
  });
});

describe('auth - stateless nonce', () => {
  const nonces = new StatelessNonce(SECRET, 300_000);

  it('format - 44 base64url characters, a new one each time', () => {
    const a = nonces.issue('example.com', 1_700_000_000_000);
    const b = nonces.issue('example.com', 1_700_000_000_000);
    assert.match(a, /^[A-Za-z0-9_-]{44}$/);
    assert.notEqual(a, b);
  });

  it('lifetime - valid until issue + ttl, expired from then on', () => {
    const t0 = 1_700_000_000_000;
    const n = nonces.issue('example.com', t0);
    assert.deepEqual(nonces.check(n, 'example.com', t0 + 299_999), { status: 'valid', issuedAt: t0, expiresAt: t0 + 300_000 });
    assert.deepEqual(nonces.check(n, 'example.com', t0 + 300_000), { status: 'expired', issuedAt: t0, expiresAt: t0 + 300_000 });
  });

  it('forgery - tampered, other realm, other secret, garbage, far future: invalid', () => {
    const t0 = 1_700_000_000_000;
    const n = nonces.issue('example.com', t0);
    const raw = Buffer.from(n, 'base64url');
    raw[5] = (raw[5] ?? 0) ^ 1; // move the timestamp
    assert.deepEqual(nonces.check(raw.toString('base64url'), 'example.com', t0), { status: 'invalid' });
    assert.deepEqual(nonces.check(n, 'example.org', t0), { status: 'invalid' });
    assert.deepEqual(new StatelessNonce('another-secret-entirely', 300_000).check(n, 'example.com', t0), { status: 'invalid' });
    for (const junk of ['', 'abc', 'x'.repeat(44), n + 'A', n.slice(0, 43) + '"']) assert.deepEqual(nonces.check(junk, 'example.com', t0), { status: 'invalid' });
    assert.equal(nonces.check(n, 'example.com', t0 - CLOCK_SKEW_MS).status, 'valid', 'a replica a little behind accepts it');
    assert.deepEqual(nonces.check(n, 'example.com', t0 - CLOCK_SKEW_MS - 1), { status: 'invalid' });
  });
});

describe('auth - credentials form', () => {
  const check = (value: string): CredentialsCheck => {
    const h = parseAuthHeader(value, 'Authorization');
    assert.ok(h.ok, value);
    return checkDigestCredentials(h.value, 'Authorization');
  };
  const base = 'Digest username="bob", realm="example.com", nonce="n", uri="sip:example.com"';
  const md5 = 'response="0123456789abcdef0123456789ABCDEF"';

  it('well formed - defaults to MD5; response lower-cased; qop with nc and cnonce', () => {
    const r = check(`${base}, ${md5}, qop=auth, nc=0000001F, cnonce="c"`);
    assert.equal(r.kind, 'credentials');
    if (r.kind === 'credentials') {
      assert.equal(r.value.algorithm, 'MD5');
      assert.equal(r.value.response, '0123456789abcdef0123456789abcdef');
      assert.deepEqual(r.value.qop, { value: 'auth', nc: '0000001F', count: 31, cnonce: 'c' });
    }
  });

  it('unknown algorithms - well formed, algorithm undefined (the caller challenges)', () => {
    const r = check(`${base}, ${md5}, algorithm=MD5-sess, qop=auth, nc=00000001, cnonce="c"`);
    assert.ok(r.kind === 'credentials' && r.value.algorithm === undefined && r.value.algorithmName === 'MD5-sess');
  });

  it('placeholders - empty nonce or response before any challenge (RFC 8760 §2.7)', () => {
    assert.equal(check('Digest username="bob", realm="example.com", nonce="", uri="sip:example.com", response=""').kind, 'placeholder');
  });

  it('defects - each named', () => {
    const cases: Array<[string, string]> = [
      ['Digest realm="example.com", nonce="n", uri="sip:x", ' + md5, 'missing username'],
      ['Digest username="bob", realm="example.com", uri="sip:x", ' + md5, 'missing nonce'],
      ['Digest username="bob", realm="example.com", nonce="n", ' + md5, 'missing uri'],
      [base, 'missing response'],
      [`${base}, response="xyz"`, 'response is not hexadecimal'],
      [`${base}, response="abcd"`, 'response is not 32 hex digits for MD5'],
      [`${base}, algorithm=SHA-256, ${md5}, qop=auth, nc=00000001, cnonce="c"`, 'response is not 64 hex digits for SHA-256'],
      [`${base}, ${md5}, qop=auth-int, nc=00000001, cnonce="c"`, 'qop=auth-int was not offered'],
      [`${base}, ${md5}, qop=auth, cnonce="c"`, 'missing nc'],
      [`${base}, ${md5}, qop=auth, nc=1, cnonce="c"`, 'nc is not 8 hex digits'],
      [`${base}, ${md5}, qop=auth, nc=00000000, cnonce="c"`, 'nc is 0'],
      [`${base}, ${md5}, qop=auth, nc=00000001`, 'missing cnonce'],
      [`${base}, algorithm=SHA-256, response="${'a'.repeat(64)}"`, 'missing qop for SHA-256'],
      [`${base}, ${md5}, username*=UTF-8''bob`, 'both username and username*'],
      [`${base}, ${md5}, userhash=true`, 'userhash is not supported'],
    ];
    for (const [value, reason] of cases) assert.deepEqual(check(value), { kind: 'defect', reason: `Bad Authorization: ${reason}` }, value);
  });
});

describe('auth - nonce-count store', () => {
  const redis = new Redis(process.env.SIMPLE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
  const store = new NonceCountStore(redis);
  const nonce = randomBytes(33).toString('base64url');
  after(async () => {
    await redis.del(redisKeys.nonceCount(nonce));
    await redis.quit();
  });

  it('advance - only an nc above the highest seen is accepted; the record lives as long as asked', async () => {
    assert.equal(await store.advance(nonce, 1, 5_000), true);
    assert.equal(await store.advance(nonce, 1, 5_000), false);
    assert.equal(await store.advance(nonce, 3, 5_000), true);
    assert.equal(await store.advance(nonce, 2, 5_000), false);
    assert.equal(await store.advance(nonce, 0xffffffff, 5_000), true);
    assert.equal(await store.advance(nonce, 0xffffffff, 5_000), false);
    const ttl = await redis.pttl(redisKeys.nonceCount(nonce));
    assert.ok(ttl > 4_000 && ttl <= 5_000, String(ttl));
    assert.equal(await redis.get(redisKeys.nonceCount(nonce)), String(0xffffffff));
  });

  it('advance - concurrent requests with one nc: exactly one wins', async () => {
    const n2 = nonce + 'x';
    try {
      const results = await Promise.all(Array.from({ length: 8 }, () => store.advance(n2, 7, 5_000)));
      assert.equal(results.filter(Boolean).length, 1);
    } finally {
      await redis.del(redisKeys.nonceCount(n2));
    }
  });
});
