import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { WebSocket } from 'ws';

import { TransportError, TransportSet, TransportStats, type ListenerConfig, type TlsClientOptions } from '../src/index.js';
import { RecordingSink, makeCertificate, sipRequest, type TestCertificate } from './helpers.js';

const MSG = sipRequest({ method: 'MESSAGE', body: 'hi' });

let cert: TestCertificate;
before(() => {
  cert = makeCertificate();
});
after(() => cert.dispose());

async function start(listener: ListenerConfig, stats?: TransportStats, tlsClient?: TlsClientOptions) {
  const sink = new RecordingSink();
  const set = new TransportSet({ listeners: [listener], metrics: stats, tlsClient }, sink);
  await set.start();
  return { set, sink, port: set.listeners()[0]?.local.port ?? 0 };
}

describe('TLS, WS and WSS transports', () => {
  it('tls - round trip over a verified TLS connection, answer on the same connection', async () => {
    const server = await start({ protocol: 'TLS', address: '127.0.0.1', port: 0, tls: { key: cert.key, cert: cert.cert } });
    const client = await start({ protocol: 'TLS', address: '127.0.0.1', port: 0, tls: { key: cert.key, cert: cert.cert } }, undefined, { ca: cert.cert });
    try {
      const out = await client.set.send('TLS', { address: '127.0.0.1', port: server.port }, Buffer.from(MSG));
      assert.equal(out.protocol, 'TLS');
      await server.sink.until(() => server.sink.messages.length === 1);
      const inbound = server.sink.messages[0]?.flow;
      assert.ok(inbound);
      assert.equal(inbound.protocol, 'TLS');
      assert.equal(server.sink.messages[0]?.data.toString(), MSG);
      assert.equal(await server.set.sendOnFlow(inbound, Buffer.from(MSG)), true);
      await client.sink.until(() => client.sink.messages.length === 1);
      assert.equal(client.sink.messages[0]?.flow.id, out.id);
    } finally {
      await client.set.stop();
      await server.set.stop();
    }
  });

  it('tls - a server whose certificate does not verify is refused', async () => {
    const server = await start({ protocol: 'TLS', address: '127.0.0.1', port: 0, tls: { key: cert.key, cert: cert.cert } });
    const client = await start({ protocol: 'TLS', address: '127.0.0.1', port: 0, clientOnly: true });
    try {
      const err = await client.set.send('TLS', { address: '127.0.0.1', port: server.port }, Buffer.from(MSG)).catch((e: unknown) => e);
      assert.ok(err instanceof TransportError && err.code === 'connect-failed');
      assert.equal(client.set.table.size, 0);
    } finally {
      await client.set.stop();
      await server.set.stop();
    }
  });

  it('ws - round trip, one SIP message per WebSocket message, answer on the same connection', async () => {
    const server = await start({ protocol: 'WS', address: '127.0.0.1', port: 0 });
    const client = await start({ protocol: 'WS', address: '127.0.0.1', port: 0, clientOnly: true });
    try {
      const out = await client.set.send('WS', { address: '127.0.0.1', port: server.port }, Buffer.from(MSG));
      await client.set.send('WS', { address: '127.0.0.1', port: server.port }, Buffer.from(MSG));
      await server.sink.until(() => server.sink.messages.length === 2);
      const inbound = server.sink.messages[0]?.flow;
      assert.ok(inbound);
      assert.equal(inbound.protocol, 'WS');
      assert.equal(server.sink.messages[1]?.flow.id, inbound.id, 'the second message reused the connection');
      assert.equal(server.sink.messages[0]?.data.toString(), MSG);
      assert.equal(await server.set.sendOnFlow(inbound, Buffer.from(MSG)), true);
      await client.sink.until(() => client.sink.messages.length === 1);
      assert.equal(client.sink.messages[0]?.flow.id, out.id);
      assert.equal(out.local.address, '127.0.0.1');
      assert.notEqual(out.local.port, 0);
    } finally {
      await client.set.stop();
      await server.set.stop();
    }
  });

  it('wss - round trip over WebSocket over TLS', async () => {
    const server = await start({ protocol: 'WSS', address: '127.0.0.1', port: 0, tls: { key: cert.key, cert: cert.cert } });
    const client = await start({ protocol: 'WSS', address: '127.0.0.1', port: 0, clientOnly: true }, undefined, { ca: cert.cert });
    try {
      const out = await client.set.send('WSS', { address: '127.0.0.1', port: server.port }, Buffer.from(MSG));
      await server.sink.until(() => server.sink.messages.length === 1);
      const inbound = server.sink.messages[0]?.flow;
      assert.ok(inbound);
      assert.equal(inbound.protocol, 'WSS');
      await server.set.sendOnFlow(inbound, Buffer.from(MSG));
      await client.sink.until(() => client.sink.messages.length === 1);
      assert.equal(client.sink.messages[0]?.flow.id, out.id);
    } finally {
      await client.set.stop();
      await server.set.stop();
    }
  });

  it('ws - a WebSocket without the "sip" subprotocol is refused', async () => {
    const stats = new TransportStats();
    const server = await start({ protocol: 'WS', address: '127.0.0.1', port: 0 }, stats);
    try {
      for (const protocols of [[], ['chat']]) {
        const status = await new Promise<number | string>((resolve) => {
          const ws = new WebSocket(`ws://127.0.0.1:${server.port}/`, protocols);
          ws.on('unexpected-response', (_req, res) => {
            resolve(res.statusCode ?? 0);
            ws.terminate();
          });
          ws.on('open', () => {
            resolve('open');
            ws.terminate();
          });
          ws.on('error', () => resolve('error'));
        });
        assert.equal(status, 400);
      }
      assert.equal(stats.get('wsSubprotocolRefused', 'WS'), 2);
      assert.equal(server.set.table.size, 0);
    } finally {
      await server.set.stop();
    }
  });

  it('ws - a client with "sip" gets "sip" back; keep-alive ping answered; text and binary frames accepted', async () => {
    const server = await start({ protocol: 'WS', address: '127.0.0.1', port: 0 });
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/`, ['sip']);
    try {
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      assert.equal(ws.protocol, 'sip');
      const pong = new Promise<string>((resolve) => ws.once('message', (d: Buffer) => resolve(d.toString())));
      ws.send('\r\n\r\n');
      assert.equal(await pong, '\r\n');
      ws.send(MSG);
      ws.send(Buffer.from(MSG), { binary: true });
      await server.sink.until(() => server.sink.messages.length === 2);
      assert.equal(server.sink.messages[1]?.data.toString(), MSG);
    } finally {
      ws.terminate();
      await server.set.stop();
    }
  });

  it('ws - an outbound connection to a server that does not speak "sip" fails', async () => {
    const { WebSocketServer } = await import('ws');
    const plain = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => false });
    await new Promise<void>((r) => plain.once('listening', () => r()));
    const address = plain.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const client = await start({ protocol: 'WS', address: '127.0.0.1', port: 0, clientOnly: true });
    try {
      const err = await client.set.send('WS', { address: '127.0.0.1', port }, Buffer.from(MSG)).catch((e: unknown) => e);
      assert.ok(err instanceof TransportError && err.code === 'connect-failed');
      assert.equal(client.set.table.size, 0);
    } finally {
      await client.set.stop();
      for (const c of plain.clients) c.terminate();
      await new Promise<void>((r) => plain.close(() => r()));
    }
  });
});
