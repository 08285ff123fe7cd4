import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseUri, uriEquals, type Uri } from '@simple/sip-message';

function uri(text: string): Uri {
  const r = parseUri(text);
  assert.ok(r.ok, r.ok ? '' : `${text}: ${r.error.reason}`);
  return r.value;
}

describe('URI parsing', () => {
  it('sip URI - user, password, host, port, parameters and headers', () => {
    const u = uri('sip:alice:secret@Example.COM:5070;transport=tcp;lr?Subject=hi&Priority=urgent');
    assert.ok(u.kind === 'sip');
    assert.equal(u.user, 'alice');
    assert.equal(u.password, 'secret');
    assert.equal(u.host, 'Example.COM');
    assert.equal(u.port, 5070);
    assert.equal(u.params.get('transport'), 'tcp');
    assert.equal(u.params.get('lr'), null);
    assert.equal(u.headers.get('Priority'), 'urgent');
    assert.equal(u.toString(), 'sip:alice:secret@Example.COM:5070;transport=tcp;lr?Subject=hi&Priority=urgent');
  });

  it('sips URI with an IPv6 reference and port', () => {
    const u = uri('sips:bob@[2001:db8::10]:5061');
    assert.ok(u.kind === 'sip' && u.scheme === 'sips');
    assert.equal(u.host, '[2001:db8::10]');
    assert.equal(u.port, 5061);
  });

  it('IPv6 reference without port', () => {
    const u = uri('sip:[::1]');
    assert.ok(u.kind === 'sip' && u.host === '[::1]' && u.port === undefined);
  });

  it('tel URI - number and parameters', () => {
    const u = uri('tel:+1-201-555-0123;phone-context=example.com');
    assert.ok(u.kind === 'tel');
    assert.equal(u.number, '+1-201-555-0123');
    assert.equal(u.params.get('phone-context'), 'example.com');
  });

  it('other schemes are kept opaque', () => {
    const u = uri('urn:service:sos');
    assert.ok(u.kind === 'absolute' && u.scheme === 'urn' && u.opaque === 'service:sos');
  });

  for (const bad of ['sip:', 'sip:user@', 'sip:host:99999', 'sip:ho st', 'sip:a@b;=x', 'sip:a@b?x', 'sip:%zz@host', '<sip:a@b>', 'nocolon', 'sip:a@b;p=%G1']) {
    it(`rejects ${JSON.stringify(bad)}`, () => assert.equal(parseUri(bad).ok, false));
  }
});

describe('URI comparison (RFC 3261 §19.1.4)', () => {
  // The equivalent pairs of §19.1.4.
  const equal: Array<[string, string]> = [
    ['sip:%61lice@atlanta.com;transport=TCP', 'sip:alice@AtLanTa.CoM;Transport=tcp'],
    ['sip:carol@chicago.com', 'sip:carol@chicago.com;newparam=5'],
    ['sip:carol@chicago.com', 'sip:carol@chicago.com;security=on'],
    ['sip:carol@chicago.com;newparam=5', 'sip:carol@chicago.com;security=on'],
    ['sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com', 'sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com'],
    ['sip:alice@atlanta.com?subject=project%20x&priority=urgent', 'sip:alice@atlanta.com?priority=urgent&subject=project%20x'],
  ];
  // The non-equivalent pairs of §19.1.4.
  const different: Array<[string, string]> = [
    ['SIP:ALICE@AtLanTa.CoM;Transport=udp', 'sip:alice@AtLanTa.CoM;Transport=UDP'],
    ['sip:bob@biloxi.com', 'sip:bob@biloxi.com:5060'],
    ['sip:bob@biloxi.com', 'sip:bob@biloxi.com;transport=udp'],
    ['sip:bob@biloxi.com', 'sip:bob@biloxi.com:6000;transport=tcp'],
    ['sip:carol@chicago.com', 'sip:carol@chicago.com?Subject=next%20meeting'],
    ['sip:bob@phone21.boxesbybob.com', 'sip:bob@192.0.2.4'],
    ['sip:carol@chicago.com;security=on', 'sip:carol@chicago.com;security=off'],
    ['sip:alice@atlanta.com', 'sips:alice@atlanta.com'],
  ];
  for (const [a, b] of equal) it(`${a} == ${b}`, () => {
    assert.ok(uriEquals(uri(a), uri(b)));
    assert.ok(uriEquals(uri(b), uri(a)));
  });
  for (const [a, b] of different) it(`${a} != ${b}`, () => {
    assert.ok(!uriEquals(uri(a), uri(b)));
    assert.ok(!uriEquals(uri(b), uri(a)));
  });
});
