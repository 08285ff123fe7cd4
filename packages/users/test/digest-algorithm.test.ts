import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';

import { computeHa1, DIGEST_ALGORITHMS, DIGEST_HEX_LENGTH, digestHash, isDigestAlgorithm } from '../src/index.js';

describe('digest algorithms', () => {
  it('HA1 - the RFC 2617 §3.5 example (Mufasa, MD5)', () => {
    assert.equal(computeHa1('MD5', 'Mufasa', 'testrealm@host.com', 'Circle Of Life'), '939e7578ed9e3c518a452acee763bce9');
  });

  it('H - SHA-256 and SHA-512/256 of the empty string (RFC 8760 §2.6 item 7)', () => {
    assert.equal(digestHash('SHA-256', ''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.equal(digestHash('SHA-512-256', ''), 'c672b8d1ef56ed28ab87c3622c5114069bdd3ad7b8f9737498d0c01ecef0967a');
    assert.equal(digestHash('MD5', ''), 'd41d8cd98f00b204e9800998ecf8427e');
  });

  it('HA1 - H(username ":" realm ":" password) over UTF-8, lower-case hex of the right length', () => {
    for (const alg of DIGEST_ALGORITHMS) {
      const node = { MD5: 'md5', 'SHA-256': 'sha256', 'SHA-512-256': 'sha512-256' }[alg];
      const want = createHash(node).update(Buffer.from('bob:example.com:pässword', 'utf8')).digest('hex');
      const got = computeHa1(alg, 'bob', 'example.com', 'pässword');
      assert.equal(got, want, alg);
      assert.equal(got.length, DIGEST_HEX_LENGTH[alg]);
      assert.match(got, /^[0-9a-f]+$/);
    }
  });

  it('names - only the registry spellings', () => {
    assert.equal(isDigestAlgorithm('SHA-256'), true);
    assert.equal(isDigestAlgorithm('sha-256'), false);
    assert.equal(isDigestAlgorithm('MD5-sess'), false);
  });
});
