import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { redisKeys } from '@simple/contracts';
import { parseAuthHeader, parseMessage, SipRequest } from '@simple/sip-message';
import { UserStore, type UserRecord } from '@simple/users';
import { Redis } from 'ioredis';

import { DigestAuthenticator, type AuthFailure, type AuthKind, type AuthOutcome, type DigestAuthenticatorOptions } from '../src/auth/index.js';

const REDIS_URL = process.env.SIMPLE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const SECRET = 'edge-secret-shared-by-replicas';
const TOKEN = `t${randomBytes(5).toString('hex')}`;
const DOMAIN = `d1.${TOKEN}.auth.test`;
/** A domain whose realm is not its name. */
const DOMAIN2 = `d2.${TOKEN}.auth.test`;
const REALM2 = `Realm of ${TOKEN}`;
const T0 = 1_700_000_000_000;

const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
const redis2 = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
const users = new UserStore(redis);
/** Every nonce seen, so that their nonce-count keys are deleted at the end. */
const nonces = new Set<string>();

class TestClock {
  t = T0;
  now(): number {
    return this.t;
  }
}

function authenticator(opts: Partial<DigestAuthenticatorOptions> = {}): DigestAuthenticator {
  return new DigestAuthenticator({ users, redis, secret: SECRET, clock: new TestClock(), ...opts });
}

// --- the client side, by hand with node:crypto ---------------------------------

const NODE_HASH: Record<string, string> = { MD5: 'md5', 'SHA-256': 'sha256', 'SHA-512-256': 'sha512-256' };
function h(algorithm: string, s: string): string {
  return createHash(NODE_HASH[algorithm] ?? 'unknown').update(s, 'utf8').digest('hex');
}

interface Challenge {
  readonly realm: string;
  readonly nonce: string;
  readonly algorithm: string;
  readonly params: ReadonlyMap<string, string>;
}

function challenges(o: AuthOutcome, header = 'WWW-Authenticate'): Challenge[] {
  assert.equal(o.ok, false);
  if (o.ok) return [];
  return o.headers.map(([name, value]) => {
    assert.equal(name, header);
    const p = parseAuthHeader(value, name);
    assert.ok(p.ok, value);
    assert.equal(p.value.scheme, 'Digest');
    const c = { realm: p.value.params.get('realm') ?? '', nonce: p.value.params.get('nonce') ?? '', algorithm: p.value.params.get('algorithm') ?? 'MD5', params: p.value.params };
    nonces.add(c.nonce);
    return c;
  });
}

interface Answer {
  username: string;
  password: string;
  method: string;
  uri: string;
  nc?: number;
  cnonce?: string;
  /** false: the RFC 2069 form. */
  qop?: boolean;
}

/** RFC 7616 §3.4.1: response = KD(H(A1), nonce:nc:cnonce:qop:H(A2)), KD(s, d) = H(s:d). */
function answer(c: Challenge, a: Answer): string {
  const ha1 = h(c.algorithm, `${a.username}:${c.realm}:${a.password}`);
  const ha2 = h(c.algorithm, `${a.method}:${a.uri}`);
  const nc = (a.nc ?? 1).toString(16).padStart(8, '0');
  const cnonce = a.cnonce ?? 'f2/wE4q74E6z';
  const common = `Digest username="${a.username}", realm="${c.realm}", nonce="${c.nonce}", uri="${a.uri}", algorithm=${c.algorithm}`;
  if (a.qop === false) return `${common}, response="${h(c.algorithm, `${ha1}:${c.nonce}:${ha2}`)}"`;
  return `${common}, response="${h(c.algorithm, `${ha1}:${c.nonce}:${nc}:${cnonce}:auth:${ha2}`)}", qop=auth, nc=${nc}, cnonce="${cnonce}"`;
}

// --- requests ---------------------------------------------------------------

interface Req {
  ruri?: string;
  from?: string;
  to?: string;
  authorization?: string[];
  proxyAuthorization?: string[];
}

function request(method: string, r: Req = {}): SipRequest {
  const from = r.from ?? `sip:alice@${DOMAIN}`;
  const lines = [
    `${method} ${r.ruri ?? `sip:${DOMAIN}`} SIP/2.0`,
    `Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK${randomBytes(6).toString('hex')}`,
    'Max-Forwards: 70',
    `From: <${from}>;tag=12`,
    `To: <${r.to ?? from}>`,
    `Call-ID: ${randomBytes(6).toString('hex')}`,
    `CSeq: 2 ${method}`,
    ...(r.authorization ?? []).map((v) => `Authorization: ${v}`),
    ...(r.proxyAuthorization ?? []).map((v) => `Proxy-Authorization: ${v}`),
    'Content-Length: 0',
    '',
    '',
  ];
  const m = parseMessage(Buffer.from(lines.join('\r\n')));
  assert.ok(m.ok, m.ok ? '' : m.error.reason);
  assert.ok(m.value instanceof SipRequest);
  return m.value;
}

/** A first REGISTER without credentials, then the answer to the challenge of the given algorithm. */
async function registerWith(auth: DigestAuthenticator, a: Partial<Answer> & { algorithm?: string } = {}, r: Req = {}): Promise<{ outcome: AuthOutcome; challenge: Challenge }> {
  const first = await auth.authenticate(request('REGISTER', r), 'www');
  const c = challenges(first).find((x) => x.algorithm === (a.algorithm ?? 'SHA-256'));
  assert.ok(c, 'challenge for the algorithm');
  const uri = a.uri ?? r.ruri ?? `sip:${DOMAIN}`;
  const value = answer(c, { username: 'alice', password: 'alice-pw', method: 'REGISTER', uri, ...a });
  return { outcome: await auth.authenticate(request('REGISTER', { ...r, authorization: [value] }), 'www'), challenge: c };
}

const OK_ALICE: AuthOutcome = { ok: true, identity: `alice@${DOMAIN}` };

/** The outcome with every nonce replaced, to compare shapes. */
function shape(o: AuthOutcome): unknown {
  if (o.ok) return o;
  return { ...o, headers: o.headers.map(([n, v]) => [n, v.replace(/nonce="[^"]*"/, 'nonce="…"')]) };
}

describe('DigestAuthenticator', () => {
  before(async () => {
    await users.addDomain(DOMAIN);
    await users.addDomain(DOMAIN2, { realm: REALM2 });
    await users.addUser(`alice@${DOMAIN}`, 'alice-pw');
    await users.addUser(`bob@${DOMAIN}`, 'bob-pw');
    await users.addUser(`carol@${DOMAIN2}`, 'carol-pw');
  });

  after(async () => {
    for (const aor of [`alice@${DOMAIN}`, `bob@${DOMAIN}`, `carol@${DOMAIN2}`]) await users.removeUser(aor);
    for (const d of [DOMAIN, DOMAIN2]) await users.removeDomain(d);
    for (const n of nonces) await redis.del(redisKeys.nonceCount(n));
    const [, left] = await redis.scan('0', 'MATCH', `simple:*${TOKEN}*`, 'COUNT', 10_000);
    assert.deepEqual(left, [], 'no key of this test left behind');
    await redis.quit();
    await redis2.quit();
  });

  describe('challenges', () => {
    it('challenge - no credentials: 401 with one WWW-Authenticate per algorithm, SHA-256 first, same nonce, qop="auth"', async () => {
      const o = await authenticator().authenticate(request('REGISTER'), 'www');
      assert.ok(!o.ok);
      assert.equal(o.status, 401);
      assert.equal(o.reason, undefined);
      assert.equal(o.headers.length, 2);
      const [sha, md5] = o.headers;
      assert.match(sha?.[1] ?? '', new RegExp(`^Digest realm="${DOMAIN.replace(/\./g, '\\.')}", nonce="[A-Za-z0-9_-]{44}", algorithm=SHA-256, qop="auth"$`));
      assert.match(md5?.[1] ?? '', /, algorithm=MD5, qop="auth"$/);
      const [c1, c2] = challenges(o);
      assert.equal(c1?.nonce, c2?.nonce);
      assert.equal(c1?.params.has('stale'), false);
      assert.ok(!(sha?.[1] ?? '').includes('auth-int'));
    });

    it('challenge - proxy kind: 407 with Proxy-Authenticate', async () => {
      const o = await authenticator().authenticate(request('MESSAGE', { ruri: `sip:bob@${DOMAIN}` }), 'proxy');
      assert.ok(!o.ok);
      assert.equal(o.status, 407);
      assert.deepEqual(challenges(o, 'Proxy-Authenticate').map((c) => c.algorithm), ['SHA-256', 'MD5']);
    });

    it('challenge - the realm is the domain\'s realm; algorithms as configured, in order', async () => {
      const o = await authenticator({ algorithms: ['MD5', 'SHA-512-256'] }).authenticate(request('PUBLISH', { from: `sip:carol@${DOMAIN2}` }), 'proxy');
      const cs = challenges(o, 'Proxy-Authenticate');
      assert.deepEqual(cs.map((c) => [c.realm, c.algorithm]), [[REALM2, 'MD5'], [REALM2, 'SHA-512-256']]);
    });
  });

  describe('accepting', () => {
    it('SHA-256 - a response computed by hand is accepted: identity is the AOR', async () => {
      const { outcome } = await registerWith(authenticator(), { algorithm: 'SHA-256' });
      assert.deepEqual(outcome, OK_ALICE);
    });

    it('MD5 - a response computed by hand is accepted', async () => {
      const { outcome } = await registerWith(authenticator(), { algorithm: 'MD5' });
      assert.deepEqual(outcome, OK_ALICE);
    });

    it('SHA-512-256 - accepted when offered', async () => {
      const { outcome } = await registerWith(authenticator({ algorithms: ['SHA-512-256'] }), { algorithm: 'SHA-512-256' });
      assert.deepEqual(outcome, OK_ALICE);
    });

    it('proxy kind - credentials in Proxy-Authorization; an Authorization header does not count', async () => {
      const auth = authenticator();
      const req = { ruri: `sip:bob@${DOMAIN}` };
      const [c] = challenges(await auth.authenticate(request('SUBSCRIBE', req), 'proxy'), 'Proxy-Authenticate');
      assert.ok(c);
      const value = answer(c, { username: 'alice', password: 'alice-pw', method: 'SUBSCRIBE', uri: req.ruri });
      const wrongHeader = await auth.authenticate(request('SUBSCRIBE', { ...req, authorization: [value] }), 'proxy');
      assert.equal(wrongHeader.ok ? 0 : wrongHeader.status, 407);
      assert.deepEqual(await auth.authenticate(request('SUBSCRIBE', { ...req, proxyAuthorization: [value] }), 'proxy'), OK_ALICE);
    });

    it('realm - a domain whose realm is not its name', async () => {
      const auth = authenticator();
      const from = `sip:carol@${DOMAIN2}`;
      const [c] = challenges(await auth.authenticate(request('MESSAGE', { from, ruri: from }), 'proxy'), 'Proxy-Authenticate');
      assert.ok(c);
      const value = answer(c, { username: 'carol', password: 'carol-pw', method: 'MESSAGE', uri: from });
      assert.deepEqual(await auth.authenticate(request('MESSAGE', { from, ruri: from, proxyAuthorization: [value] }), 'proxy'), { ok: true, identity: `carol@${DOMAIN2}` });
    });

    it('HA1 never the password - the store holds no password, and HA1 alone authenticates', async () => {
      const stored = await redis.hgetall(redisKeys.user(`alice@${DOMAIN}`));
      assert.ok(!Object.values(stored).some((v) => v.includes('alice-pw')));
      const record = await users.getUser(`alice@${DOMAIN}`);
      assert.ok(record);
      // A directory that can only hand out what the store has: HA1 values.
      const ha1Only = { realmOf: (d: string) => users.realmOf(d), getUser: async (): Promise<UserRecord> => ({ ...record }) };
      assert.ok(!JSON.stringify(record).includes('alice-pw'));
      const { outcome } = await registerWith(authenticator({ users: ha1Only }));
      assert.deepEqual(outcome, OK_ALICE);
    });
  });

  describe('refusing', () => {
    it('wrong password - 401 with a fresh challenge, not stale', async () => {
      const { outcome, challenge } = await registerWith(authenticator(), { password: 'wrong' });
      assert.ok(!outcome.ok);
      assert.equal(outcome.status, 401);
      const cs = challenges(outcome);
      assert.equal(cs.length, 2);
      assert.notEqual(cs[0]?.nonce, challenge.nonce);
      assert.equal(cs[0]?.params.has('stale'), false);
    });

    it('unknown user - the same 401 as a wrong password', async () => {
      const auth = authenticator();
      const wrong = await registerWith(auth, { password: 'wrong' });
      const unknown = await registerWith(auth, { username: 'mallory', password: 'x' }, { from: `sip:mallory@${DOMAIN}` });
      const invalid = await registerWith(auth, { username: 'mal lory', password: 'x' }, { from: `sip:mallory@${DOMAIN}` });
      assert.deepEqual(shape(unknown.outcome), shape(wrong.outcome));
      assert.deepEqual(shape(invalid.outcome), shape(wrong.outcome));
    });

    it('stale nonce - a right digest on an expired nonce: 401 stale=true with a new nonce', async () => {
      const clock = new TestClock();
      const auth = authenticator({ clock, nonceTtlSeconds: 30 });
      const [c] = challenges(await auth.authenticate(request('REGISTER'), 'www'));
      assert.ok(c);
      clock.t += 30_000;
      const late = await auth.authenticate(request('REGISTER', { authorization: [answer(c, { username: 'alice', password: 'alice-pw', method: 'REGISTER', uri: `sip:${DOMAIN}` })] }), 'www');
      const cs = challenges(late);
      assert.equal(late.ok ? 0 : late.status, 401);
      assert.deepEqual(cs.map((x) => x.params.get('stale')), ['true', 'true']);
      assert.notEqual(cs[0]?.nonce, c.nonce);
      // With the new nonce, the same credentials pass.
      const again = answer(cs[0] as Challenge, { username: 'alice', password: 'alice-pw', method: 'REGISTER', uri: `sip:${DOMAIN}` });
      assert.deepEqual(await auth.authenticate(request('REGISTER', { authorization: [again] }), 'www'), OK_ALICE);
    });

    it('stale nonce - with a wrong password the expired nonce is not reported stale', async () => {
      const clock = new TestClock();
      const auth = authenticator({ clock, nonceTtlSeconds: 30 });
      const [c] = challenges(await auth.authenticate(request('REGISTER'), 'www'));
      assert.ok(c);
      clock.t += 31_000;
      const o = await auth.authenticate(request('REGISTER', { authorization: [answer(c, { username: 'alice', password: 'nope', method: 'REGISTER', uri: `sip:${DOMAIN}` })] }), 'www');
      assert.deepEqual(challenges(o).map((x) => x.params.has('stale')), [false, false]);
    });

    it('nc replay - the same nc again is refused (challenged anew, stale=true)', async () => {
      const auth = authenticator();
      const [c] = challenges(await auth.authenticate(request('REGISTER'), 'www'));
      assert.ok(c);
      const value = answer(c, { username: 'alice', password: 'alice-pw', method: 'REGISTER', uri: `sip:${DOMAIN}`, nc: 1 });
      assert.deepEqual(await auth.authenticate(request('REGISTER', { authorization: [value] }), 'www'), OK_ALICE);
      const replay = await auth.authenticate(request('REGISTER', { authorization: [value] }), 'www');
      assert.equal(replay.ok ? 0 : replay.status, 401);
      assert.deepEqual(challenges(replay).map((x) => x.params.get('stale')), ['true', 'true']);
    });

    it('nc increasing - accepted each time; a lower one afterwards is refused', async () => {
      const auth = authenticator();
      const [c] = challenges(await auth.authenticate(request('REGISTER'), 'www'));
      assert.ok(c);
      const at = (nc: number): SipRequest => request('REGISTER', { authorization: [answer(c, { username: 'alice', password: 'alice-pw', method: 'REGISTER', uri: `sip:${DOMAIN}`, nc, cnonce: `c${nc}` })] });
      for (const nc of [1, 2, 3, 17]) assert.deepEqual(await auth.authenticate(at(nc), 'www'), OK_ALICE, `nc ${nc}`);
      const lower = await auth.authenticate(at(16), 'www');
      assert.equal(lower.ok, false);
      const ttl = await redis.pttl(redisKeys.nonceCount(c.nonce));
      assert.ok(ttl > 300_000 && ttl <= 360_000, `nc record lives as long as the nonce (+ skew): ${ttl}`);
    });

    it('wrong user - alice\'s valid credentials on a request From bob: 403', async () => {
      const { outcome } = await registerWith(authenticator(), {}, { from: `sip:bob@${DOMAIN}` });
      assert.deepEqual(outcome, { ok: false, status: 403, reason: 'Credentials are not those of the To user', headers: [] });
      const auth = authenticator();
      const req = { from: `sip:bob@${DOMAIN}`, ruri: `sip:carol@${DOMAIN}` };
      const [c] = challenges(await auth.authenticate(request('MESSAGE', req), 'proxy'), 'Proxy-Authenticate');
      assert.ok(c);
      const value = answer(c, { username: 'alice', password: 'alice-pw', method: 'MESSAGE', uri: req.ruri });
      const o = await auth.authenticate(request('MESSAGE', { ...req, proxyAuthorization: [value] }), 'proxy');
      assert.deepEqual(o, { ok: false, status: 403, reason: 'Credentials are not those of the From user', headers: [] });
    });

    it('REGISTER - the user is the To user: a third party\'s From does not matter', async () => {
      const { outcome } = await registerWith(authenticator(), {}, { from: `sip:bob@${DOMAIN}`, to: `sip:alice@${DOMAIN}` });
      assert.deepEqual(outcome, OK_ALICE);
    });

    it('foreign domain - 403 without a challenge', async () => {
      const o = await authenticator().authenticate(request('MESSAGE', { from: `sip:alice@elsewhere.${TOKEN}.test` }), 'proxy');
      assert.deepEqual(o, { ok: false, status: 403, reason: `Domain elsewhere.${TOKEN}.test is not served here`, headers: [] });
      const tel = await authenticator().authenticate(request('MESSAGE', { from: 'tel:+15551234567' }), 'proxy');
      assert.deepEqual(tel, { ok: false, status: 403, reason: 'From is not a SIP URI', headers: [] });
    });

    it('algorithm not offered - MD5 credentials to a SHA-256-only edge are challenged again', async () => {
      const md5Edge = authenticator();
      const sha256Only = authenticator({ algorithms: ['SHA-256'] });
      const [, md5] = challenges(await md5Edge.authenticate(request('REGISTER'), 'www'));
      assert.ok(md5);
      const value = answer(md5, { username: 'alice', password: 'alice-pw', method: 'REGISTER', uri: `sip:${DOMAIN}` });
      const o = await sha256Only.authenticate(request('REGISTER', { authorization: [value] }), 'www');
      assert.deepEqual(challenges(o).map((c) => c.algorithm), ['SHA-256']);
    });

    it('forged nonce - a nonce signed with another secret: a plain challenge', async () => {
      const { outcome: other } = await registerWith(authenticator({ secret: 'a-different-secret-value' }));
      assert.deepEqual(other, OK_ALICE);
      const [c] = challenges(await authenticator({ secret: 'a-different-secret-value' }).authenticate(request('REGISTER'), 'www'));
      assert.ok(c);
      const value = answer(c, { username: 'alice', password: 'alice-pw', method: 'REGISTER', uri: `sip:${DOMAIN}` });
      const o = await authenticator().authenticate(request('REGISTER', { authorization: [value] }), 'www');
      assert.deepEqual(challenges(o).map((x) => x.params.has('stale')), [false, false]);
    });
  });

  describe('replicas', () => {
    it('two authenticators, two Redis clients, one secret - each accepts the other\'s nonces and sees its nc records', async () => {
      const a = authenticator({ redis });
      const b = authenticator({ redis: redis2 });
      const [c] = challenges(await a.authenticate(request('REGISTER'), 'www'));
      assert.ok(c);
      const at = (nc: number): SipRequest => request('REGISTER', { authorization: [answer(c, { username: 'alice', password: 'alice-pw', method: 'REGISTER', uri: `sip:${DOMAIN}`, nc })] });
      assert.deepEqual(await b.authenticate(at(1), 'www'), OK_ALICE);
      assert.equal((await a.authenticate(at(1), 'www')).ok, false, 'replay on the other replica');
      assert.deepEqual(await a.authenticate(at(2), 'www'), OK_ALICE);
    });
  });

  describe('leniency and form', () => {
    it('digest-uri - the Request-URI, or any well-formed sip: URI (SIPp sends sip:<server ip>:<port>)', async () => {
      const ruri = `sip:${DOMAIN}`;
      assert.deepEqual((await registerWith(authenticator(), { uri: ruri }, { ruri })).outcome, OK_ALICE);
      assert.deepEqual((await registerWith(authenticator(), { uri: 'sip:127.0.0.1:5060' }, { ruri })).outcome, OK_ALICE);
      assert.deepEqual((await registerWith(authenticator(), { uri: `sips:${DOMAIN};transport=tls` }, { ruri })).outcome, OK_ALICE);
      const tel = await registerWith(authenticator(), { uri: 'tel:+15551234567' }, { ruri });
      assert.deepEqual(tel.outcome, { ok: false, status: 400, reason: 'Bad Authorization: uri does not match the Request-URI', headers: [] });
      const junk = await registerWith(authenticator(), { uri: '/dir/index.html' }, { ruri });
      assert.equal(junk.outcome.ok ? 0 : junk.outcome.status, 400);
      assert.match(junk.outcome.ok ? '' : (junk.outcome.reason ?? ''), /^Bad Authorization: bad uri/);
    });

    it('malformed Authorization - 400 naming the defect', async () => {
      const auth = authenticator();
      const cases: Array<[string, string]> = [
        [`Digest username="alice", realm="${DOMAIN}", nonce="abc`, 'Bad Authorization: unterminated quoted value'],
        [`Digest username="alice", realm="${DOMAIN}", uri="sip:${DOMAIN}", response="${'0'.repeat(32)}"`, 'Bad Authorization: missing nonce'],
        [`Digest username="alice", nonce="n", uri="sip:${DOMAIN}", response="${'0'.repeat(32)}"`, 'Bad Authorization: missing realm'],
        [`Digest username="alice", realm="${DOMAIN}", nonce="n", uri="sip:${DOMAIN}", response="${'0'.repeat(32)}", qop=auth, nc=1, cnonce="x"`, 'Bad Authorization: nc is not 8 hex digits'],
        [`Digest username="alice", username="bob", realm="${DOMAIN}"`, 'Bad Authorization: duplicate parameter username'],
      ];
      for (const [value, reason] of cases) {
        assert.deepEqual(await auth.authenticate(request('REGISTER', { authorization: [value] }), 'www'), { ok: false, status: 400, reason, headers: [] }, value);
      }
    });

    it('unknown scheme - ignored, answered with a challenge (RFC 4475 §3.3.7 regaut01); Basic and token68 too', async () => {
      const auth = authenticator();
      for (const value of ['NoOneKnowsThisScheme opaque-data=here', 'Basic YWxpY2U6YWxpY2UtcHc=', 'Bearer abc.def==']) {
        const o = await auth.authenticate(request('REGISTER', { authorization: [value] }), 'www');
        assert.equal(o.ok ? 0 : o.status, 401, value);
        assert.equal(challenges(o).length, 2);
      }
    });

    it('other realms and placeholders - not ours to consume: a challenge', async () => {
      const auth = authenticator();
      const other = `Digest username="alice", realm="elsewhere", nonce="n", uri="sip:${DOMAIN}", response="${'0'.repeat(32)}"`;
      const placeholder = `Digest username="alice", realm="${DOMAIN}", nonce="", uri="sip:${DOMAIN}", response=""`;
      for (const value of [other, placeholder]) {
        const o = await auth.authenticate(request('REGISTER', { authorization: [value] }), 'www');
        assert.equal(o.ok ? 0 : o.status, 401, value);
      }
    });

    it('several credentials - the one for our realm is used, whatever its position', async () => {
      const auth = authenticator();
      const [c] = challenges(await auth.authenticate(request('REGISTER'), 'www'));
      assert.ok(c);
      const ours = answer(c, { username: 'alice', password: 'alice-pw', method: 'REGISTER', uri: `sip:${DOMAIN}` });
      const theirs = `Digest username="alice", realm="proxy.elsewhere", nonce="n", uri="sip:${DOMAIN}", response="${'0'.repeat(32)}"`;
      assert.deepEqual(await auth.authenticate(request('REGISTER', { authorization: ['Basic Zm9vOmJhcg==', theirs, ours] }), 'www'), OK_ALICE);
    });

    it('RFC 2069 form - MD5 without qop is accepted once per nonce', async () => {
      const auth = authenticator();
      const { outcome, challenge } = await registerWith(auth, { algorithm: 'MD5', qop: false });
      assert.deepEqual(outcome, OK_ALICE);
      const again = answer(challenge, { username: 'alice', password: 'alice-pw', method: 'REGISTER', uri: `sip:${DOMAIN}`, qop: false });
      assert.equal((await auth.authenticate(request('REGISTER', { authorization: [again] }), 'www')).ok, false);
    });
  });

  describe('observer', () => {
    it('observer - told of every refusal with its cause; the client cannot tell unknown user from wrong password', async () => {
      const seen: AuthFailure[] = [];
      const auth = authenticator({ observer: { rejected: (f) => seen.push({ ...f }) } });
      await registerWith(auth, { password: 'wrong' });
      await registerWith(auth, { username: 'mallory' }, { from: `sip:mallory@${DOMAIN}` });
      const { challenge } = await registerWith(auth);
      const value = answer(challenge, { username: 'alice', password: 'alice-pw', method: 'REGISTER', uri: `sip:${DOMAIN}` });
      await auth.authenticate(request('REGISTER', { authorization: [value] }), 'www');
      await auth.authenticate(request('REGISTER', { authorization: ['Digest realm'] }), 'www');
      await auth.authenticate(request('MESSAGE', { from: 'sip:x@nowhere.invalid' }), 'proxy');
      assert.deepEqual(
        seen.map((f) => [f.cause, f.username]),
        [
          ['no-credentials', undefined],
          ['wrong-password', 'alice'],
          ['no-credentials', undefined],
          ['unknown-user', 'mallory'],
          ['no-credentials', undefined],
          ['replay', 'alice'],
          ['malformed', undefined],
          ['foreign-domain', undefined],
        ],
      );
      assert.deepEqual(seen[1], { cause: 'wrong-password', kind: 'www', method: 'REGISTER', realm: DOMAIN, username: 'alice' });
    });
  });

  describe('configuration', () => {
    it('constructor - refuses a short secret, a bad lifetime, repeated or unknown algorithms', () => {
      assert.throws(() => authenticator({ secret: 'short' }), RangeError);
      assert.throws(() => authenticator({ nonceTtlSeconds: 0 }), RangeError);
      assert.throws(() => authenticator({ nonceTtlSeconds: 1.5 }), RangeError);
      assert.throws(() => authenticator({ algorithms: [] }), RangeError);
      assert.throws(() => authenticator({ algorithms: ['MD5', 'MD5'] }), RangeError);
      assert.throws(() => authenticator({ algorithms: ['MD5-sess' as 'MD5'] }), RangeError);
    });

    it('ACK and CANCEL - never challenged: calling for them is a programming error', async () => {
      await assert.rejects(authenticator().authenticate(request('ACK'), 'proxy' as AuthKind), RangeError);
      await assert.rejects(authenticator().authenticate(request('CANCEL'), 'proxy'), RangeError);
    });
  });
});
