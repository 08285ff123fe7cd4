import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createErrorResponse, H, parseMessage, serializeMessage, validateMessage,
  type SipRequest, type SipResponse,
} from '@simple/sip-message';
import { tortureVectors } from './torture-vectors.js';

/** Parse and check every known header: what a UAS does before acting on a message. */
function parseStrict(bytes: Buffer): { ok: true; msg: SipRequest | SipResponse } | { ok: false; status: number; reason: string; answerable: boolean } {
  const r = parseMessage(bytes);
  if (!r.ok) return { ok: false, status: r.error.status, reason: r.error.reason, answerable: createErrorResponse(r.error) !== undefined };
  const bad = validateMessage(r.value);
  if (bad !== undefined) return { ok: false, status: bad.status, reason: bad.reason, answerable: r.value.kind === 'request' };
  return { ok: true, msg: r.value };
}

/** The parts of a message that must survive serialize → parse. */
function essence(m: SipRequest | SipResponse): unknown {
  return {
    start: m.kind === 'request' ? `${m.method} ${m.uri.toString()}` : `${m.status} ${m.reason}`,
    fields: [...m.headers].filter((f) => f.name !== 'content-length').map((f) => [f.name, f.value]),
    body: m.body.toString('hex'),
  };
}

const vectors = tortureVectors();

describe('RFC 4475 torture messages', () => {
  it('fixtures - all 49 messages are present, byte-exact', () => {
    assert.equal(vectors.length, 49);
    assert.ok(vectors.find((v) => v.file === 'mpart01.dat')?.bytes.includes(0x00));
  });

  for (const v of vectors.filter((x) => x.expected === 'valid')) {
    it(`${v.file} (§${v.section}) - valid: parses and re-serializes to an equivalent message`, () => {
      const r = parseStrict(v.bytes);
      assert.ok(r.ok, r.ok ? '' : `rejected: ${r.status} ${r.reason}`);
      const again = parseMessage(serializeMessage(r.msg));
      assert.ok(again.ok, again.ok ? '' : again.error.reason);
      assert.deepEqual(essence(again.value), essence(r.msg));
      assert.equal(validateMessage(again.value), undefined);
    });
  }

  for (const v of vectors.filter((x) => x.expected === 'invalid')) {
    it(`${v.file} (§${v.section}) - invalid: rejected`, () => {
      const r = parseStrict(v.bytes);
      assert.equal(r.ok, false, `${v.file} was accepted: ${v.summary}`);
    });
  }

  // What RFC 4475 asks of each invalid and semantically bad message, beyond "rejected".
  const expectations: Record<string, (r: ReturnType<typeof parseStrict>) => void> = {
    'badinv01.dat': (r) => assert.ok(!r.ok && r.status === 400 && /Via/.test(r.reason) && r.answerable),
    'clerr.dat': (r) => assert.ok(!r.ok && r.status === 400 && /Content-Length/.test(r.reason) && r.answerable),
    'ncl.dat': (r) => assert.ok(!r.ok && /Content-Length/.test(r.reason)),
    'scalar02.dat': (r) => assert.ok(!r.ok && r.status === 400 && /CSeq/.test(r.reason) && r.answerable),
    'scalarlg.dat': (r) => assert.ok(!r.ok && !r.answerable, 'a bad response is discarded, never answered'),
    'quotbal.dat': (r) => assert.ok(!r.ok && r.status === 400 && /quoted/.test(r.reason)),
    'ltgtruri.dat': (r) => assert.ok(!r.ok && r.status === 400 && /Request-URI/.test(r.reason)),
    'lwsruri.dat': (r) => assert.ok(!r.ok && r.status === 400 && /Request-Line/.test(r.reason)),
    'lwsstart.dat': (r) => assert.ok(!r.ok && r.status === 400),
    'trws.dat': (r) => assert.ok(!r.ok && r.status === 400),
    'escruri.dat': (r) => assert.ok(!r.ok && r.status === 400 && /headers not allowed/.test(r.reason)),
    'baddate.dat': (r) => assert.ok(!r.ok && /Date/.test(r.reason)),
    'regbadct.dat': (r) => assert.ok(!r.ok && /Contact/.test(r.reason)),
    'badaspec.dat': (r) => assert.ok(!r.ok && /To/.test(r.reason)),
    'baddn.dat': (r) => assert.ok(!r.ok && r.status === 400),
    'badvers.dat': (r) => assert.ok(!r.ok && r.status === 505 && r.answerable),
    'mismatch01.dat': (r) => assert.ok(!r.ok && r.status === 400 && /CSeq method/.test(r.reason)),
    'mismatch02.dat': (r) => assert.ok(!r.ok && r.status === 400),
    'bigcode.dat': (r) => assert.ok(!r.ok && !r.answerable, 'a response with status > 699 is dropped'),
    'insuf.dat': (r) => assert.ok(!r.ok && r.status === 400 && /Missing/.test(r.reason) && r.answerable),
    'multi01.dat': (r) => assert.ok(!r.ok && r.status === 400 && /Multiple/.test(r.reason)),
    'mcl01.dat': (r) => assert.ok(!r.ok && !r.answerable, 'conflicting Content-Length is a framing error: discard'),
  };
  for (const v of vectors) {
    const check = expectations[v.file];
    if (check === undefined) continue;
    it(`${v.file} (§${v.section}) - handled as RFC 4475 asks`, () => check(parseStrict(v.bytes)));
  }

  // Semantically bad but well-formed: the parser accepts them; the UAS core answers them
  // (416, 420, 415, 406: see sip-stack's tests). Here: what the parser must expose.
  const wellFormed: Record<string, (m: SipRequest | SipResponse) => void> = {
    'badbranch.dat': (m) => assert.equal(m.topVia.branch, 'z9hG4bK'),
    'unkscm.dat': (m) => assert.ok(m.kind === 'request' && m.uri.kind === 'absolute' && m.uri.scheme === 'nobodyKnowsThisScheme'),
    'novelsc.dat': (m) => assert.ok(m.kind === 'request' && m.uri.kind === 'absolute' && m.uri.scheme === 'soap.beep'),
    'unksm2.dat': (m) => assert.ok(m.to.uri.kind === 'absolute' && m.to.uri.scheme === 'isbn'),
    'bext01.dat': (m) => {
      const req = m.headers.typed(H.require);
      assert.ok(req.ok && req.value?.includes('nothingSupportsThis'));
    },
    'invut.dat': (m) => assert.equal(m.contentType, 'application/unknownformat'),
    'regaut01.dat': (m) => {
      const a = m.headers.typed(H.authorization);
      assert.ok(a.ok && a.value?.[0]?.scheme === 'NoOneKnowsThisScheme');
    },
    'bcast.dat': (m) => assert.equal(m.vias[1]?.host, '255.255.255.255'),
    'sdp01.dat': (m) => {
      const acc = m.headers.typed(H.accept);
      assert.ok(acc.ok && acc.value?.length === 1 && acc.value[0]?.subtype === 'nobodyknowsthis');
    },
  };
  for (const v of vectors) {
    const check = wellFormed[v.file];
    if (check === undefined) continue;
    it(`${v.file} (§${v.section}) - well-formed, parsed with its oddity exposed`, () => {
      const r = parseStrict(v.bytes);
      assert.ok(r.ok, r.ok ? '' : r.reason);
      check(r.msg);
    });
  }

  it('wsinv.dat - folding, LWS and escaped quotes are read as RFC 4475 §3.1.1.1 says', () => {
    const r = parseStrict(vectors.find((v) => v.file === 'wsinv.dat')!.bytes);
    assert.ok(r.ok && r.msg.kind === 'request');
    const m = r.msg;
    assert.equal(m.to.tag, '1918181833n');
    assert.equal(m.from.tag, '98asjd8');
    assert.equal(m.from.displayName, 'J Rosenberg \\"');
    assert.equal(m.cseq.seq, 9);
    assert.equal(m.cseq.method, 'INVITE');
    const mf = m.headers.typed(H.maxForwards);
    assert.ok(mf.ok && mf.value === 68);
    assert.deepEqual(m.vias.map((v) => `${v.transport} ${v.host} ${v.branch ?? ''}`), [
      'UDP 192.0.2.2 390skdjuw',
      'TCP spindle.example.com z9hG4bK9ikj8',
      'UDP 192.168.255.111 z9hG4bK30239',
    ]);
    assert.equal(m.headers.get('NewFangledHeader'), 'newfangled value continued newfangled value');
    assert.equal(m.body.length, 150);
    const c = m.headers.typed(H.contact);
    assert.ok(c.ok && c.value && !c.value.star);
    assert.equal(c.value.contacts[0]?.displayName, 'Quoted string ""');
    assert.equal(c.value.contacts[0]?.params.get('q'), '0.33');
  });

  it('intmeth.dat - extension method, password, escaped Call-ID characters', () => {
    const r = parseStrict(vectors.find((v) => v.file === 'intmeth.dat')!.bytes);
    assert.ok(r.ok && r.msg.kind === 'request');
    assert.equal(r.msg.method, "!interesting-Method0123456789_*+`.%indeed'~");
    assert.ok(r.msg.uri.kind === 'sip');
    assert.equal(r.msg.uri.user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
    assert.equal(r.msg.uri.password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
    assert.equal(r.msg.callId, 'intmeth.word%ZK-!.*_+\'@word`~)(><:\\/"][?}{');
  });

  it('esc02.dat - C%6Fntact is an unknown header: two Contacts, not three', () => {
    const r = parseStrict(vectors.find((v) => v.file === 'esc02.dat')!.bytes);
    assert.ok(r.ok);
    const c = r.msg.headers.typed(H.contact);
    assert.ok(c.ok && c.value && !c.value.star && c.value.contacts.length === 2);
    assert.equal(r.msg.headers.get('C%6Fntact'), '<sip:alias2@host2.example.com>');
  });

  it('dblreq.dat - octets after Content-Length in a datagram are ignored', () => {
    const r = parseStrict(vectors.find((v) => v.file === 'dblreq.dat')!.bytes);
    assert.ok(r.ok && r.msg.kind === 'request' && r.msg.method === 'REGISTER');
    assert.equal(r.msg.body.length, 0);
  });

  it('mpart01.dat - multipart body cut by bytes keeps NUL and bare CR/LF', () => {
    const v = vectors.find((x) => x.file === 'mpart01.dat')!;
    const r = parseStrict(v.bytes);
    assert.ok(r.ok);
    const cl = Number(r.msg.headers.get('content-length'));
    assert.equal(r.msg.body.length, cl);
    assert.deepEqual(r.msg.body, v.bytes.subarray(v.bytes.length - cl));
  });

  it('semiuri.dat - the user part holds ";par=u@example.net"', () => {
    const r = parseStrict(vectors.find((v) => v.file === 'semiuri.dat')!.bytes);
    assert.ok(r.ok && r.msg.kind === 'request' && r.msg.uri.kind === 'sip');
    assert.equal(r.msg.uri.user, 'user;par=u%40example.net');
    assert.equal(r.msg.uri.host, 'example.com');
  });

  it('cparam01/cparam02 - header parameter vs URI parameter of a Contact', () => {
    const c1 = parseStrict(vectors.find((v) => v.file === 'cparam01.dat')!.bytes);
    const c2 = parseStrict(vectors.find((v) => v.file === 'cparam02.dat')!.bytes);
    assert.ok(c1.ok && c2.ok);
    const a = c1.msg.headers.typed(H.contact);
    const b = c2.msg.headers.typed(H.contact);
    assert.ok(a.ok && a.value && !a.value.star && b.ok && b.value && !b.value.star);
    assert.ok(a.value.contacts[0]?.params.has('unknownparam'));
    const uri = b.value.contacts[0]?.uri;
    assert.ok(uri?.kind === 'sip' && uri.params.has('unknownparam'));
  });

  it('regescrt.dat - the escaped Route header stays in the Contact URI', () => {
    const r = parseStrict(vectors.find((v) => v.file === 'regescrt.dat')!.bytes);
    assert.ok(r.ok);
    const c = r.msg.headers.typed(H.contact);
    assert.ok(c.ok && c.value && !c.value.star);
    const uri = c.value.contacts[0]?.uri;
    assert.ok(uri?.kind === 'sip' && uri.headers.get('Route') === '%3Csip:sip.example.com%3E');
  });

  it('inv2543.dat - an RFC 2543 request: no branch, no From tag, body to the end of the datagram', () => {
    const r = parseStrict(vectors.find((v) => v.file === 'inv2543.dat')!.bytes);
    assert.ok(r.ok);
    assert.equal(r.msg.topVia.branch, undefined);
    assert.equal(r.msg.from.tag, undefined);
    assert.ok(r.msg.body.length > 0);
  });

  it('escnull.dat - %00 in user parts is kept, two distinct Contacts', () => {
    const r = parseStrict(vectors.find((v) => v.file === 'escnull.dat')!.bytes);
    assert.ok(r.ok);
    const c = r.msg.headers.typed(H.contact);
    assert.ok(c.ok && c.value && !c.value.star && c.value.contacts.length === 2);
    assert.ok(r.msg.to.uri.kind === 'sip' && r.msg.to.uri.user?.includes('%00'));
  });
});
