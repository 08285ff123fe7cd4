import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createResponse, H, parseMessage, serializeMessage, Via, type SipRequest,
} from '@simple/sip-message';

function req(lines: string[], body = ''): SipRequest {
  const text = lines.join('\r\n') + '\r\n\r\n' + body;
  const r = parseMessage(Buffer.from(text));
  assert.ok(r.ok, r.ok ? '' : r.error.reason);
  assert.ok(r.value.kind === 'request');
  return r.value;
}

const base = [
  'SUBSCRIBE sip:bob@example.com SIP/2.0',
  'Via: SIP/2.0/UDP [2001:db8::1]:5062;branch=z9hG4bK776asdhds;rport, SIP/2.0/TCP proxy.example.com;branch=z9hG4bKa',
  'Max-Forwards: 70',
  'To: <sip:bob@example.com>',
  'From: "Alice" <sip:alice@example.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710@pc33.example.com',
  'CSeq: 314159 SUBSCRIBE',
];

describe('headers', () => {
  it('Via - IPv6 sent-by, rport without value, comma-joined values', () => {
    const m = req([...base, 'Content-Length: 0']);
    assert.equal(m.vias.length, 2);
    assert.equal(m.topVia.host, '[2001:db8::1]');
    assert.equal(m.topVia.port, 5062);
    assert.equal(m.topVia.rport, null);
    assert.ok(m.topVia.rfc3261Branch);
    assert.equal(m.vias[1]?.transport, 'TCP');
  });

  it('setTopVia - adds received/rport and keeps the other Via values', () => {
    const m = req([...base, 'Content-Length: 0']);
    const v: Via = m.topVia.clone();
    v.params.set('received', '2001:db8::9').set('rport', '40000');
    m.setTopVia(v);
    const again = parseMessage(serializeMessage(m));
    assert.ok(again.ok);
    assert.equal(again.value.topVia.received, '2001:db8::9');
    assert.equal(again.value.topVia.rport, 40000);
    assert.equal(again.value.vias.length, 2);
  });

  it('Event, Expires, Accept, Supported, Allow-Events', () => {
    const m = req([...base, 'o: presence;id=7', 'Expires: 3600', 'Accept: application/pidf+xml, application/rlmi+xml;q=0.5, multipart/related', 'k: eventlist, gruu', 'u: presence, presence.winfo', 'l: 0']);
    const ev = m.headers.typed(H.event);
    assert.ok(ev.ok && ev.value?.type === 'presence' && ev.value.id === '7');
    const ex = m.headers.typed(H.expires);
    assert.ok(ex.ok && ex.value === 3600);
    const acc = m.headers.typed(H.accept);
    assert.ok(acc.ok && acc.value?.map((a) => `${a.type}/${a.subtype}`).join() === 'application/pidf+xml,application/rlmi+xml,multipart/related');
    const sup = m.headers.typed(H.supported);
    assert.deepEqual(sup.ok && sup.value, ['eventlist', 'gruu']);
    const ae = m.headers.typed(H.allowEvents);
    assert.deepEqual(ae.ok && ae.value, ['presence', 'presence.winfo']);
  });

  it('Subscription-State with reason, expires and retry-after', () => {
    const m = req([...base, 'Subscription-State: terminated;reason=probation;retry-after=30', 'Content-Length: 0']);
    const st = m.headers.typed(H.subscriptionState);
    assert.ok(st.ok && st.value?.state === 'terminated' && st.value.reason === 'probation' && st.value.retryAfter === 30);
  });

  it('Contact: "*" and q-values; a bad q-value is an error', () => {
    const star = req([...base.map((l) => l.replace('SUBSCRIBE', 'REGISTER')), 'Contact: *', 'Expires: 0', 'Content-Length: 0']);
    const s = star.headers.typed(H.contact);
    assert.ok(s.ok && s.value?.star === true);
    const bad = req([...base, 'Contact: <sip:a@b>;q=1.5', 'Content-Length: 0']);
    assert.equal(bad.headers.typed(H.contact).ok, false);
  });

  it('Authorization - digest credentials with quoted and token values', () => {
    const m = req([...base, 'Authorization: Digest username="alice", realm="example.com", nonce="abc", uri="sip:bob@example.com", response="0123", algorithm=SHA-256, qop=auth, nc=00000001, cnonce="xyz"', 'Content-Length: 0']);
    const a = m.headers.typed(H.authorization);
    assert.ok(a.ok && a.value);
    const cred = a.value[0];
    assert.equal(cred?.scheme, 'Digest');
    assert.equal(cred?.params.get('username'), 'alice');
    assert.equal(cred?.params.get('algorithm'), 'SHA-256');
    assert.equal(cred?.params.get('nc'), '00000001');
  });

  it('SIP-ETag, SIP-If-Match, Retry-After, Date, Min-Expires', () => {
    const m = req([...base, 'SIP-If-Match: dx200xyz', 'Retry-After: 18000;duration=3600', 'Date: Sat, 13 Nov 2010 23:29:00 GMT', 'Min-Expires: 60', 'Content-Length: 0']);
    const im = m.headers.typed(H.sipIfMatch);
    assert.ok(im.ok && im.value === 'dx200xyz');
    const ra = m.headers.typed(H.retryAfter);
    assert.ok(ra.ok && ra.value?.seconds === 18000 && ra.value.params.get('duration') === '3600');
    const d = m.headers.typed(H.date);
    assert.ok(d.ok && d.value?.toISOString() === '2010-11-13T23:29:00.000Z');
    const me = m.headers.typed(H.minExpires);
    assert.ok(me.ok && me.value === 60);
  });

  it('Route, Record-Route and Path lists', () => {
    const m = req([...base, 'Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>', 'Path: <sip:edge.example.com;lr;ob>', 'Content-Length: 0']);
    const r = m.headers.typed(H.route);
    assert.ok(r.ok && r.value?.length === 2);
    const p = m.headers.typed(H.path);
    assert.ok(p.ok && p.value?.[0]?.uri.kind === 'sip' && p.value[0].uri.params.has('ob'));
  });

  it('unknown headers are kept verbatim, with their spelling', () => {
    const m = req([...base, 'X-Weird_Header: a,,b;;"c', 'Content-Length: 0']);
    const out = serializeMessage(m).toString();
    assert.match(out, /\r\nX-Weird_Header: a,,b;;"c\r\n/);
  });

  it('body - cut by bytes with a multi-byte UTF-8 body', () => {
    const body = 'héllo wörld';
    const m = req([...base, `Content-Length: ${Buffer.byteLength(body)}`], body);
    assert.equal(m.body.toString('utf8'), body);
  });

  it('createResponse - copies Via, From, To, Call-ID, CSeq and adds a To tag (§8.2.6)', () => {
    const m = req([...base, 'Content-Length: 0']);
    const res = createResponse(m, 200, { headers: [['Expires', '600']] });
    const wire = parseMessage(serializeMessage(res));
    assert.ok(wire.ok && wire.value.kind === 'response');
    assert.equal(wire.value.status, 200);
    assert.equal(wire.value.reason, 'OK');
    assert.equal(wire.value.vias.length, 2);
    assert.ok(wire.value.to.tag !== undefined && wire.value.to.tag.length >= 8);
    assert.equal(wire.value.from.tag, '1928301774');
    assert.equal(wire.value.headers.get('expires'), '600');
    const trying = createResponse(m, 100);
    assert.equal(trying.to.tag, undefined);
  });

  it('leading CRLFs before the start-line are ignored (§7.5)', () => {
    const text = '\r\n\r\n' + [...base, 'Content-Length: 0'].join('\r\n') + '\r\n\r\n';
    assert.ok(parseMessage(Buffer.from(text)).ok);
  });

  it('a stream-framed message without Content-Length is refused', () => {
    const text = [...base].join('\r\n') + '\r\n\r\n';
    const r = parseMessage(Buffer.from(text), { datagram: false });
    assert.ok(!r.ok && /Content-Length/.test(r.error.reason));
  });
});
