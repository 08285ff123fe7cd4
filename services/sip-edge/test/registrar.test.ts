import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { redisKeys, type EnvelopeFlow } from '@simple/contracts';
import { parseMessage, type SipRequest } from '@simple/sip-message';
import { Redis } from 'ioredis';
import { Registrar, type RegistrarOptions, type RegistrarResult } from '../src/registrar/index.js';

// Every key of this run lives under its own prefix (ioredis applies it to
// EVALSHA keys too), and is deleted at the end.
const PREFIX = `test:registrar:${process.pid}:${randomBytes(4).toString('hex')}:`;
const clients: Redis[] = [];
function client(): Redis {
  const r = new Redis({ host: '127.0.0.1', port: 6379, keyPrefix: PREFIX, maxRetriesPerRequest: 2 });
  clients.push(r);
  return r;
}

class TestClock {
  t = Date.now();
  now(): number {
    return this.t;
  }
  advance(seconds: number): void {
    this.t += seconds * 1000;
  }
}

const TCP_FLOW: EnvelopeFlow = { edgeId: 'edge-a', flowId: 'tcp-1', transport: 'TCP', remoteAddress: '192.0.2.2', remotePort: 40001 };
const UDP_FLOW: EnvelopeFlow = { edgeId: 'edge-a', flowId: 'udp-1', transport: 'UDP', remoteAddress: '192.0.2.2', remotePort: 5060 };

let userSeq = 0;
/** A fresh user of example.com for each test. */
function user(): string {
  return `u${++userSeq}-${randomBytes(3).toString('hex')}`;
}

interface RegisterSpec {
  readonly user: string;
  readonly callId?: string;
  readonly cseq?: number;
  readonly contacts?: readonly string[];
  readonly expires?: number | string;
  readonly ruri?: string;
  readonly to?: string;
  readonly vias?: number;
  readonly extra?: readonly string[];
}

/** A REGISTER parsed from its text, as the edge would hand it over. */
function registerRequest(s: RegisterSpec): SipRequest {
  const vias = Array.from({ length: s.vias ?? 1 }, (_, i) => `Via: SIP/2.0/TCP 192.0.2.${2 + i}:5060;branch=z9hG4bK${randomBytes(4).toString('hex')}`);
  const lines = [
    `REGISTER ${s.ruri ?? 'sip:example.com'} SIP/2.0`,
    ...vias.reverse(),
    'Max-Forwards: 70',
    `From: <sip:${s.user}@example.com>;tag=f${randomBytes(3).toString('hex')}`,
    `To: ${s.to ?? `<sip:${s.user}@example.com>`}`,
    `Call-ID: ${s.callId ?? `cid-${s.user}`}`,
    `CSeq: ${s.cseq ?? 1} REGISTER`,
    ...(s.contacts ?? []).map((c) => `Contact: ${c}`),
    ...(s.expires !== undefined ? [`Expires: ${s.expires}`] : []),
    ...(s.extra ?? []),
    'Content-Length: 0',
    '',
    '',
  ];
  const r = parseMessage(Buffer.from(lines.join('\r\n')));
  if (!r.ok) throw new Error(`test REGISTER does not parse: ${r.error.reason}`);
  if (r.value.kind !== 'request') throw new Error('not a request');
  return r.value;
}

function header(r: RegistrarResult, name: string): string[] {
  return r.headers.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
}

/** The expires= of the 200's Contact for a URI. */
function expiresOf(r: RegistrarResult, uri: string): number | undefined {
  const c = header(r, 'Contact').find((v) => v.startsWith(`<${uri}>`));
  const m = c === undefined ? null : /;expires=(\d+)$/.exec(c);
  return m === null ? undefined : Number(m[1]);
}

const LOCAL = new Set(['example.com']);
function registrar(over: Partial<RegistrarOptions> = {}, redis: Redis = shared): Registrar {
  return new Registrar({ redis, isLocalDomain: (d) => LOCAL.has(d), ...over });
}

let shared: Redis;
before(() => {
  shared = client();
});
after(async () => {
  const cleaner = new Redis({ host: '127.0.0.1', port: 6379 });
  const keys = await cleaner.keys(`${PREFIX}*`);
  if (keys.length > 0) await cleaner.del(...keys);
  await cleaner.quit();
  await Promise.all(clients.map((c) => c.quit()));
});

describe('registrar (RFC 3261 §10.3)', () => {
  it('add - a new contact is bound and listed with expires and Date', async () => {
    const clock = new TestClock();
    const reg = registrar({ clock });
    const u = user();
    const r = await reg.register(registerRequest({ user: u, contacts: ['<sip:alice@192.0.2.2:5070;transport=tcp>'] }), { flow: TCP_FLOW });
    assert.equal(r.status, 200);
    assert.equal(r.aor, `${u}@example.com`);
    assert.equal(r.changed, true);
    assert.deepEqual(header(r, 'Contact'), ['<sip:alice@192.0.2.2:5070;transport=tcp>;expires=3600']);
    assert.equal(header(r, 'Date')[0], new Date(clock.t).toUTCString());
    assert.equal(header(r, 'Require').length, 0);
    const bound = await reg.lookup(`${u}@example.com`);
    assert.equal(bound.length, 1);
    assert.equal(bound[0]?.contact, 'sip:alice@192.0.2.2:5070;transport=tcp');
    assert.equal(bound[0]?.expiresAt, clock.t + 3600_000);
    assert.deepEqual(bound[0]?.flow, TCP_FLOW);
    assert.equal(bound[0]?.outbound, false);
  });

  it('refresh - same Call-ID, higher CSeq updates the expiry and is not a change', async () => {
    const clock = new TestClock();
    const reg = registrar({ clock });
    const u = user();
    const contact = '<sip:alice@192.0.2.2>';
    await reg.register(registerRequest({ user: u, contacts: [contact], expires: 600 }), { flow: UDP_FLOW });
    clock.advance(300);
    const r = await reg.register(registerRequest({ user: u, cseq: 2, contacts: [contact], expires: 1200 }), { flow: UDP_FLOW });
    assert.equal(r.status, 200);
    assert.equal(r.changed, false);
    assert.equal(expiresOf(r, 'sip:alice@192.0.2.2'), 1200);
    const [b] = await reg.lookup(`${u}@example.com`);
    assert.equal(b?.cseq, 2);
    assert.equal(b?.expiresAt, clock.t + 1200_000);
  });

  it('refresh - a URI equal by RFC 3261 §19.1.4 (host case, other params) refreshes the same binding', async () => {
    const reg = registrar();
    const u = user();
    await reg.register(registerRequest({ user: u, contacts: ['<sip:alice@Host.Example.NET;transport=TCP>'] }), { flow: TCP_FLOW });
    const r = await reg.register(registerRequest({ user: u, cseq: 2, contacts: ['<sip:alice@host.example.net;transport=tcp;foo=bar>'] }), { flow: TCP_FLOW });
    assert.equal(r.status, 200);
    assert.equal(header(r, 'Contact').length, 1);
  });

  it('remove - expires=0 removes the binding; the 200 lists none', async () => {
    const reg = registrar();
    const u = user();
    await reg.register(registerRequest({ user: u, contacts: ['<sip:alice@192.0.2.2>'] }), { flow: UDP_FLOW });
    const r = await reg.register(registerRequest({ user: u, cseq: 2, contacts: ['<sip:alice@192.0.2.2>;expires=0'] }), { flow: UDP_FLOW });
    assert.equal(r.status, 200);
    assert.equal(r.changed, true);
    assert.deepEqual(header(r, 'Contact'), []);
    assert.deepEqual(await reg.lookup(`${u}@example.com`), []);
    assert.equal(await shared.exists(redisKeys.bindings(`${u}@example.com`)), 0);
    assert.equal(await shared.zscore(redisKeys.bindingExpiry(), `${u}@example.com`), null);
  });

  it('remove - Expires: 0 applies to a Contact without an expires parameter', async () => {
    const reg = registrar();
    const u = user();
    await reg.register(registerRequest({ user: u, contacts: ['<sip:alice@192.0.2.2>', '<sip:alice@192.0.2.9>'] }), { flow: UDP_FLOW });
    const r = await reg.register(registerRequest({ user: u, cseq: 2, contacts: ['<sip:alice@192.0.2.2>'], expires: 0 }), { flow: UDP_FLOW });
    assert.deepEqual(header(r, 'Contact').map((c) => c.replace(/;expires=\d+$/, '')), ['<sip:alice@192.0.2.9>']);
  });

  it('fetch - a REGISTER without Contact lists the bindings and changes nothing', async () => {
    const reg = registrar();
    const u = user();
    await reg.register(registerRequest({ user: u, contacts: ['<sip:alice@192.0.2.2>'] }), { flow: UDP_FLOW });
    const r = await reg.register(registerRequest({ user: u, callId: 'other', cseq: 1 }), { flow: UDP_FLOW });
    assert.equal(r.status, 200);
    assert.equal(r.changed, false);
    assert.equal(header(r, 'Contact').length, 1);
  });

  it('several contacts - q orders lookup and the 200, then the most recent first', async () => {
    const clock = new TestClock();
    const reg = registrar({ clock });
    const u = user();
    const r1 = await reg.register(
      registerRequest({ user: u, contacts: ['<sip:low@192.0.2.2>;q=0.1', '<sip:high@192.0.2.3>;q=0.9, <sip:none@192.0.2.4>'] }),
      { flow: UDP_FLOW },
    );
    assert.equal(r1.status, 200);
    clock.advance(1);
    await reg.register(registerRequest({ user: u, callId: 'second-device', contacts: ['<sip:mid@192.0.2.5>;q=0.5'] }), { flow: TCP_FLOW });
    clock.advance(1);
    await reg.register(registerRequest({ user: u, callId: 'third-device', contacts: ['<sip:high2@192.0.2.6>;q=0.9'] }), { flow: TCP_FLOW });
    const bound = await reg.lookup(`${u}@example.com`);
    assert.deepEqual(
      bound.map((b) => [b.contact, b.q]),
      [
        ['sip:none@192.0.2.4', 1],
        ['sip:high2@192.0.2.6', 0.9],
        ['sip:high@192.0.2.3', 0.9],
        ['sip:mid@192.0.2.5', 0.5],
        ['sip:low@192.0.2.2', 0.1],
      ],
    );
    const r = await reg.register(registerRequest({ user: u, callId: 'fetcher' }), { flow: UDP_FLOW });
    assert.deepEqual(header(r, 'Contact'), [
      '<sip:none@192.0.2.4>;expires=3598',
      '<sip:high2@192.0.2.6>;q=0.9;expires=3600',
      '<sip:high@192.0.2.3>;q=0.9;expires=3598',
      '<sip:mid@192.0.2.5>;q=0.5;expires=3599',
      '<sip:low@192.0.2.2>;q=0.1;expires=3598',
    ]);
  });

  it('Contact: * with Expires: 0 removes every binding, of every Call-ID', async () => {
    const reg = registrar();
    const u = user();
    await reg.register(registerRequest({ user: u, callId: 'a', contacts: ['<sip:a@192.0.2.2>'] }), { flow: UDP_FLOW });
    await reg.register(registerRequest({ user: u, callId: 'b', contacts: ['<sip:b@192.0.2.3>'] }), { flow: UDP_FLOW });
    const r = await reg.register(registerRequest({ user: u, callId: 'a', cseq: 2, contacts: ['*'], expires: 0 }), { flow: UDP_FLOW });
    assert.equal(r.status, 200);
    assert.equal(r.changed, true);
    assert.deepEqual(header(r, 'Contact'), []);
    assert.deepEqual(await reg.lookup(`${u}@example.com`), []);
  });

  it('Contact: * - 400 without Expires, with a non-zero Expires, or with another Contact', async () => {
    const reg = registrar();
    const u = user();
    await reg.register(registerRequest({ user: u, contacts: ['<sip:a@192.0.2.2>'] }), { flow: UDP_FLOW });
    for (const spec of [
      { contacts: ['*'] },
      { contacts: ['*'], expires: 3600 },
      { contacts: ['*', '<sip:a@192.0.2.2>'], expires: 0 },
      { contacts: ['*, <sip:a@192.0.2.2>'], expires: 0 },
    ]) {
      const r = await reg.register(registerRequest({ user: u, cseq: 5, ...spec }), { flow: UDP_FLOW });
      assert.equal(r.status, 400, JSON.stringify(spec));
    }
    assert.equal((await reg.lookup(`${u}@example.com`)).length, 1);
  });

  it('Contact: * - aborted with 500 when a binding of the same Call-ID has a CSeq as high', async () => {
    const reg = registrar();
    const u = user();
    await reg.register(registerRequest({ user: u, cseq: 7, contacts: ['<sip:a@192.0.2.2>'] }), { flow: UDP_FLOW });
    const r = await reg.register(registerRequest({ user: u, cseq: 7, contacts: ['*'], expires: 0 }), { flow: UDP_FLOW });
    assert.equal(r.status, 500);
    assert.equal((await reg.lookup(`${u}@example.com`)).length, 1);
  });

  it('expiry - 423 with Min-Expires below the minimum; 0 and the minimum itself are accepted', async () => {
    const reg = registrar({ minExpires: 60 });
    const u = user();
    const r = await reg.register(registerRequest({ user: u, contacts: ['<sip:a@192.0.2.2>;expires=30'] }), { flow: UDP_FLOW });
    assert.equal(r.status, 423);
    assert.equal(r.reason, 'Interval Too Brief');
    assert.deepEqual(header(r, 'Min-Expires'), ['60']);
    const viaHeader = await reg.register(registerRequest({ user: u, contacts: ['<sip:a@192.0.2.2>'], expires: 59 }), { flow: UDP_FLOW });
    assert.equal(viaHeader.status, 423);
    // One brief Contact refuses the whole REGISTER.
    const mixed = await reg.register(registerRequest({ user: u, contacts: ['<sip:a@192.0.2.2>;expires=3600', '<sip:b@192.0.2.2>;expires=1'] }), { flow: UDP_FLOW });
    assert.equal(mixed.status, 423);
    assert.deepEqual(await reg.lookup(`${u}@example.com`), []);
    const ok = await reg.register(registerRequest({ user: u, contacts: ['<sip:a@192.0.2.2>;expires=60'] }), { flow: UDP_FLOW });
    assert.equal(ok.status, 200);
    assert.equal(expiresOf(ok, 'sip:a@192.0.2.2'), 60);
  });

  it('expiry - the Contact parameter beats Expires, which beats the default; long ones are capped', async () => {
    const reg = registrar({ defaultExpires: 1800, maxExpires: 3600 });
    const u = user();
    const r = await reg.register(
      registerRequest({ user: u, contacts: ['<sip:param@192.0.2.2>;expires=120', '<sip:header@192.0.2.3>'], expires: 900 }),
      { flow: UDP_FLOW },
    );
    assert.equal(expiresOf(r, 'sip:param@192.0.2.2'), 120);
    assert.equal(expiresOf(r, 'sip:header@192.0.2.3'), 900);
    const d = await reg.register(registerRequest({ user: u, callId: 'd', contacts: ['<sip:default@192.0.2.4>'] }), { flow: UDP_FLOW });
    assert.equal(expiresOf(d, 'sip:default@192.0.2.4'), 1800);
    const long = await reg.register(registerRequest({ user: u, callId: 'l', contacts: ['<sip:long@192.0.2.5>;expires=86400'] }), { flow: UDP_FLOW });
    assert.equal(long.status, 200);
    assert.equal(expiresOf(long, 'sip:long@192.0.2.5'), 3600);
    const huge = await reg.register(registerRequest({ user: u, callId: 'h', contacts: ['<sip:huge@192.0.2.6>;expires=99999999999'] }), { flow: UDP_FLOW });
    assert.equal(expiresOf(huge, 'sip:huge@192.0.2.6'), 3600);
  });

  it('expiry - a malformed expires parameter counts as 3600 (RFC 3261 §10.2)', async () => {
    const reg = registrar({ maxExpires: 7200 });
    const u = user();
    const r = await reg.register(registerRequest({ user: u, contacts: ['<sip:a@192.0.2.2>;expires=soon'], expires: 100 }), { flow: UDP_FLOW });
    assert.equal(r.status, 200);
    assert.equal(expiresOf(r, 'sip:a@192.0.2.2'), 3600);
  });

  it('expiry - bindings past their expiry vanish from lookup and from the next 200', async () => {
    const clock = new TestClock();
    const reg = registrar({ clock });
    const u = user();
    await reg.register(registerRequest({ user: u, callId: 'short', contacts: ['<sip:short@192.0.2.2>;expires=60'] }), { flow: UDP_FLOW });
    await reg.register(registerRequest({ user: u, callId: 'long', contacts: ['<sip:long@192.0.2.3>;expires=600'] }), { flow: UDP_FLOW });
    clock.advance(59);
    assert.equal((await reg.lookup(`${u}@example.com`)).length, 2);
    clock.advance(1);
    assert.deepEqual((await reg.lookup(`${u}@example.com`)).map((b) => b.contact), ['sip:long@192.0.2.3']);
    const r = await reg.register(registerRequest({ user: u, callId: 'long', cseq: 2 }), { flow: UDP_FLOW });
    assert.deepEqual(header(r, 'Contact'), ['<sip:long@192.0.2.3>;expires=540']);
    assert.equal(r.changed, true, 'the lapsed binding was removed on the way');
    // A lapsed binding no longer holds its Call-ID/CSeq: an older CSeq may bind again.
    clock.advance(600);
    const again = await reg.register(registerRequest({ user: u, callId: 'long', cseq: 1, contacts: ['<sip:long@192.0.2.3>'] }), { flow: UDP_FLOW });
    assert.equal(again.status, 200);
  });

  it('Call-ID/CSeq - same Call-ID with a CSeq not higher is refused with 500 and changes nothing', async () => {
    const reg = registrar();
    const u = user();
    await reg.register(registerRequest({ user: u, cseq: 10, contacts: ['<sip:a@192.0.2.2>'], expires: 600 }), { flow: UDP_FLOW });
    for (const cseq of [9, 10]) {
      const r = await reg.register(registerRequest({ user: u, cseq, contacts: ['<sip:a@192.0.2.2>;expires=0', '<sip:new@192.0.2.7>'] }), { flow: UDP_FLOW });
      assert.equal(r.status, 500, `CSeq ${cseq}`);
      assert.match(r.reason ?? '', /out-of-order/);
      assert.equal(r.changed, false);
    }
    const bound = await reg.lookup(`${u}@example.com`);
    assert.deepEqual(bound.map((b) => [b.contact, b.cseq]), [['sip:a@192.0.2.2', 10]]);
  });

  it('Call-ID/CSeq - a different Call-ID replaces the binding whatever its CSeq', async () => {
    const reg = registrar();
    const u = user();
    await reg.register(registerRequest({ user: u, callId: 'boot-1', cseq: 50, contacts: ['<sip:a@192.0.2.2>'] }), { flow: UDP_FLOW });
    const r = await reg.register(registerRequest({ user: u, callId: 'boot-2', cseq: 1, contacts: ['<sip:a@192.0.2.2>'], expires: 300 }), { flow: TCP_FLOW });
    assert.equal(r.status, 200);
    assert.equal(r.changed, true, 'the binding moved to another flow');
    const [b] = await reg.lookup(`${u}@example.com`);
    assert.equal(b?.callId, 'boot-2');
    assert.equal(b?.cseq, 1);
    assert.deepEqual(b?.flow, TCP_FLOW);
  });

  it('authorization - an identity other than the To AOR gets 403; the matching one and a trusted peer pass', async () => {
    const reg = registrar();
    const u = user();
    const req = (): SipRequest => registerRequest({ user: u, contacts: ['<sip:a@192.0.2.2>'] });
    const denied = await reg.register(req(), { flow: UDP_FLOW, identity: 'mallory@example.com' });
    assert.equal(denied.status, 403);
    assert.deepEqual(await reg.lookup(`${u}@example.com`), []);
    assert.equal((await reg.register(req(), { flow: UDP_FLOW, identity: `${u}@EXAMPLE.com` })).status, 200);
    const u2 = user();
    assert.equal((await reg.register(registerRequest({ user: u2, contacts: ['<sip:a@192.0.2.2>'] }), { flow: UDP_FLOW })).status, 200);
  });

  it('AOR - escaped characters and URI parameters are canonicalized away (step 5)', async () => {
    const reg = registrar();
    const u = user();
    const r = await reg.register(registerRequest({ user: u, to: `<sip:${u}%2Dx@EXAMPLE.COM;user=phone>`, contacts: ['<sip:a@192.0.2.2>'] }), {
      flow: UDP_FLOW,
      identity: `${u}-x@example.com`,
    });
    assert.equal(r.status, 200);
    assert.equal(r.aor, `${u}-x@example.com`);
    assert.equal((await reg.lookup(`${u}-x@example.com`)).length, 1);
  });

  it('To - a non-SIP URI gets 400 (RFC 4475 §3.3.4 unksm2)', async () => {
    const reg = registrar();
    const text = [
      'REGISTER sip:example.com SIP/2.0',
      'To: isbn:2983792873',
      'From: <http://www.example.com>;tag=3234233',
      'Call-ID: unksm2.daksdj@hyphenated-host.example.com',
      'CSeq: 234902 REGISTER',
      'Max-Forwards: 70',
      'Via: SIP/2.0/UDP 192.0.2.21:5060;branch=z9hG4bKkdjuw',
      'Contact: <name:John_Smith>',
      'l: 0',
      '',
      '',
    ].join('\r\n');
    const parsed = parseMessage(Buffer.from(text));
    assert.ok(parsed.ok && parsed.value.kind === 'request');
    const r = await reg.register(parsed.value, { flow: UDP_FLOW });
    assert.equal(r.status, 400);
  });

  it('domains - 404 for a Request-URI or To domain not served here', async () => {
    const reg = registrar();
    const u = user();
    const foreignRuri = await reg.register(registerRequest({ user: u, ruri: 'sip:example.org', contacts: ['<sip:a@192.0.2.2>'] }), { flow: UDP_FLOW });
    assert.equal(foreignRuri.status, 404);
    const foreignTo = await reg.register(registerRequest({ user: u, to: `<sip:${u}@example.org>`, contacts: ['<sip:a@192.0.2.2>'] }), { flow: UDP_FLOW });
    assert.equal(foreignTo.status, 404);
  });

  it('domains - isLocalDomain may answer asynchronously', async () => {
    const reg = registrar({ isLocalDomain: async (d) => Promise.resolve(d === 'example.com') });
    const r = await reg.register(registerRequest({ user: user(), contacts: ['<sip:a@192.0.2.2>'] }), { flow: UDP_FLOW });
    assert.equal(r.status, 200);
  });

  it('store failure - a REGISTER the database cannot commit gets 500 with the error', async () => {
    const down = new Redis({ host: '127.0.0.1', port: 1, lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => null });
    try {
      const r = await registrar({}, down).register(registerRequest({ user: user(), contacts: ['<sip:a@192.0.2.2>'] }), { flow: UDP_FLOW });
      assert.equal(r.status, 500);
      assert.equal(r.changed, false);
      assert.ok(r.error instanceof Error);
    } finally {
      down.disconnect();
    }
  });

  it('config - inconsistent bounds are refused at construction', () => {
    assert.throws(() => registrar({ minExpires: 600, maxExpires: 60 }), RangeError);
    assert.throws(() => registrar({ minExpires: 0 }), RangeError);
  });
});

describe('registrar - Path (RFC 3327 §5.3)', () => {
  const PATH = '<sip:p3.example.com;lr>, <sip:p1.example.net;lr>';

  it('Path - stored with the binding in order and echoed in the 200', async () => {
    const reg = registrar();
    const u = user();
    const r = await reg.register(
      registerRequest({ user: u, vias: 3, contacts: ['<sip:ua1@192.0.2.4>'], extra: ['Supported: path', `Path: ${PATH}`] }),
      { flow: UDP_FLOW },
    );
    assert.equal(r.status, 200);
    assert.deepEqual(header(r, 'Path'), [PATH]);
    const [b] = await reg.lookup(`${u}@example.com`);
    assert.deepEqual(b?.path, ['<sip:p3.example.com;lr>', '<sip:p1.example.net;lr>']);
  });

  it('Path - several Path header fields keep their order', async () => {
    const reg = registrar();
    const u = user();
    const r = await reg.register(
      registerRequest({ user: u, vias: 3, contacts: ['<sip:ua1@192.0.2.4>'], extra: ['Supported: path', 'Path: <sip:p3.example.com;lr>', 'Path: <sip:p1.example.net;lr>'] }),
      { flow: UDP_FLOW },
    );
    assert.deepEqual(header(r, 'Path'), [PATH]);
  });

  it('Path - without Supported: path the REGISTER gets 420 with Unsupported: path, unless configured', async () => {
    const u = user();
    const req = (): SipRequest => registerRequest({ user: u, vias: 2, contacts: ['<sip:ua1@192.0.2.4>'], extra: [`Path: ${PATH}`] });
    const r = await registrar().register(req(), { flow: UDP_FLOW });
    assert.equal(r.status, 420);
    assert.deepEqual(header(r, 'Unsupported'), ['path']);
    const lenient = await registrar({ acceptPathWithoutSupport: true }).register(req(), { flow: UDP_FLOW });
    assert.equal(lenient.status, 200);
    assert.deepEqual(header(lenient, 'Path'), [PATH]);
  });
});

describe('registrar - Outbound (RFC 5626 §6)', () => {
  const INSTANCE = '"<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>"';
  const obContact = (host: string, regId = 1): string => `<sip:bob@${host};transport=tcp>;reg-id=${regId};+sip.instance=${INSTANCE}`;

  it('outbound - a direct REGISTER with instance and reg-id binds by instance/reg-id, stores the flow, answers Require and Flow-Timer', async () => {
    const reg = registrar({ flowTimer: 120 });
    const u = user();
    const r = await reg.register(registerRequest({ user: u, contacts: [obContact('192.0.2.2')], extra: ['Supported: path, outbound'] }), { flow: TCP_FLOW });
    assert.equal(r.status, 200);
    assert.deepEqual(header(r, 'Require'), ['outbound']);
    assert.deepEqual(header(r, 'Flow-Timer'), ['120']);
    assert.deepEqual(header(r, 'Contact'), [`<sip:bob@192.0.2.2;transport=tcp>;reg-id=1;+sip.instance=${INSTANCE};expires=3600`]);
    const [b] = await reg.lookup(`${u}@example.com`);
    assert.equal(b?.outbound, true);
    assert.equal(b?.instanceId, 'urn:uuid:00000000-0000-1000-8000-aabbccddeeff');
    assert.equal(b?.regId, 1);
    assert.equal(b?.key, '<urn:uuid:00000000-0000-1000-8000-aabbccddeeff>;reg-id=1');
    assert.deepEqual(b?.flow, TCP_FLOW);
  });

  it('outbound - re-registering the same instance/reg-id over a new flow replaces the binding', async () => {
    const reg = registrar();
    const u = user();
    await reg.register(registerRequest({ user: u, contacts: [obContact('192.0.2.2')], extra: ['Supported: path, outbound'] }), { flow: TCP_FLOW });
    const newFlow: EnvelopeFlow = { ...TCP_FLOW, flowId: 'tcp-2', remotePort: 40002 };
    // Flow recovery (RFC 5626 §4.5, §9.4): same Call-ID, next CSeq, new flow; here the NAT gave a new address too.
    const r = await reg.register(registerRequest({ user: u, cseq: 2, contacts: [obContact('198.51.100.7')], extra: ['Supported: path, outbound'] }), {
      flow: newFlow,
    });
    assert.equal(r.status, 200);
    assert.equal(r.changed, true);
    const bound = await reg.lookup(`${u}@example.com`);
    assert.equal(bound.length, 1);
    assert.equal(bound[0]?.contact, 'sip:bob@198.51.100.7;transport=tcp');
    assert.deepEqual(bound[0]?.flow, newFlow);
    // After a reboot the UA uses a new Call-ID and restarts its CSeq: it still replaces.
    const rebooted = await reg.register(
      registerRequest({ user: u, callId: 'after-reboot', cseq: 1, contacts: [obContact('198.51.100.8')], extra: ['Supported: path, outbound'] }),
      { flow: TCP_FLOW },
    );
    assert.equal(rebooted.status, 200);
    assert.deepEqual((await reg.lookup(`${u}@example.com`)).map((b) => b.contact), ['sip:bob@198.51.100.8;transport=tcp']);
  });

  it('outbound - two reg-ids of one instance are two bindings (RFC 5626 §9.2)', async () => {
    const reg = registrar();
    const u = user();
    await reg.register(registerRequest({ user: u, callId: 'ep1', contacts: [obContact('192.0.2.2', 1)], extra: ['Supported: path, outbound'] }), { flow: TCP_FLOW });
    const r = await reg.register(registerRequest({ user: u, callId: 'ep2', contacts: [obContact('192.0.2.2', 2)], extra: ['Supported: path, outbound'] }), {
      flow: { ...TCP_FLOW, flowId: 'tcp-9' },
    });
    assert.equal(header(r, 'Contact').length, 2);
    assert.deepEqual((await reg.lookup(`${u}@example.com`)).map((b) => b.regId).sort(), [1, 2]);
  });

  it('outbound - over UDP: Require outbound, no Flow-Timer (STUN keep-alive defaults apply)', async () => {
    const reg = registrar();
    const r = await reg.register(registerRequest({ user: user(), contacts: [obContact('192.0.2.2')], extra: ['Supported: outbound'] }), { flow: UDP_FLOW });
    assert.deepEqual(header(r, 'Require'), ['outbound']);
    assert.deepEqual(header(r, 'Flow-Timer'), []);
  });

  it('outbound - through a proxy whose Path has "ob": outbound applies, no Flow-Timer (no direct flow)', async () => {
    const reg = registrar();
    const u = user();
    const path = '<sip:VskztcQ@ep1.example.com;lr;ob>';
    const r = await reg.register(
      registerRequest({ user: u, vias: 2, contacts: [obContact('192.0.2.2')], extra: ['Supported: path, outbound', `Path: ${path}`] }),
      { flow: TCP_FLOW },
    );
    assert.equal(r.status, 200);
    assert.deepEqual(header(r, 'Require'), ['outbound']);
    assert.deepEqual(header(r, 'Path'), [path]);
    assert.deepEqual(header(r, 'Flow-Timer'), []);
    assert.equal((await reg.lookup(`${u}@example.com`))[0]?.outbound, true);
  });

  it('outbound - through a proxy without "ob" in the first Path (or with no Path): 439', async () => {
    const reg = registrar();
    const u = user();
    const noOb = await reg.register(
      registerRequest({ user: u, vias: 2, contacts: [obContact('192.0.2.2')], extra: ['Supported: path, outbound', 'Path: <sip:ep1.example.com;lr>, <sip:x.example.com;lr;ob>'] }),
      { flow: TCP_FLOW },
    );
    assert.equal(noOb.status, 439);
    assert.equal(noOb.reason, 'First Hop Lacks Outbound Support');
    const noPath = await reg.register(registerRequest({ user: u, vias: 2, contacts: [obContact('192.0.2.2')], extra: ['Supported: path, outbound'] }), { flow: TCP_FLOW });
    assert.equal(noPath.status, 439);
    assert.deepEqual(await reg.lookup(`${u}@example.com`), []);
  });

  it('outbound - not applicable and the UA did not ask for it: reg-id ignored, RFC 3261 binding, no Require', async () => {
    const reg = registrar();
    const u = user();
    const r = await reg.register(registerRequest({ user: u, vias: 2, contacts: [obContact('192.0.2.2')], extra: ['Supported: path'] }), { flow: TCP_FLOW });
    assert.equal(r.status, 200);
    assert.deepEqual(header(r, 'Require'), []);
    const [b] = await reg.lookup(`${u}@example.com`);
    assert.equal(b?.outbound, false);
    assert.equal(b?.regId, undefined);
    assert.equal(b?.key, 'sip:bob@192.0.2.2;transport=tcp');
  });

  it('outbound - reg-id without +sip.instance is ignored', async () => {
    const reg = registrar();
    const u = user();
    const r = await reg.register(registerRequest({ user: u, contacts: ['<sip:bob@192.0.2.2>;reg-id=1'], extra: ['Supported: outbound'] }), { flow: TCP_FLOW });
    assert.equal(r.status, 200);
    assert.deepEqual(header(r, 'Require'), []);
    assert.equal((await reg.lookup(`${u}@example.com`))[0]?.outbound, false);
  });

  it('outbound - 400 for reg-id with more than one non-zero Contact, or an invalid reg-id', async () => {
    const reg = registrar();
    const u = user();
    const two = await reg.register(
      registerRequest({ user: u, contacts: [obContact('192.0.2.2', 1), '<sip:other@192.0.2.3>'], extra: ['Supported: outbound'] }),
      { flow: TCP_FLOW },
    );
    assert.equal(two.status, 400);
    // One non-zero Contact with reg-id plus removals is valid.
    const withRemoval = await reg.register(
      registerRequest({ user: u, contacts: [obContact('192.0.2.2', 1), '<sip:other@192.0.2.3>;expires=0'], extra: ['Supported: outbound'] }),
      { flow: TCP_FLOW },
    );
    assert.equal(withRemoval.status, 200);
    for (const regId of ['0', '2147483648', 'x']) {
      const bad = await reg.register(
        registerRequest({ user: u, cseq: 9, contacts: [`<sip:bob@192.0.2.2>;reg-id=${regId};+sip.instance=${INSTANCE}`], extra: ['Supported: outbound'] }),
        { flow: TCP_FLOW },
      );
      assert.equal(bad.status, 400, `reg-id=${regId}`);
    }
  });

  it('outbound - de-registering the instance/reg-id removes the binding', async () => {
    const reg = registrar();
    const u = user();
    await reg.register(registerRequest({ user: u, contacts: [obContact('192.0.2.2')], extra: ['Supported: path, outbound'] }), { flow: TCP_FLOW });
    const r = await reg.register(
      registerRequest({ user: u, cseq: 2, contacts: [`${obContact('192.0.2.2')};expires=0`], extra: ['Supported: path, outbound'] }),
      { flow: TCP_FLOW },
    );
    assert.equal(r.status, 200);
    assert.deepEqual(header(r, 'Contact'), []);
    assert.deepEqual(await reg.lookup(`${u}@example.com`), []);
  });
});

describe('registrar - concurrency (two edge replicas, one AOR)', () => {
  it('concurrency - REGISTERs applied at once through two clients lose no binding', async () => {
    const a = registrar({}, client());
    const b = registrar({}, client());
    const u = user();
    const n = 25;
    const results = await Promise.all(
      Array.from({ length: 2 * n }, (_, i) =>
        (i % 2 === 0 ? a : b).register(registerRequest({ user: u, callId: `dev-${i}`, contacts: [`<sip:d${i}@192.0.2.${(i % 250) + 1}>`] }), {
          flow: { ...UDP_FLOW, flowId: `f-${i}` },
        }),
      ),
    );
    assert.ok(results.every((r) => r.status === 200 && r.changed));
    const bound = await a.lookup(`${u}@example.com`);
    assert.equal(bound.length, 2 * n);
    // Each 200 listed at least its own binding.
    for (let i = 0; i < 2 * n; i++) assert.ok(expiresOf(results[i] as RegistrarResult, `sip:d${i}@192.0.2.${(i % 250) + 1}`) !== undefined);
  });

  it('concurrency - of two REGISTERs of one Call-ID with the same CSeq, exactly one applies', async () => {
    const a = registrar({}, client());
    const b = registrar({}, client());
    const u = user();
    await a.register(registerRequest({ user: u, cseq: 1, contacts: ['<sip:x@192.0.2.2>'] }), { flow: UDP_FLOW });
    const [ra, rb] = await Promise.all([
      a.register(registerRequest({ user: u, cseq: 2, contacts: ['<sip:x@192.0.2.2>'], expires: 600 }), { flow: UDP_FLOW }),
      b.register(registerRequest({ user: u, cseq: 2, contacts: ['<sip:x@192.0.2.2>'], expires: 900 }), { flow: UDP_FLOW }),
    ]);
    assert.deepEqual([ra.status, rb.status].sort(), [200, 500]);
  });
});
