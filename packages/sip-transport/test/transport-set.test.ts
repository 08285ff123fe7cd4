import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { describe, it } from 'node:test';

import { TransportError, TransportSet, TransportStats, type ListenerConfig } from '../src/index.js';
import { FakeClock, RecordingSink, eventually, sipRequest } from './helpers.js';

const MSG = sipRequest({ method: 'MESSAGE', body: 'hi' });

async function pair(listeners: ListenerConfig[], extra: { clock?: FakeClock; maxConnections?: number; idleTimeoutMs?: number; stats?: TransportStats } = {}) {
  const sink = new RecordingSink();
  const set = new TransportSet(
    { listeners, clock: extra.clock, maxConnections: extra.maxConnections, idleTimeoutMs: extra.idleTimeoutMs, metrics: extra.stats },
    sink,
  );
  await set.start();
  return { set, sink };
}

function rawConnect(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port }, () => resolve(s));
    s.once('error', reject);
  });
}

describe('TransportSet (byte level)', () => {
  it('udp - IPv4 datagram round trip, answered on the same flow', async () => {
    const a = await pair([{ protocol: 'UDP', address: '127.0.0.1', port: 0 }]);
    const b = await pair([{ protocol: 'UDP', address: '127.0.0.1', port: 0 }]);
    try {
      const bPort = b.set.listeners()[0]?.local.port ?? 0;
      const sentFlow = await a.set.send('UDP', { address: '127.0.0.1', port: bPort }, Buffer.from(MSG));
      await b.sink.until(() => b.sink.messages.length === 1);
      const got = b.sink.messages[0];
      assert.equal(got?.data.toString(), MSG);
      assert.equal(got?.flow.protocol, 'UDP');
      assert.equal(got?.flow.remote.port, a.set.listeners()[0]?.local.port);
      assert.equal(await b.set.sendOnFlow(got.flow, Buffer.from('SIP/2.0 200 OK\r\n\r\n')), true);
      await a.sink.until(() => a.sink.messages.length === 1);
      assert.equal(a.sink.messages[0]?.flow.id, sentFlow.id, 'the answer arrives on the flow the request left on');
    } finally {
      await a.set.stop();
      await b.set.stop();
    }
  });

  it('udp - IPv6 datagram round trip', async () => {
    const a = await pair([{ protocol: 'UDP', address: '::1', port: 0 }]);
    const b = await pair([{ protocol: 'UDP', address: '::1', port: 0 }]);
    try {
      const bPort = b.set.listeners()[0]?.local.port ?? 0;
      await a.set.send('UDP', { address: '::1', port: bPort }, Buffer.from(MSG));
      await b.sink.until(() => b.sink.messages.length === 1);
      const flow = b.sink.messages[0]?.flow;
      assert.equal(flow?.remote.address, '::1');
      assert.equal(flow?.local.address, '::1');
    } finally {
      await a.set.stop();
      await b.set.stop();
    }
  });

  it('udp - CRLF keep-alive datagrams are ignored, oversize ones dropped', async () => {
    const stats = new TransportStats();
    const b = await pair([{ protocol: 'UDP', address: '127.0.0.1', port: 0 }], { stats });
    const raw = createSocket('udp4');
    try {
      const port = b.set.listeners()[0]?.local.port ?? 0;
      await new Promise<void>((r) => raw.send('\r\n\r\n', port, '127.0.0.1', () => r()));
      await new Promise<void>((r) => raw.send(MSG, port, '127.0.0.1', () => r()));
      await b.sink.until(() => b.sink.messages.length === 1);
      assert.equal(b.sink.messages[0]?.data.toString(), MSG);
      assert.equal(stats.get('keepAlivePingsReceived', 'UDP'), 1);
    } finally {
      raw.close();
      await b.set.stop();
    }
  });

  it('tcp - round trip; the answer goes back on the same connection', async () => {
    const a = await pair([{ protocol: 'TCP', address: '127.0.0.1', port: 0 }]);
    const b = await pair([{ protocol: 'TCP', address: '127.0.0.1', port: 0 }]);
    try {
      const bPort = b.set.listeners()[0]?.local.port ?? 0;
      const out = await a.set.send('TCP', { address: '127.0.0.1', port: bPort }, Buffer.from(MSG));
      await b.sink.until(() => b.sink.messages.length === 1);
      const inbound = b.sink.messages[0]?.flow;
      assert.ok(inbound);
      assert.equal(inbound.remote.port, out.local.port);
      assert.equal(await b.set.sendOnFlow(inbound, Buffer.from(MSG)), true);
      await a.sink.until(() => a.sink.messages.length === 1);
      assert.equal(a.sink.messages[0]?.flow.id, out.id);
      assert.equal(a.set.table.size, 1);
      assert.equal(b.set.table.size, 1);
    } finally {
      await a.set.stop();
      await b.set.stop();
    }
  });

  it('tcp - a request to a far end with an open connection reuses it', async () => {
    const stats = new TransportStats();
    const a = await pair([{ protocol: 'TCP', address: '127.0.0.1', port: 0 }], { stats });
    const b = await pair([{ protocol: 'TCP', address: '127.0.0.1', port: 0 }]);
    try {
      const target = { address: '127.0.0.1', port: b.set.listeners()[0]?.local.port ?? 0 };
      const [f1, f2] = await Promise.all([
        a.set.send('TCP', target, Buffer.from(MSG)),
        a.set.send('TCP', target, Buffer.from(MSG)),
      ]);
      const f3 = await a.set.send('TCP', target, Buffer.from(MSG));
      assert.equal(f1.id, f2.id);
      assert.equal(f1.id, f3.id);
      assert.equal(stats.get('connectionsOpened', 'TCP'), 1);
      await b.sink.until(() => b.sink.messages.length === 3);
      // And the reverse direction: b sending to a's ephemeral port reuses the accepted connection.
      const inbound = b.sink.messages[0]?.flow;
      assert.ok(inbound);
      const back = await b.set.send('TCP', inbound.remote, Buffer.from(MSG));
      assert.equal(back.id, inbound.id);
    } finally {
      await a.set.stop();
      await b.set.stop();
    }
  });

  it('tcp - CRLFCRLF ping is answered with a CRLF pong', async () => {
    const stats = new TransportStats();
    const b = await pair([{ protocol: 'TCP', address: '127.0.0.1', port: 0 }], { stats });
    const sock = await rawConnect(b.set.listeners()[0]?.local.port ?? 0);
    try {
      const received: Buffer[] = [];
      sock.on('data', (d: Buffer) => received.push(d));
      sock.write('\r\n\r\n');
      await eventually(() => Buffer.concat(received).length >= 2);
      assert.equal(Buffer.concat(received).toString(), '\r\n');
      sock.write(MSG);
      await b.sink.until(() => b.sink.messages.length === 1);
      assert.equal(stats.get('keepAlivePingsReceived', 'TCP'), 1);
    } finally {
      sock.destroy();
      await b.set.stop();
    }
  });

  it('tcp - a framing error closes the connection and is counted', async () => {
    const stats = new TransportStats();
    const b = await pair([{ protocol: 'TCP', address: '127.0.0.1', port: 0 }], { stats });
    const sock = await rawConnect(b.set.listeners()[0]?.local.port ?? 0);
    try {
      const closed = new Promise<void>((r) => sock.once('close', () => r()));
      sock.on('error', () => undefined);
      sock.write('OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP x\r\n\r\n');
      await closed;
      assert.equal(stats.get('framingErrors', 'TCP'), 1);
      await b.sink.until(() => b.sink.closed.length === 1);
      assert.equal(b.set.table.size, 0);
    } finally {
      sock.destroy();
      await b.set.stop();
    }
  });

  it('tcp - connections beyond maxConnections are refused', async () => {
    const stats = new TransportStats();
    const b = await pair([{ protocol: 'TCP', address: '127.0.0.1', port: 0 }], { stats, maxConnections: 1 });
    const port = b.set.listeners()[0]?.local.port ?? 0;
    const s1 = await rawConnect(port);
    s1.on('error', () => undefined);
    try {
      await eventually(() => b.set.table.size === 1);
      const s2 = await rawConnect(port).catch(() => undefined);
      if (s2 !== undefined) {
        s2.on('error', () => undefined);
        await new Promise<void>((r) => s2.once('close', () => r()));
      }
      assert.equal(b.set.table.size, 1);
      assert.ok(stats.get('connectionsRefused', 'TCP') + (s2 === undefined ? 1 : 0) >= 1);
      const sendErr = await b.set.send('TCP', { address: '127.0.0.1', port: 9 }, Buffer.from(MSG)).catch((e: unknown) => e);
      assert.ok(sendErr instanceof TransportError && sendErr.code === 'too-many-connections');
    } finally {
      s1.destroy();
      await b.set.stop();
    }
  });

  it('tcp - idle timeout closes an unused connection', async () => {
    const clock = new FakeClock();
    const stats = new TransportStats();
    const b = await pair([{ protocol: 'TCP', address: '127.0.0.1', port: 0 }], { clock, stats, idleTimeoutMs: 5000 });
    const sock = await rawConnect(b.set.listeners()[0]?.local.port ?? 0);
    sock.on('error', () => undefined);
    try {
      await eventually(() => b.set.table.size === 1);
      const closed = new Promise<void>((r) => sock.once('close', () => r()));
      clock.advance(4000);
      assert.equal(b.set.table.size, 1);
      clock.advance(1000);
      await closed;
      assert.equal(b.set.table.size, 0);
      assert.equal(stats.get('connectionsIdleClosed', 'TCP'), 1);
    } finally {
      sock.destroy();
      await b.set.stop();
    }
  });

  it('tcp - connect failure and connect timeout are reported as TransportError', async () => {
    const clock = new FakeClock();
    const a = await pair([{ protocol: 'TCP', address: '127.0.0.1', port: 0 }], { clock });
    // A port nobody listens on: bind one and close it.
    const probe = await pair([{ protocol: 'TCP', address: '127.0.0.1', port: 0 }]);
    const deadPort = probe.set.listeners()[0]?.local.port ?? 0;
    await probe.set.stop();
    try {
      const refused = await a.set.send('TCP', { address: '127.0.0.1', port: deadPort }, Buffer.from(MSG)).catch((e: unknown) => e);
      assert.ok(refused instanceof TransportError && refused.code === 'connect-failed');
      const pending = a.set.send('TCP', { address: '127.0.0.1', port: deadPort }, Buffer.from(MSG)).catch((e: unknown) => e);
      clock.advance(10_000); // fires the connect timer before the socket can settle
      const timedOut = await pending;
      assert.ok(timedOut instanceof TransportError && timedOut.code === 'connect-timeout');
      assert.equal(a.set.table.size, 0);
      assert.equal(a.set.table.reserve(), true, 'slots were given back');
      a.set.table.release();
    } finally {
      await a.set.stop();
    }
  });

  it('no transport - sending over an unconfigured protocol rejects', async () => {
    const a = await pair([{ protocol: 'UDP', address: '127.0.0.1', port: 0 }]);
    try {
      const err = await a.set.send('TLS', { address: '127.0.0.1', port: 5061 }, Buffer.from(MSG)).catch((e: unknown) => e);
      assert.ok(err instanceof TransportError && err.code === 'no-transport');
    } finally {
      await a.set.stop();
    }
  });
});
