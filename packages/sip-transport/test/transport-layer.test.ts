import assert from 'node:assert/strict';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { after, before, describe, it } from 'node:test';

import { createResponse, parseMessage, type SipResponse } from '@simple/sip-message';

import { TransportError, type ListenerConfig, type TransportProtocol } from '../src/index.js';
import { makeCertificate, sipRequest, type TestCertificate } from './helpers.js';
import { eventually, request, startNode, type Node } from './layer-helpers.js';

let cert: TestCertificate;
before(() => {
  cert = makeCertificate();
});
after(() => cert.dispose());

function listener(protocol: TransportProtocol, extra: Partial<ListenerConfig> = {}): ListenerConfig {
  const tls = protocol === 'TLS' || protocol === 'WSS' ? { tls: { key: cert.key, cert: cert.cert } } : {};
  return { protocol, address: '127.0.0.1', port: 0, ...tls, ...extra };
}

async function stopAll(...nodes: Node[]): Promise<void> {
  await Promise.all(nodes.map((n) => n.layer.stop()));
}

/** A raw UDP socket on 127.0.0.1 that records what it receives. */
async function rawUdp(): Promise<{ socket: UdpSocket; port: number; received: Buffer[]; send(text: string, port: number): Promise<void> }> {
  const socket = createSocket('udp4');
  const received: Buffer[] = [];
  socket.on('message', (m) => received.push(m));
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  return {
    socket,
    port: socket.address().port,
    received,
    send: (text, port) => new Promise<void>((r) => socket.send(text, port, '127.0.0.1', () => r())),
  };
}

function parseResponse(b: Buffer | undefined): SipResponse {
  assert.ok(b);
  const r = parseMessage(b);
  assert.ok(r.ok, 'response parses');
  assert.equal(r.value.kind, 'response');
  return r.value as SipResponse;
}

describe('TransportLayer', () => {
  for (const protocol of ['UDP', 'TCP', 'TLS', 'WS', 'WSS'] as const) {
    it(`round trip - ${protocol}: request goes up with its flow, the response comes back over the same flow`, async () => {
      const server = await startNode({ listeners: [listener(protocol)] });
      const client = await startNode({ listeners: [listener(protocol)], tlsClient: { ca: cert.cert } });
      try {
        const req = request({ method: 'MESSAGE', body: 'hello' });
        const out = await client.layer.sendRequest(req, { protocol, address: '127.0.0.1', port: server.port(protocol) });
        assert.equal(out.protocol, protocol);
        // §18.1.1: the layer filled the Via sent-by and transport.
        const sentVia = req.topVia;
        assert.equal(sentVia.transport, protocol);
        assert.equal(sentVia.host, '127.0.0.1');
        assert.equal(sentVia.port, client.port(protocol));
        assert.equal(sentVia.branch, 'z9hG4bKtest1');

        await eventually(() => server.user.requests.length === 1);
        const got = server.user.requests[0];
        assert.ok(got);
        assert.equal(got.request.method, 'MESSAGE');
        assert.equal(got.request.body.toString(), 'hello');
        assert.equal(got.flow.protocol, protocol);
        // RFC 3581 §4: rport filled with the source port, received added even though equal to sent-by.
        assert.equal(got.request.topVia.rport, got.flow.remote.port);
        assert.equal(got.request.topVia.received, '127.0.0.1');

        const res = createResponse(got.request, 200);
        const back = await server.layer.sendResponse(res, got.flow);
        assert.equal(back.protocol, protocol);
        if (protocol !== 'UDP') assert.equal(back.id, got.flow.id, 'same connection');

        await eventually(() => client.user.responses.length === 1);
        const resp = client.user.responses[0];
        assert.equal(resp?.response.status, 200);
        assert.equal(resp.flow.id, out.id, 'the response arrived on the flow the request left on');
        assert.equal(server.stats.get('requestsReceived', protocol), 1);
        assert.equal(client.stats.get('responsesReceived', protocol), 1);
      } finally {
        await stopAll(client, server);
      }
    });
  }

  it('round trip - UDP over IPv6: bracketed sent-by, received and rport, response back', async () => {
    const server = await startNode({ listeners: [{ protocol: 'UDP', address: '::1', port: 0 }] });
    const client = await startNode({ listeners: [{ protocol: 'UDP', address: '::1', port: 0 }] });
    try {
      const req = request();
      await client.layer.sendRequest(req, { protocol: 'UDP', address: '::1', port: server.port('UDP') });
      assert.equal(req.topVia.host, '[::1]');
      await eventually(() => server.user.requests.length === 1);
      const got = server.user.requests[0];
      assert.ok(got);
      assert.equal(got.request.topVia.received, '::1');
      assert.equal(got.request.topVia.rport, client.port('UDP'));
      await server.layer.sendResponse(createResponse(got.request, 202), got.flow);
      await eventually(() => client.user.responses.length === 1);
      assert.equal(client.user.responses[0]?.response.status, 202);
    } finally {
      await stopAll(client, server);
    }
  });

  it('sent-by - a configured sent-by host and port go into the Via, and responses to them are accepted', async () => {
    const server = await startNode({ listeners: [listener('TCP')] });
    const client = await startNode({ listeners: [listener('TCP', { sentByHost: 'edge.example.com', sentByPort: 5080 })], addRport: false });
    try {
      const req = request();
      await client.layer.sendRequest(req, { protocol: 'TCP', address: '127.0.0.1', port: server.port('TCP') });
      assert.equal(req.topVia.toString(), 'SIP/2.0/TCP edge.example.com:5080;branch=z9hG4bKtest1');
      await eventually(() => server.user.requests.length === 1);
      const got = server.user.requests[0];
      assert.ok(got);
      assert.equal(got.request.topVia.received, '127.0.0.1', 'a domain sent-by gets received');
      await server.layer.sendResponse(createResponse(got.request, 200), got.flow);
      await eventually(() => client.user.responses.length === 1);
    } finally {
      await stopAll(client, server);
    }
  });

  it('received - added for a domain sent-by or a different IP, rport filled only when asked', async () => {
    const server = await startNode({ listeners: [listener('UDP')] });
    const raw = await rawUdp();
    try {
      const cases = [
        { via: 'SIP/2.0/UDP pc33.example.com;branch=z9hG4bK1', received: '127.0.0.1', rport: undefined },
        { via: 'SIP/2.0/UDP 192.0.2.4:5060;branch=z9hG4bK2', received: '127.0.0.1', rport: undefined },
        { via: `SIP/2.0/UDP 127.0.0.1:${raw.port};branch=z9hG4bK3`, received: undefined, rport: undefined },
        { via: `SIP/2.0/UDP 10.1.1.1:4540;rport;branch=z9hG4bK4`, received: '127.0.0.1', rport: raw.port },
        { via: `SIP/2.0/UDP 127.0.0.1;rport;branch=z9hG4bK5`, received: '127.0.0.1', rport: raw.port },
        { via: `SIP/2.0/UDP 10.1.1.1;rport=1234;branch=z9hG4bK6`, received: '127.0.0.1', rport: 1234 },
      ];
      for (const c of cases) await raw.send(sipRequest({ via: c.via }), server.port('UDP'));
      await eventually(() => server.user.requests.length === cases.length);
      cases.forEach((c, i) => {
        const via = server.user.requests.find((r) => r.request.topVia.branch === `z9hG4bK${i + 1}`)?.request.topVia;
        assert.ok(via, `case ${i + 1}`);
        assert.equal(via.received, c.received, `received, case ${i + 1}`);
        assert.equal(via.rport, c.rport, `rport, case ${i + 1}`);
      });
    } finally {
      raw.socket.close();
      await stopAll(server);
    }
  });

  it('received - UDP response goes to received + rport (RFC 3581), else received + sent-by port', async () => {
    const server = await startNode({ listeners: [listener('UDP')] });
    const raw = await rawUdp();
    const other = await rawUdp();
    try {
      await raw.send(sipRequest({ via: 'SIP/2.0/UDP 10.0.0.1:4540;rport;branch=z9hG4bKa' }), server.port('UDP'));
      await raw.send(sipRequest({ via: `SIP/2.0/UDP nat.example.com:${other.port};branch=z9hG4bKb` }), server.port('UDP'));
      await eventually(() => server.user.requests.length === 2);
      for (const { request: req, flow } of server.user.requests) await server.layer.sendResponse(createResponse(req, 200), flow);
      await eventually(() => raw.received.length === 1 && other.received.length === 1);
      assert.equal(parseResponse(raw.received[0]).topVia.branch, 'z9hG4bKa');
      assert.equal(parseResponse(other.received[0]).topVia.branch, 'z9hG4bKb');
    } finally {
      raw.socket.close();
      other.socket.close();
      await stopAll(server);
    }
  });

  it('mtu - a UDP request over 1300 bytes goes over TCP, with the Via transport updated', async () => {
    const server = await startNode({ listeners: [listener('UDP'), listener('TCP')] });
    const udpPort = server.port('UDP');
    const tcpPort = server.port('TCP');
    // Same port for UDP and TCP is what RFC 3261 §18.2.1 asks; here the TCP target port is given explicitly.
    const client = await startNode({ listeners: [listener('UDP'), listener('TCP')] });
    try {
      const small = request();
      const f1 = await client.layer.sendRequest(small, { protocol: 'UDP', address: '127.0.0.1', port: udpPort });
      assert.equal(f1.protocol, 'UDP');
      const big = request({ body: 'x'.repeat(1400), branch: 'z9hG4bKbig' });
      const f2 = await client.layer.sendRequest(big, { protocol: 'UDP', address: '127.0.0.1', port: tcpPort });
      assert.equal(f2.protocol, 'TCP');
      assert.equal(big.topVia.transport, 'TCP');
      assert.equal(client.stats.get('mtuTcpSwitches'), 1);
      await eventually(() => server.user.requests.length === 2);
      const viaBig = server.user.requests.find((r) => r.flow.protocol === 'TCP')?.request.topVia;
      assert.equal(viaBig?.transport, 'TCP');
      // Just under the threshold stays on UDP; so does a target that does not allow TCP.
      const smallPath = await startNode({ listeners: [listener('UDP'), listener('TCP')], pathMtu: 9000 });
      try {
        const f3 = await smallPath.layer.sendRequest(request({ body: 'x'.repeat(1400) }), { protocol: 'UDP', address: '127.0.0.1', port: udpPort });
        assert.equal(f3.protocol, 'UDP');
      } finally {
        await smallPath.layer.stop();
      }
      const f4 = await client.layer.sendRequest(request({ body: 'x'.repeat(1400) }), { protocol: 'UDP', address: '127.0.0.1', port: udpPort, tcpAllowed: false });
      assert.equal(f4.protocol, 'UDP');
    } finally {
      await stopAll(client, server);
    }
  });

  it('mtu - when the TCP connection is refused, the request is sent over UDP after all', async () => {
    const server = await startNode({ listeners: [listener('UDP')] });
    const client = await startNode({ listeners: [listener('UDP'), listener('TCP')] });
    try {
      const big = request({ body: 'x'.repeat(1400) });
      const flow = await client.layer.sendRequest(big, { protocol: 'UDP', address: '127.0.0.1', port: server.port('UDP') });
      assert.equal(flow.protocol, 'UDP');
      assert.equal(big.topVia.transport, 'UDP');
      await eventually(() => server.user.requests.length === 1);
      assert.equal(server.user.requests[0]?.request.topVia.transport, 'UDP');
    } finally {
      await stopAll(client, server);
    }
  });

  it('connection reuse - a response to a closed connection opens one to received and the sent-by port', async () => {
    const server = await startNode({ listeners: [listener('TCP')] });
    const client = await startNode({ listeners: [listener('TCP')] });
    try {
      await client.layer.sendRequest(request(), { protocol: 'TCP', address: '127.0.0.1', port: server.port('TCP') });
      await eventually(() => server.user.requests.length === 1);
      const got = server.user.requests[0];
      assert.ok(got);
      server.layer.transports.closeFlow(got.flow);
      await eventually(() => server.user.closed.length === 1 && client.user.closed.length === 1);
      const back = await server.layer.sendResponse(createResponse(got.request, 200), got.flow);
      assert.notEqual(back.id, got.flow.id);
      assert.equal(back.remote.port, client.port('TCP'), 'to the sent-by port');
      await eventually(() => client.user.responses.length === 1);
    } finally {
      await stopAll(client, server);
    }
  });

  it('connection reuse - requests in both directions share one connection; a request can go over a given flow', async () => {
    const server = await startNode({ listeners: [listener('TCP')] });
    const client = await startNode({ listeners: [listener('TCP')] });
    try {
      const f1 = await client.layer.sendRequest(request(), { protocol: 'TCP', address: '127.0.0.1', port: server.port('TCP') });
      const f2 = await client.layer.sendRequest(request(), { protocol: 'TCP', address: '127.0.0.1', port: server.port('TCP') });
      assert.equal(f1.id, f2.id);
      await eventually(() => server.user.requests.length === 2);
      const inbound = server.user.requests[0]?.flow;
      assert.ok(inbound);
      // RFC 5626: the server reaches the client over the flow it registered on.
      const f3 = await server.layer.sendRequest(request({ method: 'NOTIFY' }), { flow: inbound });
      assert.equal(f3.id, inbound.id);
      await eventually(() => client.user.requests.length === 1);
      assert.equal(client.user.requests[0]?.flow.id, f1.id);
      assert.equal(client.stats.get('connectionsOpened', 'TCP'), 1);
      assert.equal(server.stats.get('connectionsOpened', 'TCP'), 0);
      server.layer.transports.closeFlow(inbound);
      const err = await server.layer.sendRequest(request(), { flow: inbound }).catch((e: unknown) => e);
      assert.ok(err instanceof TransportError && err.code === 'flow-closed');
    } finally {
      await stopAll(client, server);
    }
  });

  it('responses - a response whose top Via is not ours is discarded (§18.1.2)', async () => {
    const client = await startNode({ listeners: [listener('UDP')] });
    const raw = await rawUdp();
    try {
      const response = (via: string): string =>
        sipRequest({ via }).replace(/^OPTIONS sip:bob@example.com SIP\/2.0/, 'SIP/2.0 200 OK');
      await raw.send(response('SIP/2.0/UDP 192.0.2.99:5060;branch=z9hG4bKx'), client.port('UDP'));
      await raw.send(response(`SIP/2.0/UDP 127.0.0.1:${client.port('UDP') + 1};branch=z9hG4bKy`), client.port('UDP'));
      await raw.send(response(`SIP/2.0/UDP 127.0.0.1:${client.port('UDP')};branch=z9hG4bKz`), client.port('UDP'));
      await eventually(() => client.stats.get('responsesReceived') === 3);
      assert.equal(client.stats.get('responsesDiscarded'), 2);
      assert.equal(client.user.responses.length, 1);
      assert.equal(client.user.responses[0]?.response.topVia.branch, 'z9hG4bKz');
    } finally {
      raw.socket.close();
      await stopAll(client);
    }
  });

  it('parse errors - an answerable bad request gets the parser\'s status and a reason naming the defect', async () => {
    const server = await startNode({ listeners: [listener('UDP')] });
    const raw = await rawUdp();
    try {
      const badCSeq = sipRequest({ via: `SIP/2.0/UDP 127.0.0.1:${raw.port};branch=z9hG4bKbad` }).replace('CSeq: 314159 OPTIONS', 'CSeq: 314159 INVITE');
      await raw.send(badCSeq, server.port('UDP'));
      await eventually(() => raw.received.length === 1);
      const r1 = parseResponse(raw.received[0]);
      assert.equal(r1.status, 400);
      assert.match(r1.reason, /CSeq/);
      const badVersion = sipRequest({ via: `SIP/2.0/UDP 127.0.0.1:${raw.port};branch=z9hG4bKver` }).replace('sip:bob@example.com SIP/2.0', 'sip:bob@example.com SIP/7.0');
      await raw.send(badVersion, server.port('UDP'));
      await eventually(() => raw.received.length === 2);
      assert.equal(parseResponse(raw.received[1]).status, 505);
      assert.equal(server.stats.get('parseErrors'), 2);
      assert.equal(server.stats.get('parseErrorResponsesSent'), 2);
      assert.equal(server.user.requests.length, 0);
    } finally {
      raw.socket.close();
      await stopAll(server);
    }
  });

  it('parse errors - a bad response, a bad ACK and garbage are dropped and counted', async () => {
    const server = await startNode({ listeners: [listener('UDP')] });
    const raw = await rawUdp();
    try {
      await raw.send('SIP/2.0 2000 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKq\r\n\r\n', server.port('UDP'));
      await raw.send(sipRequest({ method: 'ACK' }).replace('CSeq: 314159 ACK', 'CSeq: x ACK'), server.port('UDP'));
      await raw.send('\x00\x01garbage', server.port('UDP'));
      await eventually(() => server.stats.get('messagesDropped') === 3);
      assert.equal(server.stats.get('parseErrors'), 3);
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(raw.received.length, 0);
    } finally {
      raw.socket.close();
      await stopAll(server);
    }
  });

  it('user errors - an exception thrown by the TransportUser is caught and counted', async () => {
    const errors: unknown[] = [];
    const server = await startNode({ listeners: [listener('UDP')], onUserError: (e) => errors.push(e) });
    server.user.onRequest = () => {
      throw new Error('boom');
    };
    const raw = await rawUdp();
    try {
      await raw.send(sipRequest(), server.port('UDP'));
      await eventually(() => errors.length === 1);
      assert.equal(server.stats.get('userErrors', 'UDP'), 1);
    } finally {
      raw.socket.close();
      await stopAll(server);
    }
  });

  it('sending - a message without a Via cannot be sent', async () => {
    const node = await startNode({ listeners: [listener('UDP')] });
    try {
      const req = request();
      req.headers.remove('via');
      const err = await node.layer.sendRequest(req, { protocol: 'UDP', address: '127.0.0.1', port: 9 }).catch((e: unknown) => e);
      assert.ok(err instanceof TransportError && err.code === 'invalid-message');
    } finally {
      await stopAll(node);
    }
  });
});
