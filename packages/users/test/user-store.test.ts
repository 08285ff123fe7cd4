import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { redisKeys } from '@simple/contracts';

import { UserStore, UserStoreError, type UserStoreErrorCode } from '../src/index.js';
import { TestRedis } from './helpers.js';

const t = new TestRedis();
const store = new UserStore(t.redis);

async function rejectsWith(p: Promise<unknown>, code: UserStoreErrorCode): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof UserStoreError && e.code === code);
}

function h(alg: string, s: string): string {
  return createHash(alg).update(s, 'utf8').digest('hex');
}

describe('UserStore', () => {
  before(async () => {
    await t.redis.ping();
  });
  after(async () => {
    await t.cleanup();
  });

  describe('domains', () => {
    it('addDomain - the realm defaults to the domain name; the name is canonical', async () => {
      const d = t.domain();
      assert.deepEqual(await store.addDomain(d.toUpperCase() + '.'), { domain: d, realm: d });
      assert.equal(await store.isLocalDomain(d), true);
      assert.equal(await store.isLocalDomain(d.toUpperCase()), true);
      assert.equal(await store.realmOf(d), d);
      assert.ok((await store.listDomains()).includes(d));
    });

    it('addDomain - an explicit realm; idempotent with the same realm, DOMAIN_EXISTS with another', async () => {
      const d = t.domain();
      assert.deepEqual(await store.addDomain(d, { realm: 'Example Realm' }), { domain: d, realm: 'Example Realm' });
      assert.deepEqual(await store.addDomain(d, { realm: 'Example Realm' }), { domain: d, realm: 'Example Realm' });
      await rejectsWith(store.addDomain(d, { realm: 'other' }), 'DOMAIN_EXISTS');
      await rejectsWith(store.addDomain(d), 'DOMAIN_EXISTS');
      assert.equal(await store.realmOf(d), 'Example Realm');
    });

    it('addDomain - invalid names and realms are refused with their codes', async () => {
      await rejectsWith(store.addDomain('not a domain'), 'INVALID_DOMAIN');
      await rejectsWith(store.addDomain(t.domain(), { realm: 'has"quote' }), 'INVALID_REALM');
      await rejectsWith(store.addDomain(t.domain(), { realm: '' }), 'INVALID_REALM');
      await rejectsWith(store.addDomain(t.domain(), { realm: 'line\r\nbreak' }), 'INVALID_REALM');
    });

    it('lookups - unknown or invalid domains answer false/undefined without throwing', async () => {
      assert.equal(await store.isLocalDomain(t.domain()), false);
      assert.equal(await store.realmOf(t.domain()), undefined);
      assert.equal(await store.isLocalDomain('bad domain{x}'), false);
      assert.equal(await store.realmOf('bad domain{x}'), undefined);
    });

    it('removeDomain - refused while the domain has users, done once it is empty', async () => {
      const d = t.domain();
      await store.addDomain(d);
      await store.addUser(`alice@${d}`, 'pw');
      await rejectsWith(store.removeDomain(d), 'DOMAIN_NOT_EMPTY');
      assert.equal(await store.isLocalDomain(d), true);
      assert.equal(await store.removeUser(`alice@${d}`), true);
      assert.equal(await store.removeDomain(d), true);
      assert.equal(await store.isLocalDomain(d), false);
      assert.equal((await store.listDomains()).includes(d), false);
      assert.equal(await store.removeDomain(d), false);
      await rejectsWith(store.listUsers(d), 'DOMAIN_NOT_FOUND');
    });

    it('IP-literal domains - usable as SIP_DOMAIN is in the test rigs', async () => {
      const d = `[2001:db8::a${t.token.slice(1, 4)}]`;
      try {
        await store.addDomain(d.toUpperCase());
        assert.equal(await store.realmOf(d), d);
        await store.addUser(`u1@${d}`, 'secret');
        assert.equal((await store.getUser(`sip:u1@${d}`))?.realm, d);
      } finally {
        await store.removeUser(`u1@${d}`);
        await store.removeDomain(d);
      }
    });
  });

  describe('users', () => {
    it('addUser - stores one HA1 per RFC 8760 algorithm: H(user ":" realm ":" password)', async () => {
      const d = t.domain();
      await store.addDomain(d, { realm: `realm.${d}` });
      const rec = await store.addUser(`sip:Bob@${d.toUpperCase()}`, 'Circle Of Life');
      const realm = `realm.${d}`;
      const want = {
        aor: `Bob@${d}`,
        username: 'Bob',
        domain: d,
        realm,
        ha1: {
          MD5: h('md5', `Bob:${realm}:Circle Of Life`),
          'SHA-256': h('sha256', `Bob:${realm}:Circle Of Life`),
          'SHA-512-256': h('sha512-256', `Bob:${realm}:Circle Of Life`),
        },
      };
      assert.deepEqual(rec, want);
      assert.deepEqual(await store.getUser(`Bob@${d}`), want);
      assert.equal(await store.getUser(`bob@${d}`), undefined, 'the user part is case-sensitive');
      assert.deepEqual(await store.listUsers(d), [`Bob@${d}`]);
    });

    it('addUser - the password is stored nowhere, in no form but HA1', async () => {
      const d = t.domain();
      await store.addDomain(d);
      const password = 'pw-' + t.token + '-unmistakable';
      await store.addUser(`carol@${d}`, password);
      const raw = await t.redis.hgetall(redisKeys.user(`carol@${d}`));
      assert.deepEqual(Object.keys(raw).sort(), ['domain', 'ha1:MD5', 'ha1:SHA-256', 'ha1:SHA-512-256', 'realm', 'username']);
      for (const v of Object.values(raw)) {
        assert.ok(!v.includes(password));
        assert.notEqual(v, h('md5', password));
        assert.notEqual(v, h('sha256', password));
      }
      const dump = JSON.stringify([raw, await t.redis.hgetall(redisKeys.domain(d)), await t.redis.smembers(redisKeys.domainUsers(d))]);
      assert.ok(!dump.includes(password));
    });

    it('addUser - USER_EXISTS, DOMAIN_NOT_FOUND and input errors', async () => {
      const d = t.domain();
      await store.addDomain(d);
      await store.addUser(`dave@${d}`, 'one');
      await rejectsWith(store.addUser(`dave@${d}`, 'two'), 'USER_EXISTS');
      assert.equal((await store.getUser(`dave@${d}`))?.ha1.MD5, h('md5', `dave:${d}:one`), 'the first password stays');
      await rejectsWith(store.addUser(`dave@${t.domain()}`, 'x'), 'DOMAIN_NOT_FOUND');
      await rejectsWith(store.addUser(`da ve@${d}`, 'x'), 'INVALID_USER');
      await rejectsWith(store.addUser('dave', 'x'), 'INVALID_AOR');
      await rejectsWith(store.addUser(`erin@${d}`, ''), 'INVALID_PASSWORD');
      await rejectsWith(store.addUser(`erin@${d}`, 'x'.repeat(1025)), 'INVALID_PASSWORD');
      assert.deepEqual(await store.listUsers(d), [`dave@${d}`]);
    });

    it('addUser - concurrent creations of one AOR: exactly one wins', async () => {
      const d = t.domain();
      await store.addDomain(d);
      const results = await Promise.allSettled(['a', 'b', 'c', 'd'].map((pw) => store.addUser(`frank@${d}`, pw)));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as UserStoreError).code, 'USER_EXISTS');
    });

    it('setPassword - replaces every HA1; USER_NOT_FOUND for an unknown user', async () => {
      const d = t.domain();
      await store.addDomain(d);
      await store.addUser(`gina@${d}`, 'old');
      const rec = await store.setPassword(`gina@${d}`, 'new');
      assert.equal(rec.ha1['SHA-256'], h('sha256', `gina:${d}:new`));
      assert.deepEqual(await store.getUser(`gina@${d}`), rec);
      await rejectsWith(store.setPassword(`nobody@${d}`, 'x'), 'USER_NOT_FOUND');
      assert.equal(await store.getUser(`nobody@${d}`), undefined, 'setPassword does not create');
      await rejectsWith(store.setPassword(`gina@${t.domain()}`, 'x'), 'USER_NOT_FOUND');
      await rejectsWith(store.setPassword(`gina@${d}`, ''), 'INVALID_PASSWORD');
    });

    it('removeUser - gone from lookups and the domain list; false the second time', async () => {
      const d = t.domain();
      await store.addDomain(d);
      await store.addUser(`hank@${d}`, 'pw');
      await store.addUser(`ivy@${d}`, 'pw');
      assert.deepEqual(await store.listUsers(d), [`hank@${d}`, `ivy@${d}`]);
      assert.equal(await store.removeUser(`sip:hank@${d}`), true);
      assert.equal(await store.getUser(`hank@${d}`), undefined);
      assert.deepEqual(await store.listUsers(d), [`ivy@${d}`]);
      assert.equal(await store.removeUser(`hank@${d}`), false);
    });

    it('removeUser - repairs a domain member left without its user hash', async () => {
      const d = t.domain();
      await store.addDomain(d);
      await t.redis.sadd(redisKeys.domainUsers(d), `ghost@${d}`);
      await rejectsWith(store.removeDomain(d), 'DOMAIN_NOT_EMPTY');
      assert.equal(await store.removeUser(`ghost@${d}`), false);
      assert.equal(await store.removeDomain(d), true);
    });

    it('getUser - undefined for invalid input, and for a partial hash', async () => {
      assert.equal(await store.getUser('not an aor'), undefined);
      const d = t.domain();
      await t.redis.hset(redisKeys.user(`jo@${d}`), 'realm', d, 'ha1:MD5', '00');
      assert.equal(await store.getUser(`jo@${d}`), undefined);
    });

    it('UserStoreError - a named error with code and HTTP status', () => {
      const e = new UserStoreError('USER_EXISTS', 'x@y');
      assert.equal(e.name, 'UserStoreError');
      assert.equal(e.status, 409);
      assert.equal(e.message, 'the user exists: x@y');
      assert.ok(e instanceof Error);
    });
  });
});
