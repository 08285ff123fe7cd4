// RFC 3263 §4 resolution against a real DNS server on 127.0.0.1 that answers
// NAPTR, SRV, A and AAAA from the zone below.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { promises as dnsPromises } from 'node:dns';
import type { AddressInfo } from 'node:net';
import * as packet from 'dns-packet';
import {
  ResolveError,
  SipResolver,
  type ResolvedTarget,
  type ResolveResult,
  type ResolveTarget,
  type SipResolverOptions,
  type StaticOverrides,
} from '../src/resolver/index.js';

interface ZoneEntry {
  readonly NAPTR?: readonly packet.NaptrData[];
  readonly SRV?: readonly packet.SrvData[];
  readonly A?: readonly string[];
  readonly AAAA?: readonly string[];
  /** Answer every query for the name with this RCODE (2 = SERVFAIL). */
  readonly rcode?: number;
}

const naptr = (order: number, preference: number, services: string, replacement: string, flags = 's') => ({
  order,
  preference,
  flags,
  services,
  regexp: '',
  replacement,
});
const srv = (priority: number, weight: number, port: number, target: string) => ({ priority, weight, port, target });

/** A name present with no records answers NOERROR/no data; an absent name, NXDOMAIN. */
const ZONE: Readonly<Record<string, ZoneEntry>> = {
  // RFC 3263 §4.1's example, plus records the client must discard; given out of order.
  'naptr.test': {
    NAPTR: [
      naptr(90, 20, 'SIP+D2T', '_sip._tcp.naptr.test'),
      naptr(10, 10, 'E2U+sip', '!^.*$!sip:info@naptr.test!', 'u'),
      naptr(100, 50, 'SIP+D2U', '_sip._udp.naptr.test'),
      naptr(40, 50, 'SIP+D2S', '_sip._sctp.naptr.test'),
      naptr(50, 50, 'SIPS+D2T', '_sips._tcp.naptr.test'),
      naptr(60, 50, 'SIP+D2X', '_sip._x.naptr.test'),
    ],
    A: ['10.0.1.100'],
  },
  '_sips._tcp.naptr.test': { SRV: [srv(0, 0, 5061, 'tls1.naptr.test')] },
  '_sip._tcp.naptr.test': { SRV: [srv(0, 0, 5060, 'tcp1.naptr.test')] },
  '_sip._udp.naptr.test': { SRV: [srv(0, 0, 5070, 'udp1.naptr.test')] },
  '_sip._sctp.naptr.test': { SRV: [srv(0, 0, 5060, 'sctp1.naptr.test')] },
  'tls1.naptr.test': { A: ['10.0.1.1'], AAAA: ['2001:db8::1'] },
  'tcp1.naptr.test': { A: ['10.0.1.2'] },
  'udp1.naptr.test': { A: ['10.0.1.3'] },
  'sctp1.naptr.test': { A: ['10.0.1.4'] },

  // Equal order: preference decides (UDP 10 before TCP 20).
  'pref.test': {
    NAPTR: [naptr(50, 20, 'SIP+D2T', '_sip._tcp.pref.test'), naptr(50, 10, 'SIP+D2U', '_sip._udp.pref.test')],
  },
  '_sip._tcp.pref.test': { SRV: [srv(0, 0, 5060, 'host.pref.test')] },
  '_sip._udp.pref.test': { SRV: [srv(0, 0, 5060, 'host.pref.test')] },
  'host.pref.test': { A: ['10.0.2.1'] },

  // NAPTR without SRV behind it: A/AAAA of the domain with the NAPTR's transport.
  'naptr-nosrv.test': { NAPTR: [naptr(10, 10, 'SIP+D2T', '_sip._tcp.naptr-nosrv.test')], A: ['10.0.2.2'] },

  // NAPTR with SIP services only: a SIPS URI discards them all and queries SRV.
  'nosips.test': { NAPTR: [naptr(10, 10, 'SIP+D2U', '_sip._udp.nosips.test')] },
  '_sips._tcp.nosips.test': { SRV: [srv(0, 0, 5061, 'secure.nosips.test')] },
  'secure.nosips.test': { A: ['10.0.2.3'] },

  // No NAPTR: SRV per transport. Priority 10 holds a (weight 10) and b (weight 30).
  'srv.test': { A: ['10.0.3.100'] },
  '_sip._udp.srv.test': {
    SRV: [srv(20, 0, 5060, 'c.srv.test'), srv(10, 30, 5060, 'b.srv.test'), srv(10, 10, 5060, 'a.srv.test')],
  },
  '_sip._tcp.srv.test': { SRV: [srv(0, 0, 5062, 'd.srv.test')] },
  'a.srv.test': { A: ['10.0.3.1'] },
  'b.srv.test': { A: ['10.0.3.2'] },
  'c.srv.test': { A: ['10.0.3.3'] },
  'd.srv.test': { A: ['10.0.3.4'], AAAA: ['2001:db8::34'] },

  // Nothing but addresses.
  'plain.test': { A: ['10.0.4.1'], AAAA: ['2001:db8::41'] },
  'v6only.test': { AAAA: ['2001:db8::42'] },

  // An SRV record whose target is overridden by a static address table.
  '_sip._tcp.mixed.test': { SRV: [srv(0, 0, 5062, 'fixed.test')] },
  'mixed.test': {},

  // "The service is decidedly not available" (RFC 2782).
  'closed.test': { A: ['10.0.5.1'] },
  '_sip._udp.closed.test': { SRV: [srv(0, 0, 0, '.')] },

  'empty.test': {},
  'broken.test': { rcode: 2 },
};

const RRTYPES = ['NAPTR', 'SRV', 'A', 'AAAA'] as const;

/** A DNS server on 127.0.0.1 that answers from ZONE and logs each question. */
class ZoneServer {
  readonly queries: string[] = [];
  readonly #socket: Socket = createSocket('udp4');

  async start(): Promise<number> {
    this.#socket.on('message', (message, peer) => {
      const reply = this.#answer(message);
      if (reply !== undefined) this.#socket.send(reply, peer.port, peer.address);
    });
    await new Promise<void>((resolve) => this.#socket.bind(0, '127.0.0.1', resolve));
    return (this.#socket.address() as AddressInfo).port;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#socket.close(() => resolve()));
  }

  #answer(message: Buffer): Buffer | undefined {
    let query: packet.DecodedPacket;
    try {
      query = packet.decode(message);
    } catch {
      return undefined;
    }
    const question = query.questions?.[0];
    if (question === undefined) return undefined;
    const name = question.name.toLowerCase();
    this.queries.push(`${question.type} ${name}`);
    const entry = ZONE[name];
    let rcode = entry === undefined ? 3 : (entry.rcode ?? 0); // 3 = NXDOMAIN
    const answers: packet.Answer[] = [];
    if (entry !== undefined && rcode === 0) {
      const type = RRTYPES.find((t) => t === question.type);
      if (type === 'NAPTR') for (const data of entry.NAPTR ?? []) answers.push({ type, name, ttl: 300, data });
      else if (type === 'SRV') for (const data of entry.SRV ?? []) answers.push({ type, name, ttl: 300, data });
      else if (type === 'A') for (const data of entry.A ?? []) answers.push({ type, name, ttl: 120, data });
      else if (type === 'AAAA') for (const data of entry.AAAA ?? []) answers.push({ type, name, ttl: 120, data });
      else rcode = 4; // NOTIMP
    }
    return packet.encode({
      type: 'response',
      id: query.id ?? 0,
      flags: packet.AUTHORITATIVE_ANSWER | packet.RECURSION_DESIRED | packet.RECURSION_AVAILABLE | rcode,
      questions: [question],
      answers,
    });
  }
}

const server = new ZoneServer();
let dnsServer = '';

before(async () => {
  dnsServer = `127.0.0.1:${await server.start()}`;
});
after(() => server.close());
beforeEach(() => {
  server.queries.length = 0;
});

function makeResolver(options: SipResolverOptions = {}): SipResolver {
  const resolver = new dnsPromises.Resolver({ timeout: 1000, tries: 1 });
  resolver.setServers([dnsServer]);
  return new SipResolver({ resolver, cache: false, ...options });
}

function expectOk(result: ResolveResult): ResolvedTarget[] {
  if (!result.ok) assert.fail(`expected targets, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

function expectError(result: ResolveResult): ResolveError {
  if (result.ok) assert.fail(`expected an error, got ${JSON.stringify(result.value)}`);
  assert.ok(result.error instanceof ResolveError);
  assert.equal(result.error.name, 'ResolveError');
  return result.error;
}

/** Compact "transport address port" rows, for readable assertions. */
const rows = (targets: readonly ResolvedTarget[]): string[] =>
  targets.map((t) => `${t.transport} ${t.address} ${t.port} v${t.family}`);

async function resolve(target: ResolveTarget, options?: SipResolverOptions): Promise<ResolveResult> {
  return makeResolver(options).resolve(target);
}

describe('RFC 3263 resolver - numeric targets', () => {
  test('numeric IPv4 - UDP for sip, default port, no DNS query', async () => {
    assert.deepEqual(rows(expectOk(await resolve({ scheme: 'sip', host: '192.0.2.1' }))), ['udp 192.0.2.1 5060 v4']);
    assert.deepEqual(server.queries, []);
  });

  test('numeric IPv4 - TLS for sips, port 5061', async () => {
    assert.deepEqual(rows(expectOk(await resolve({ scheme: 'sips', host: '192.0.2.1' }))), ['tls 192.0.2.1 5061 v4']);
  });

  test('numeric IPv6 reference - brackets removed, explicit port kept', async () => {
    const value = expectOk(await resolve({ scheme: 'sip', host: '[2001:DB8::1]', port: 5070 }));
    assert.deepEqual(value, [{ transport: 'udp', address: '2001:db8::1', port: 5070, family: 6 }]);
    assert.deepEqual(server.queries, []);
  });

  test('numeric IPv6 - bare address accepted, sips gives TLS', async () => {
    assert.deepEqual(rows(expectOk(await resolve({ scheme: 'sips', host: '::1' }))), ['tls ::1 5061 v6']);
  });

  test('numeric IP - transport parameter chooses transport and its default port', async () => {
    assert.deepEqual(rows(expectOk(await resolve({ scheme: 'sip', host: '192.0.2.1', transport: 'tcp' }))), [
      'tcp 192.0.2.1 5060 v4',
    ]);
    assert.deepEqual(rows(expectOk(await resolve({ scheme: 'sip', host: '192.0.2.1', transport: 'tls' }))), [
      'tls 192.0.2.1 5061 v4',
    ]);
    assert.deepEqual(rows(expectOk(await resolve({ scheme: 'sips', host: '192.0.2.1', transport: 'tcp' }))), [
      'tls 192.0.2.1 5061 v4',
    ]);
    const ws = { scheme: 'sip', host: '192.0.2.1', transport: 'ws' } as const;
    assert.deepEqual(rows(expectOk(await resolve(ws, { transports: ['ws', 'wss'] }))), ['ws 192.0.2.1 80 v4']);
    const wss = { scheme: 'sips', host: '192.0.2.1', transport: 'ws' } as const;
    assert.deepEqual(rows(expectOk(await resolve(wss, { transports: ['ws', 'wss'] }))), ['wss 192.0.2.1 443 v4']);
    assert.deepEqual(server.queries, []);
  });

  test('numeric IP - sip uses TCP when UDP is not enabled', async () => {
    assert.deepEqual(rows(expectOk(await resolve({ scheme: 'sip', host: '192.0.2.1' }, { transports: ['tcp'] }))), [
      'tcp 192.0.2.1 5060 v4',
    ]);
  });
});

describe('RFC 3263 resolver - transport parameter and explicit port', () => {
  test('explicit port - A and AAAA of the host, UDP, no NAPTR or SRV query', async () => {
    const value = expectOk(await resolve({ scheme: 'sip', host: 'plain.test', port: 5080 }));
    assert.deepEqual(rows(value), ['udp 10.0.4.1 5080 v4', 'udp 2001:db8::41 5080 v6']);
    assert.deepEqual(server.queries.sort(), ['A plain.test', 'AAAA plain.test']);
  });

  test('explicit port - sips uses TLS at that port even where NAPTR records exist', async () => {
    const value = expectOk(await resolve({ scheme: 'sips', host: 'naptr.test', port: 5099 }));
    assert.deepEqual(rows(value), ['tls 10.0.1.100 5099 v4']);
    assert.ok(!server.queries.some((q) => q.startsWith('NAPTR') || q.startsWith('SRV')));
  });

  test('transport parameter - SRV for that transport only, no NAPTR query', async () => {
    const value = expectOk(await resolve({ scheme: 'sip', host: 'srv.test', transport: 'tcp' }));
    assert.deepEqual(rows(value), ['tcp 10.0.3.4 5062 v4', 'tcp 2001:db8::34 5062 v6']);
    assert.ok(server.queries.includes('SRV _sip._tcp.srv.test'));
    assert.ok(!server.queries.some((q) => q.startsWith('NAPTR')));
  });

  test('transport parameter - no SRV record falls back to A/AAAA at the default port', async () => {
    const value = expectOk(await resolve({ scheme: 'sip', host: 'plain.test', transport: 'tcp' }));
    assert.deepEqual(rows(value), ['tcp 10.0.4.1 5060 v4', 'tcp 2001:db8::41 5060 v6']);
  });

  test('transport parameter - sips with transport=tcp queries _sips._tcp', async () => {
    const value = expectOk(await resolve({ scheme: 'sips', host: 'nosips.test', transport: 'tcp' }));
    assert.deepEqual(rows(value), ['tls 10.0.2.3 5061 v4']);
    assert.deepEqual(server.queries.slice(0, 1), ['SRV _sips._tcp.nosips.test']);
  });

  test('transport parameter - sip with transport=tls uses _sips and port 5061', async () => {
    const value = expectOk(await resolve({ scheme: 'sip', host: 'plain.test', transport: 'TLS' }));
    assert.deepEqual(rows(value), ['tls 10.0.4.1 5061 v4', 'tls 2001:db8::41 5061 v6']);
    assert.ok(server.queries.includes('SRV _sips._tcp.plain.test'));
  });

  test('transport parameter - UDP for sips, unknown and disabled transports are refused', async () => {
    for (const target of [
      { scheme: 'sips', host: 'plain.test', transport: 'udp' },
      { scheme: 'sips', host: '192.0.2.1', transport: 'sctp' },
      { scheme: 'sip', host: 'plain.test', transport: 'carrier-pigeon' },
      { scheme: 'sip', host: 'plain.test', transport: 'sctp' },
    ] as const) {
      assert.equal(expectError(await resolve(target)).code, 'UNSUPPORTED_TRANSPORT', target.transport);
    }
    assert.deepEqual(server.queries, []);
  });
});

describe('RFC 3263 resolver - NAPTR', () => {
  test('NAPTR - most preferred first, records not applicable discarded', async () => {
    const value = expectOk(await resolve({ scheme: 'sip', host: 'naptr.test' }));
    // SIP+D2S (order 40) is dropped: SCTP is not enabled; E2U+sip and SIP+D2X do not apply.
    assert.deepEqual(rows(value), [
      'tls 10.0.1.1 5061 v4',
      'tls 2001:db8::1 5061 v6',
      'tcp 10.0.1.2 5060 v4',
      'udp 10.0.1.3 5070 v4',
    ]);
    assert.ok(!server.queries.includes('SRV _sip._sctp.naptr.test'));
    assert.ok(!server.queries.includes('SRV _sip._x.naptr.test'));
  });

  test('NAPTR - a client without TLS discards SIPS services for a sip URI', async () => {
    const value = expectOk(await resolve({ scheme: 'sip', host: 'naptr.test' }, { transports: ['udp', 'tcp'] }));
    assert.deepEqual(rows(value), ['tcp 10.0.1.2 5060 v4', 'udp 10.0.1.3 5070 v4']);
  });

  test('NAPTR - enabled SCTP takes its place by order', async () => {
    const value = expectOk(await resolve({ scheme: 'sip', host: 'naptr.test' }, { transports: ['sctp', 'tcp'] }));
    assert.deepEqual(rows(value), ['sctp 10.0.1.4 5060 v4', 'tcp 10.0.1.2 5060 v4']);
  });

  test('NAPTR - a SIPS URI keeps only SIPS services', async () => {
    const value = expectOk(await resolve({ scheme: 'sips', host: 'naptr.test' }));
    assert.deepEqual(rows(value), ['tls 10.0.1.1 5061 v4', 'tls 2001:db8::1 5061 v6']);
  });

  test('NAPTR - equal order is broken by preference', async () => {
    const value = expectOk(await resolve({ scheme: 'sip', host: 'pref.test' }));
    assert.deepEqual(rows(value), ['udp 10.0.2.1 5060 v4', 'tcp 10.0.2.1 5060 v4']);
  });

  test('NAPTR - no SRV behind the record: A/AAAA with the NAPTR transport', async () => {
    const value = expectOk(await resolve({ scheme: 'sip', host: 'naptr-nosrv.test' }));
    assert.deepEqual(rows(value), ['tcp 10.0.2.2 5060 v4']);
  });

  test('NAPTR - none usable for sips: SRV queries as if there were none', async () => {
    const value = expectOk(await resolve({ scheme: 'sips', host: 'nosips.test' }));
    assert.deepEqual(rows(value), ['tls 10.0.2.3 5061 v4']);
  });
});

describe('RFC 3263 resolver - SRV without NAPTR', () => {
  test('SRV - transports in the client preference order, priority then weight', async () => {
    // random 0 → the first of the arrangement (a, weight 10) wins each draw.
    const value = expectOk(await resolve({ scheme: 'sip', host: 'srv.test' }, { random: () => 0 }));
    assert.deepEqual(rows(value), [
      'tcp 10.0.3.4 5062 v4',
      'tcp 2001:db8::34 5062 v6',
      'udp 10.0.3.1 5060 v4',
      'udp 10.0.3.2 5060 v4',
      'udp 10.0.3.3 5060 v4',
    ]);
    // RFC 3263 §4.1: one SRV query per supported transport.
    for (const q of ['SRV _sips._tcp.srv.test', 'SRV _sip._tcp.srv.test', 'SRV _sip._udp.srv.test']) {
      assert.ok(server.queries.includes(q), q);
    }
  });

  test('SRV - weighted selection follows the injected random numbers', async () => {
    // Weights a=10, b=30: sum 40; 0.9 → floor(0.9 × 41) = 36 > 10 → b is drawn first.
    const draws = [0.9, 0];
    const random = () => draws.shift() ?? 0;
    const value = expectOk(await resolve({ scheme: 'sip', host: 'srv.test', transport: 'udp' }, { random }));
    assert.deepEqual(rows(value), ['udp 10.0.3.2 5060 v4', 'udp 10.0.3.1 5060 v4', 'udp 10.0.3.3 5060 v4']);
  });

  test('SRV - the priority-20 record comes last whatever the weights draw', async () => {
    for (const r of [0, 0.3, 0.6, 0.99]) {
      const value = expectOk(await resolve({ scheme: 'sip', host: 'srv.test', transport: 'udp' }, { random: () => r }));
      assert.equal(value.at(-1)?.address, '10.0.3.3');
    }
  });

  test('SRV - sips queries only _sips._tcp and falls back to A/AAAA at 5061', async () => {
    const value = expectOk(await resolve({ scheme: 'sips', host: 'srv.test' }));
    assert.deepEqual(rows(value), ['tls 10.0.3.100 5061 v4']);
    assert.ok(!server.queries.includes('SRV _sip._udp.srv.test'));
  });

  test('SRV - target "." means the service is not available', async () => {
    const error = expectError(await resolve({ scheme: 'sip', host: 'closed.test', transport: 'udp' }));
    assert.equal(error.code, 'SERVICE_UNAVAILABLE');
    assert.ok(!server.queries.includes('A closed.test'), 'no A/AAAA fallback when SRV records exist');
  });
});

describe('RFC 3263 resolver - A/AAAA fallback', () => {
  test('no NAPTR, no SRV - UDP on 5060 for sip, A before AAAA', async () => {
    const value = expectOk(await resolve({ scheme: 'sip', host: 'Plain.Test.' }));
    assert.deepEqual(rows(value), ['udp 10.0.4.1 5060 v4', 'udp 2001:db8::41 5060 v6']);
  });

  test('no NAPTR, no SRV - TLS on 5061 for sips', async () => {
    const value = expectOk(await resolve({ scheme: 'sips', host: 'plain.test' }));
    assert.deepEqual(rows(value), ['tls 10.0.4.1 5061 v4', 'tls 2001:db8::41 5061 v6']);
  });

  test('families - IPv6 first, or IPv4 only', async () => {
    const v6first = expectOk(await resolve({ scheme: 'sip', host: 'plain.test' }, { families: [6, 4] }));
    assert.deepEqual(rows(v6first), ['udp 2001:db8::41 5060 v6', 'udp 10.0.4.1 5060 v4']);
    server.queries.length = 0;
    const v4only = expectOk(await resolve({ scheme: 'sip', host: 'plain.test', port: 5060 }, { families: [4] }));
    assert.deepEqual(rows(v4only), ['udp 10.0.4.1 5060 v4']);
    assert.deepEqual(server.queries, ['A plain.test']);
  });

  test('AAAA only - an IPv6 address is found', async () => {
    assert.deepEqual(rows(expectOk(await resolve({ scheme: 'sip', host: 'v6only.test' }))), [
      'udp 2001:db8::42 5060 v6',
    ]);
  });
});

describe('RFC 3263 resolver - maddr', () => {
  test('maddr - replaces the host as TARGET', async () => {
    const value = expectOk(await resolve({ scheme: 'sip', host: 'nowhere.test', maddr: 'plain.test', port: 5090 }));
    assert.deepEqual(rows(value), ['udp 10.0.4.1 5090 v4', 'udp 2001:db8::41 5090 v6']);
    assert.ok(!server.queries.some((q) => q.includes('nowhere.test')));
  });

  test('maddr - a numeric maddr needs no DNS', async () => {
    const value = expectOk(await resolve({ scheme: 'sip', host: 'plain.test', maddr: '[2001:db8::9]', transport: 'tcp' }));
    assert.deepEqual(rows(value), ['tcp 2001:db8::9 5060 v6']);
    assert.deepEqual(server.queries, []);
  });
});

describe('RFC 3263 resolver - static overrides', () => {
  const overrides = {
    'Peer.Test': {
      targets: [
        { transport: 'tls', address: '192.0.2.10', port: 5061 },
        { transport: 'udp', address: '[2001:db8::11]', port: 5060 },
      ],
    },
    'fixed.test': { addresses: ['192.0.2.20', '2001:db8::20'] },
  } as const;

  test('targets override - the whole answer, no DNS', async () => {
    const value = expectOk(await resolve({ scheme: 'sip', host: 'peer.test' }, { overrides }));
    assert.deepEqual(value, [
      { transport: 'tls', address: '192.0.2.10', port: 5061, family: 4 },
      { transport: 'udp', address: '2001:db8::11', port: 5060, family: 6 },
    ]);
    assert.deepEqual(server.queries, []);
  });

  test('targets override - filtered by sips and transport, port replaced by an explicit one', async () => {
    assert.deepEqual(rows(expectOk(await resolve({ scheme: 'sips', host: 'peer.test' }, { overrides }))), [
      'tls 192.0.2.10 5061 v4',
    ]);
    const udp = { scheme: 'sip', host: 'peer.test', transport: 'udp', port: 5099 } as const;
    assert.deepEqual(rows(expectOk(await resolve(udp, { overrides }))), ['udp 2001:db8::11 5099 v6']);
    const tcp = { scheme: 'sip', host: 'peer.test', transport: 'tcp' } as const;
    assert.equal(expectError(await resolve(tcp, { overrides })).code, 'NO_RECORDS');
  });

  test('addresses override - as TARGET: default transport and port, no DNS', async () => {
    const value = expectOk(await resolve({ scheme: 'sip', host: 'fixed.test' }, { overrides }));
    assert.deepEqual(rows(value), ['udp 192.0.2.20 5060 v4', 'udp 2001:db8::20 5060 v6']);
    assert.deepEqual(server.queries, []);
  });

  test('addresses override - as the target of an SRV record', async () => {
    const value = expectOk(await resolve({ scheme: 'sip', host: 'mixed.test', transport: 'tcp' }, { overrides }));
    assert.deepEqual(rows(value), ['tcp 192.0.2.20 5062 v4', 'tcp 2001:db8::20 5062 v6']);
    assert.deepEqual(server.queries, ['SRV _sip._tcp.mixed.test']);
  });

  test('overrides - a bad table is refused when the resolver is made', () => {
    const bad: StaticOverrides[] = [
      { 'x.test': { addresses: ['not-an-ip'] } },
      { '192.0.2.1': { addresses: ['192.0.2.1'] } },
      { 'x.test': { targets: [{ transport: 'udp', address: '192.0.2.1', port: 0 }] } },
      { 'x.test': { targets: [{ transport: 'udp', address: '192.0.2.1', port: 5060, family: 6 }] } },
      new Map([['x.test', { targets: [{ transport: 'udp', address: 'host.test', port: 5060 }] }]]),
    ];
    for (const overrides of bad) {
      assert.throws(
        () => new SipResolver({ overrides }),
        (e: unknown) => e instanceof ResolveError && e.code === 'INVALID_CONFIG',
      );
    }
  });
});

describe('RFC 3263 resolver - server usage (§5)', () => {
  test('sent-by - numeric address with the Via transport and its default port', async () => {
    const value = expectOk(await makeResolver().resolveSentBy({ host: '192.0.2.7', transport: 'TLS' }));
    assert.deepEqual(rows(value), ['tls 192.0.2.7 5061 v4']);
    assert.deepEqual(server.queries, []);
  });

  test('sent-by - name without port: SRV with _sips for TLS', async () => {
    const value = expectOk(await makeResolver().resolveSentBy({ host: 'nosips.test', transport: 'TLS' }));
    assert.deepEqual(rows(value), ['tls 10.0.2.3 5061 v4']);
    assert.equal(server.queries[0], 'SRV _sips._tcp.nosips.test');
  });

  test('sent-by - name with port: A/AAAA at that port', async () => {
    const value = expectOk(await makeResolver().resolveSentBy({ host: 'plain.test', port: 5999, transport: 'UDP' }));
    assert.deepEqual(rows(value), ['udp 10.0.4.1 5999 v4', 'udp 2001:db8::41 5999 v6']);
    assert.deepEqual(server.queries.sort(), ['A plain.test', 'AAAA plain.test']);
  });
});

describe('RFC 3263 resolver - errors', () => {
  test('NXDOMAIN - an error result, and one NAPTR query only', async () => {
    const error = expectError(await resolve({ scheme: 'sip', host: 'nowhere.test' }));
    assert.equal(error.code, 'NXDOMAIN');
    assert.equal(error.target, 'nowhere.test');
    assert.deepEqual(server.queries, ['NAPTR nowhere.test']);
  });

  test('NXDOMAIN - with an explicit port, from the A/AAAA lookup', async () => {
    assert.equal(expectError(await resolve({ scheme: 'sip', host: 'nowhere.test', port: 5060 })).code, 'NXDOMAIN');
  });

  test('no data - a domain without records gives NO_RECORDS', async () => {
    assert.equal(expectError(await resolve({ scheme: 'sip', host: 'empty.test' })).code, 'NO_RECORDS');
  });

  test('SERVFAIL - DNS_FAILURE with the node code and cause', async () => {
    const error = expectError(await resolve({ scheme: 'sip', host: 'broken.test' }));
    assert.equal(error.code, 'DNS_FAILURE');
    assert.equal(error.dnsCode, 'ESERVFAIL');
    assert.ok(error.cause instanceof Error);
  });

  test('timeout - a silent server gives DNS_FAILURE at once, not an exception', async () => {
    const silent = createSocket('udp4');
    let received = 0;
    silent.on('message', () => (received += 1));
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as AddressInfo).port;
      const resolver = new SipResolver({ servers: [`127.0.0.1:${port}`], timeoutMs: 50, tries: 1, cache: false });
      const error = expectError(await resolver.resolve({ scheme: 'sip', host: 'plain.test' }));
      assert.equal(error.code, 'DNS_FAILURE');
      assert.equal(error.dnsCode, 'ETIMEOUT');
      assert.equal(received, 1, 'no SRV or address query after the NAPTR query timed out');
    } finally {
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  test('invalid target - bad host, bad port, bad scheme', async () => {
    for (const target of [
      { scheme: 'sip', host: 'bad host' },
      { scheme: 'sip', host: '[192.0.2.1]' },
      { scheme: 'sip', host: 'a..b' },
      { scheme: 'sip', host: 'plain.test', port: 70000 },
      { scheme: 'tel', host: 'plain.test' } as unknown as ResolveTarget,
    ] as const) {
      assert.equal(expectError(await resolve(target)).code, 'INVALID_TARGET', JSON.stringify(target));
    }
    assert.deepEqual(server.queries, []);
  });
});

describe('RFC 3263 resolver - configuration and cache', () => {
  test('servers option - the resolver builds its own node resolver', async () => {
    const resolver = new SipResolver({ servers: [dnsServer], timeoutMs: 1000, tries: 1, cache: false });
    assert.deepEqual(rows(expectOk(await resolver.resolve({ scheme: 'sip', host: 'plain.test', port: 5060 }))), [
      'udp 10.0.4.1 5060 v4',
      'udp 2001:db8::41 5060 v6',
    ]);
  });

  test('cache - answers are reused within their TTL and asked again after it', async () => {
    let now = 1_000_000;
    const resolver = makeResolver({ cache: {}, clock: { now: () => now } });
    const target = { scheme: 'sip', host: 'plain.test' } as const;
    expectOk(await resolver.resolve(target));
    const first = server.queries.length;
    assert.ok(first > 0);
    expectOk(await resolver.resolve(target));
    assert.equal(server.queries.length, first, 'second resolution answered from the cache');
    now += 121_000; // A and AAAA carry TTL 120; negative answers are kept 30 s
    expectOk(await resolver.resolve(target));
    assert.equal(server.queries.length, first * 2);
  });

  test('cache - concurrent resolutions share one query per name and type', async () => {
    const resolver = makeResolver({ cache: {} });
    const results = await Promise.all([1, 2, 3].map(() => resolver.resolve({ scheme: 'sip', host: 'naptr.test' })));
    for (const r of results) assert.equal(expectOk(r).length, 4);
    assert.equal(new Set(server.queries).size, server.queries.length, server.queries.join(', '));
  });

  test('options - wrong options are refused when the resolver is made', () => {
    const bad: SipResolverOptions[] = [
      { transports: [] },
      { families: [] },
      { resolver: new dnsPromises.Resolver(), servers: ['127.0.0.1'] },
      { servers: ['not a server'] },
    ];
    for (const options of bad) {
      assert.throws(
        () => new SipResolver(options),
        (e: unknown) => e instanceof ResolveError && e.code === 'INVALID_CONFIG',
      );
    }
  });
});
