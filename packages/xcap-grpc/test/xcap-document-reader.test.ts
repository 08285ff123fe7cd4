// XcapDocumentReader against a real gRPC server on loopback (the generated service definition
// with handlers of the test's own) and the real NATS, reached through a TCP relay that the
// test can cut to make the client see a disconnect.
import assert from 'node:assert/strict';
import { createServer, connect as tcpConnect, type Server as TcpServer, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Server, ServerCredentials, status, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { xcapSubjects, type XcapChangeEvent } from '@simple/contracts';
import { XcapDocumentReader, XcapDocumentsService, XcapReadError, type GetDocumentRequest, type GetDocumentResponse, type XcapDocumentsServer } from '../src/index.js';

interface Doc {
  etag: string;
  body: string;
}

describe('xcap document reader (loopback gRPC, real NATS)', () => {
  const docs = new Map<string, Doc>();
  const requests: GetDocumentRequest[] = [];
  let grpc: Server;
  let address: string;
  let relay: Relay;
  let nats: NatsConnection;
  let publisher: NatsConnection;

  before(async () => {
    grpc = new Server();
    const handlers: XcapDocumentsServer = {
      getDocument(call: ServerUnaryCall<GetDocumentRequest, GetDocumentResponse>, cb: sendUnaryData<GetDocumentResponse>) {
        const r = call.request;
        requests.push(r);
        if (r.auid === 'slow') return; // never answers: the client's deadline ends the call
        if (r.auid === 'bad') return cb({ code: status.INVALID_ARGUMENT, details: 'auid: bad' });
        const d = docs.get(`${r.auid}|${r.xui}|${r.path}`);
        if (d === undefined) return cb(null, { found: false, etag: '', contentType: '', body: '', notModified: false });
        if (r.ifNoneMatch === d.etag) return cb(null, { found: true, etag: d.etag, contentType: 'application/test+xml', body: '', notModified: true });
        cb(null, { found: true, etag: d.etag, contentType: 'application/test+xml', body: d.body, notModified: false });
      },
      getDocumentVersions(call, cb) {
        const r = call.request;
        const d = docs.get(`${r.auid}|${r.xui}|${r.path}`);
        if (d === undefined) return cb(null, { found: false, etag: '', body: '', history: [] });
        cb(null, { found: true, etag: d.etag, body: d.body, history: [{ previousEtag: r.sinceEtag, etag: d.etag, previousBody: '<old/>' }] });
      },
      listDocuments(_call, cb) {
        cb(null, { documents: [...docs.keys()].map((k) => ({ auid: k.split('|')[0] ?? '', path: k.split('|')[2] ?? '', etag: docs.get(k)?.etag ?? '' })) });
      },
    };
    grpc.addService(XcapDocumentsService, handlers);
    const port = await new Promise<number>((res, rej) => grpc.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) => (e === null ? res(p) : rej(e))));
    address = `127.0.0.1:${port}`;
    relay = await startRelay(4222);
    nats = await connect({ servers: `127.0.0.1:${relay.port}`, reconnectTimeWait: 50, maxReconnectAttempts: -1, ignoreClusterUpdates: true, name: 'xcap-reader-test' });
    publisher = await connect({ servers: '127.0.0.1:4222', name: 'xcap-reader-test-pub' });
  });

  after(async () => {
    await nats.close();
    await publisher.close();
    await relay.close();
    grpc.forceShutdown();
  });

  /** Publishes a change event and waits until it went through NATS to the reader's connection. */
  async function changed(auid: string, xui: string, path: string, newEtag: string): Promise<void> {
    const ev: XcapChangeEvent = { auid, xui, document: path, newEtag, at: Date.now() };
    publisher.publish(xcapSubjects.documentChanged(auid), JSON.stringify(ev));
    await publisher.flush();
    await nats.flush();
  }

  it('get - document, not-found and not-modified; the xui of the global tree is sent empty', async () => {
    docs.set('resource-lists|sip:a@r.test|index', { etag: 'e1', body: '<a/>' });
    const reader = await XcapDocumentReader.connect({ address });
    try {
      assert.deepEqual(await reader.get({ auid: 'resource-lists', xui: 'sip:a@r.test', path: 'index' }), { kind: 'document', etag: 'e1', contentType: 'application/test+xml', body: '<a/>' });
      assert.deepEqual(await reader.get({ auid: 'resource-lists', xui: 'sip:a@r.test', path: 'index' }, { ifNoneMatch: 'e1' }), { kind: 'not-modified', etag: 'e1' });
      assert.equal(requests.at(-1)?.ifNoneMatch, 'e1', 'without a cache, If-None-Match goes to the server');
      assert.deepEqual(await reader.get({ auid: 'xcap-caps', xui: undefined, path: 'index' }), { kind: 'not-found' });
      assert.equal(requests.at(-1)?.xui, '');
      assert.deepEqual(await reader.list('sip:a@r.test'), [{ auid: 'resource-lists', path: 'index', etag: 'e1' }]);
      assert.deepEqual(await reader.versions({ auid: 'resource-lists', xui: 'sip:a@r.test', path: 'index' }, 'e0'), {
        etag: 'e1',
        body: '<a/>',
        history: [{ previousEtag: 'e0', etag: 'e1', previousBody: '<old/>' }],
      });
      assert.equal(await reader.versions({ auid: 'resource-lists', xui: 'sip:nobody@r.test', path: 'index' }, 'e0'), undefined);
      assert.equal(reader.cachedEntries, 0, 'no cache asked for');
    } finally {
      reader.close();
    }
  });

  it('errors - a refusal and a deadline are XcapReadError with the gRPC status', async () => {
    const reader = await XcapDocumentReader.connect({ address, deadlineMs: 200 });
    try {
      await assert.rejects(reader.get({ auid: 'bad', xui: undefined, path: 'x' }), (e: unknown) => e instanceof XcapReadError && e.code === status.INVALID_ARGUMENT && e.codeName === 'INVALID_ARGUMENT' && e.details === 'auid: bad');
      const t0 = Date.now();
      await assert.rejects(reader.get({ auid: 'slow', xui: undefined, path: 'x' }), (e: unknown) => e instanceof XcapReadError && e.code === status.DEADLINE_EXCEEDED);
      assert.ok(Date.now() - t0 < 2000, 'the deadline ended the call');
    } finally {
      reader.close();
    }
  });

  it('cache - reads are served from the cache; a change event drops that document only', async () => {
    docs.set('pres-rules|sip:c@r.test|index', { etag: 'p1', body: '<p1/>' });
    docs.set('pres-rules|sip:c@r.test|other', { etag: 'o1', body: '<o1/>' });
    const reader = await XcapDocumentReader.connect({ address, cache: { nats, maxEntries: 10 } });
    try {
      const ref = { auid: 'pres-rules', xui: 'sip:c@r.test', path: 'index' };
      const other = { auid: 'pres-rules', xui: 'sip:c@r.test', path: 'other' };
      await reader.get(ref);
      await reader.get(other);
      const n = requests.length;
      assert.equal((await reader.get(ref)).kind, 'document');
      assert.deepEqual(await reader.get(ref, { ifNoneMatch: '"p1"' }), { kind: 'not-modified', etag: 'p1' }, 'answered from the cache');
      assert.equal(requests.length, n, 'no call reached the server');
      docs.set('pres-rules|sip:c@r.test|index', { etag: 'p2', body: '<p2/>' });
      await changed('pres-rules', 'sip:c@r.test', 'index', 'p2');
      assert.deepEqual(await reader.get(ref), { kind: 'document', etag: 'p2', contentType: 'application/test+xml', body: '<p2/>' });
      assert.equal((await reader.get(other)).kind, 'document');
      assert.equal(requests.length, n + 1, 'only the changed document was read again');
    } finally {
      reader.close();
    }
  });

  it('cache - a NATS disconnect empties it and nothing is cached until the connection is back', async () => {
    docs.set('resource-lists|sip:d@r.test|index', { etag: 'd1', body: '<d/>' });
    const reader = await XcapDocumentReader.connect({ address, cache: { nats, maxEntries: 10 } });
    try {
      const ref = { auid: 'resource-lists', xui: 'sip:d@r.test', path: 'index' };
      await reader.get(ref);
      assert.equal(reader.cachedEntries, 1);
      const reconnected = waitStatus(nats, 'reconnect');
      const disconnected = waitStatus(nats, 'disconnect');
      relay.cut();
      await disconnected;
      assert.equal(reader.cachedEntries, 0, 'emptied on disconnect');
      const n = requests.length;
      await reader.get(ref);
      await reader.get(ref);
      assert.equal(requests.length, n + 2, 'not cached while events may be missed');
      relay.restore();
      await reconnected;
      await reader.get(ref);
      await reader.get(ref);
      assert.equal(requests.length, n + 3, 'cached again once reconnected');
      // And events flow again after the reconnection.
      docs.set('resource-lists|sip:d@r.test|index', { etag: 'd2', body: '<d2/>' });
      await changed('resource-lists', 'sip:d@r.test', 'index', 'd2');
      const got = await reader.get(ref);
      assert.ok(got.kind === 'document' && got.etag === 'd2');
    } finally {
      reader.close();
    }
  });

  it('cache - an event that cannot be read empties the cache and is reported', async () => {
    docs.set('resource-lists|sip:e@r.test|index', { etag: 'x1', body: '<e/>' });
    const bad: string[] = [];
    const reader = await XcapDocumentReader.connect({ address, cache: { nats, maxEntries: 10, onBadEvent: (e) => bad.push(e) } });
    try {
      await reader.get({ auid: 'resource-lists', xui: 'sip:e@r.test', path: 'index' });
      assert.equal(reader.cachedEntries, 1);
      publisher.publish(xcapSubjects.documentChanged('resource-lists'), 'not json');
      await publisher.flush();
      await nats.flush();
      assert.equal(reader.cachedEntries, 0);
      assert.deepEqual(bad, ['not JSON']);
    } finally {
      reader.close();
    }
  });
});

async function waitStatus(nc: NatsConnection, type: string): Promise<void> {
  for await (const s of nc.status()) if (s.type === type) return;
}

interface Relay {
  readonly port: number;
  /** Drops every connection and refuses new ones. */
  cut(): void;
  /** Accepts connections again. */
  restore(): void;
  close(): Promise<void>;
}

/** A TCP relay to 127.0.0.1:`target` on a port of its own. */
async function startRelay(target: number): Promise<Relay> {
  const sockets = new Set<Socket>();
  let open = true;
  const server: TcpServer = createServer((client) => {
    if (!open) return client.destroy();
    const upstream = tcpConnect(target, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
  });
  const port = await new Promise<number>((res) => server.listen(0, '127.0.0.1', () => res((server.address() as { port: number }).port)));
  return {
    port,
    cut() {
      open = false;
      for (const s of sockets) s.destroy();
    },
    restore() {
      open = true;
    },
    close: () =>
      new Promise<void>((res) => {
        for (const s of sockets) s.destroy();
        server.close(() => res());
      }),
  };
}
