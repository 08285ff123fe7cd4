import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { parseVias, type Via } from '@simple/sip-message';

import { normalizeAddress, responseDestination, sameAddress, withReceived, type Flow } from '../src/index.js';

function via(text: string): Via {
  const r = parseVias([text]);
  if (!r.ok) throw r.error;
  const v = r.value[0];
  assert.ok(v);
  return v;
}

const tcpFlow: Flow = { id: 'tcp-1', protocol: 'TCP', local: { address: '192.0.2.2', port: 5060 }, remote: { address: '192.0.2.1', port: 40000 } };
const udpFlow: Flow = { id: 'udp-1', protocol: 'UDP', local: { address: '192.0.2.2', port: 5060 }, remote: { address: '192.0.2.1', port: 9988 } };

describe('response routing (RFC 3261 §18.2.2, RFC 3581 §4)', () => {
  it('reliable - the open connection the request came on', () => {
    const d = responseDestination(via('SIP/2.0/TCP pc.example.com:5070;received=192.0.2.1'), tcpFlow, true);
    assert.deepEqual(d, { kind: 'flow', flow: tcpFlow });
  });

  it('reliable - connection closed: received with the sent-by port, or the default port', () => {
    assert.deepEqual(responseDestination(via('SIP/2.0/TCP pc.example.com:5070;received=192.0.2.1'), tcpFlow, false), {
      kind: 'address',
      protocol: 'TCP',
      address: '192.0.2.1',
      port: 5070,
    });
    assert.deepEqual(responseDestination(via('SIP/2.0/TLS pc.example.com;received=192.0.2.1'), undefined, false), {
      kind: 'address',
      protocol: 'TLS',
      address: '192.0.2.1',
      port: 5061,
    });
    assert.deepEqual(responseDestination(via('SIP/2.0/TCP pc.example.com'), undefined, false), {
      kind: 'resolve',
      protocol: 'TCP',
      host: 'pc.example.com',
      port: undefined,
    });
  });

  it('unreliable - maddr first, with the sent-by port or 5060', () => {
    assert.deepEqual(responseDestination(via('SIP/2.0/UDP 192.0.2.1:5080;maddr=239.255.255.1;received=192.0.2.9;rport=1'), udpFlow, true), {
      kind: 'address',
      protocol: 'UDP',
      address: '239.255.255.1',
      port: 5080,
    });
  });

  it('unreliable - received and rport, from the socket the request came in on', () => {
    const d = responseDestination(via('SIP/2.0/UDP 10.1.1.1:4540;received=192.0.2.1;rport=9988'), udpFlow, true);
    assert.deepEqual(d, { kind: 'address', protocol: 'UDP', address: '192.0.2.1', port: 9988, fromFlow: udpFlow });
  });

  it('unreliable - received without rport: the sent-by port, or 5060', () => {
    assert.deepEqual(responseDestination(via('SIP/2.0/UDP pc.example.com:5070;received=192.0.2.1'), undefined, false), {
      kind: 'address',
      protocol: 'UDP',
      address: '192.0.2.1',
      port: 5070,
    });
    assert.deepEqual(responseDestination(via('SIP/2.0/UDP pc.example.com;received=192.0.2.1'), undefined, false), {
      kind: 'address',
      protocol: 'UDP',
      address: '192.0.2.1',
      port: 5060,
    });
  });

  it('unreliable - no received: the sent-by, an IP used as is, a name resolved', () => {
    assert.deepEqual(responseDestination(via('SIP/2.0/UDP [2001:db8::9]:5062'), undefined, false), {
      kind: 'address',
      protocol: 'UDP',
      address: '2001:db8::9',
      port: 5062,
    });
    assert.deepEqual(responseDestination(via('SIP/2.0/UDP pc.example.com:5062'), undefined, false), {
      kind: 'resolve',
      protocol: 'UDP',
      host: 'pc.example.com',
      port: 5062,
    });
  });

  it('websocket - responses go back on the connection; a Via transport we do not speak needs a flow', () => {
    const wsFlow: Flow = { ...tcpFlow, id: 'ws-1', protocol: 'WS' };
    assert.deepEqual(responseDestination(via('SIP/2.0/WS df7jal23ls0d.invalid'), wsFlow, true), { kind: 'flow', flow: wsFlow });
    assert.deepEqual(responseDestination(via('SIP/2.0/SCTP 192.0.2.1'), tcpFlow, true), { kind: 'flow', flow: tcpFlow });
    assert.equal(responseDestination(via('SIP/2.0/SCTP 192.0.2.1'), undefined, false).kind, 'none');
  });
});

describe('received and rport (RFC 3261 §18.2.1, RFC 3581 §4)', () => {
  const source = { address: '192.0.2.1', port: 9988 };

  it('received - a domain sent-by gets received', () => {
    const v = withReceived(via('SIP/2.0/UDP bobspc.biloxi.com:5060'), { address: '192.0.2.4', port: 5060 });
    assert.equal(v?.toString(), 'SIP/2.0/UDP bobspc.biloxi.com:5060;received=192.0.2.4');
  });

  it('received - an IP sent-by equal to the source needs nothing; a different one gets received', () => {
    assert.equal(withReceived(via('SIP/2.0/UDP 192.0.2.1:5060'), source), undefined);
    assert.equal(withReceived(via('SIP/2.0/UDP 192.0.2.7:5060'), source)?.received, '192.0.2.1');
  });

  it('rport - an empty rport is filled and received added even when equal (RFC 3581 §6 example)', () => {
    const v = withReceived(via('SIP/2.0/UDP 10.1.1.1:4540;rport;branch=z9hG4bKkjshdyff'), source);
    assert.equal(v?.toString(), 'SIP/2.0/UDP 10.1.1.1:4540;rport=9988;branch=z9hG4bKkjshdyff;received=192.0.2.1');
    const same = withReceived(via('SIP/2.0/UDP 192.0.2.1:5060;rport'), source);
    assert.equal(same?.received, '192.0.2.1');
    assert.equal(same?.rport, 9988);
  });

  it('rport - a valued rport is left alone', () => {
    const v = withReceived(via('SIP/2.0/UDP 10.1.1.1:4540;rport=1111'), source);
    assert.equal(v?.rport, 1111);
    assert.equal(v?.received, '192.0.2.1');
  });

  it('ipv6 - spellings of the same address compare equal', () => {
    assert.equal(withReceived(via('SIP/2.0/UDP [2001:DB8:0:0::1]:5060'), { address: '2001:db8::1', port: 5060 }), undefined);
    assert.equal(withReceived(via('SIP/2.0/UDP 192.0.2.1'), { address: '::ffff:192.0.2.1', port: 5060 }), undefined);
    assert.equal(normalizeAddress('[::FFFF:c000:0201]'), '192.0.2.1');
    assert.ok(sameAddress('2001:db8:0:0:0:0:0:1', '[2001:db8::1]'));
    assert.ok(!sameAddress('2001:db8::1', '2001:db8::2'));
  });
});
