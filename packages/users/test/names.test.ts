import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { isValidUserPart, parseAor, parseDomainName, UserStoreError } from '../src/index.js';

describe('parseDomainName', () => {
  it('host names - lower-cased, trailing dot dropped', () => {
    assert.deepEqual(parseDomainName('Example.COM.'), { ok: true, value: 'example.com' });
    assert.deepEqual(parseDomainName('localhost'), { ok: true, value: 'localhost' });
    assert.deepEqual(parseDomainName('a-1.b2.example'), { ok: true, value: 'a-1.b2.example' });
  });

  it('IP literals - IPv4 and bracketed IPv6 in canonical form', () => {
    assert.deepEqual(parseDomainName('127.0.0.1'), { ok: true, value: '127.0.0.1' });
    assert.deepEqual(parseDomainName('[2001:DB8:0:0::1]'), { ok: true, value: '[2001:db8::1]' });
  });

  it('invalid names - INVALID_DOMAIN, never a throw', () => {
    for (const bad of ['', 'exa mple.com', '-a.com', 'a-.com', 'a..com', 'example.123', '256.1.1.1', '01.2.3.4', '2001:db8::1', '[zz::1]', 'a{b}.com', 'a'.repeat(64) + '.com', `${'a.'.repeat(127)}com`]) {
      const r = parseDomainName(bad);
      assert.equal(r.ok, false, bad);
      if (!r.ok) {
        assert.ok(r.error instanceof UserStoreError);
        assert.equal(r.error.code, 'INVALID_DOMAIN');
        assert.equal(r.error.status, 400);
      }
    }
  });
});

describe('parseAor', () => {
  it('user@domain and sip: URIs - one canonical AOR', () => {
    const want = { aor: 'alice@example.com', user: 'alice', domain: 'example.com' };
    assert.deepEqual(parseAor('alice@Example.com'), { ok: true, value: want });
    assert.deepEqual(parseAor('sip:alice@example.com'), { ok: true, value: want });
    assert.deepEqual(parseAor('SIPS:alice@example.com'), { ok: true, value: want });
  });

  it('user part - case-sensitive, RFC 3261 user characters without escapes', () => {
    assert.equal(isValidUserPart('Alice.Smith'), true);
    assert.equal(isValidUserPart('+15551234567'), true);
    assert.equal(isValidUserPart("a-_.!~*'()&=+$,;?/z"), true);
    for (const bad of ['', 'al ice', 'al%20ice', 'a:b', 'a{b}', 'a"b', 'a@b', 'é', 'x'.repeat(129)]) assert.equal(isValidUserPart(bad), false, bad);
  });

  it('invalid input - coded errors', () => {
    const codes = (s: string): string | undefined => {
      const r = parseAor(s);
      return r.ok ? undefined : r.error.code;
    };
    assert.equal(codes('alice'), 'INVALID_AOR');
    assert.equal(codes('@example.com'), 'INVALID_AOR');
    assert.equal(codes('al ice@example.com'), 'INVALID_USER');
    assert.equal(codes('alice@exa mple.com'), 'INVALID_DOMAIN');
    assert.equal(codes('sip:alice@example.com;transport=tcp'), 'INVALID_DOMAIN');
  });
});
