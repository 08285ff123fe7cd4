// composeDiff against a real XCAP server (its process, with the real Redis): documents are
// written over HTTP, as clients write them, and read back through its gRPC read API.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { xcapHistory, xcapKeys } from '@simple/contracts';
import { digestFetch, freePort, startService, useRedisNamespace, type ServiceProcess } from '@simple/testkit';
import { UserStore } from '@simple/users';
import { Notifier, type NotifyTransport } from '@simple/sip-events';
import { createResponse, parseMessage, type SipRequest, type SipResponse } from '@simple/sip-message';
import { XcapDocumentReader } from '@simple/xcap-grpc';
import { applyPatch, canonicalXml, parseXml, type Element } from '@simple/xml';
import { composeDiff, diffModeOf } from '../src/compose-diff.js';
import { DiffViewStore, EMPTY_VIEW, type DiffView } from '../src/diff-view-store.js';
import { resyncAll } from '../src/resync.js';
import { xcapDiffPackage } from '../src/xcap-diff-package.js';
import { renderXcapDiff, type DiffEntry } from '../src/xcap-diff-document.js';
import { chainFrom, XcapDocuments } from '../src/xcap-documents.js';
import { entryUris, resolveWatches } from '../src/watch-list.js';

const ROOT = 'http://xcap.example.com/xcap-root/';
const PASSWORD = 'compose password';
const TYPES: Readonly<Record<string, string>> = { 'resource-lists': 'application/resource-lists+xml', 'pidf-manipulation': 'application/pidf+xml' };
const redis = new Redis('redis://127.0.0.1:6379');
const users = new UserStore(redis);
const domain = `xdc-${randomBytes(4).toString('hex')}.test`;
const made: string[] = [];
let xcap: ServiceProcess;
let base = '';
let reader: XcapDocumentReader;
let documents: XcapDocuments;

before(async () => {
  await users.addDomain(domain);
  const http = await freePort();
  const grpc = await freePort();
  xcap = await startService('xcap', { SIMPLE_XCAP_LISTEN: '127.0.0.1', SIMPLE_XCAP_PORT: String(http), SIMPLE_XCAP_GRPC_LISTEN: '127.0.0.1', SIMPLE_XCAP_GRPC_PORT: String(grpc) }, await freePort());
  base = `http://127.0.0.1:${http}/xcap-root`;
  reader = await XcapDocumentReader.connect({ address: `127.0.0.1:${grpc}` });
  documents = new XcapDocuments(reader);
});

after(async () => {
  reader.close();
  const code = await xcap.stop();
  for (const owner of made) {
    const xui = `sip:${owner}`;
    for (const f of await redis.hkeys(xcapKeys.directory(xui))) {
      const slash = f.indexOf('/');
      await redis.del(xcapKeys.document(f.slice(0, slash), xui, f.slice(slash + 1)), xcapKeys.history(f.slice(0, slash), xui, f.slice(slash + 1)));
    }
    await redis.del(xcapKeys.directory(xui));
    await users.removeUser(owner);
  }
  await users.removeDomain(domain);
  await redis.quit();
  assert.equal(code, 0, xcap.output());
});

const list = (...uris: string[]): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<resource-lists xmlns="urn:ietf:params:xml:ns:resource-lists">\n <list name="friends">\n${uris.map((u) => `  <entry uri="${u}"/>\n`).join('')} </list>\n</resource-lists>\n`;

/** A PUT of a whole document over XCAP as its owner; the new ETag. */
async function put(xui: string, auid: string, path: string, body: string): Promise<string> {
  const user = xui.slice(4, xui.indexOf('@'));
  const r = await digestFetch(user, PASSWORD)('PUT', `${base}/${auid}/users/${xui}/${path}`, body, TYPES[auid]);
  assert.ok(r.status === 200 || r.status === 201, `${r.status} ${await r.text()}`);
  return (r.headers.get('etag') ?? '').slice(1, -1);
}

async function remove(xui: string, auid: string, path: string): Promise<void> {
  const user = xui.slice(4, xui.indexOf('@'));
  const r = await digestFetch(user, PASSWORD)('DELETE', `${base}/${auid}/users/${xui}/${path}`);
  assert.equal(r.status, 200, await r.text());
}

async function user(): Promise<{ owner: string; xui: string }> {
  const owner = `u${randomBytes(4).toString('hex')}@${domain}`;
  await users.addUser(owner, PASSWORD);
  made.push(owner);
  return { owner, xui: `sip:${owner}` };
}

function watches(owner: string, ...uris: string[]) {
  return resolveWatches(uris, owner, ROOT, 100).watches;
}

function docEntries(entries: readonly DiffEntry[]): Array<Extract<DiffEntry, { kind: 'document' }>> {
  return entries.filter((e): e is Extract<DiffEntry, { kind: 'document' }> => e.kind === 'document');
}

function apply(body: string, patch: Element | 'unchanged' | undefined): string {
  const d = parseXml(body);
  assert.ok(d.ok);
  assert.ok(patch !== undefined && patch !== 'unchanged');
  const r = applyPatch(d.value, patch);
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return canonicalXml(r.value);
}

const canonical = (body: string): string => {
  const d = parseXml(body);
  assert.ok(d.ok);
  return canonicalXml(d.value);
};

describe('watch list (RFC 5875 §4.4, §4.7)', () => {
  it('reads every entry of a resource-lists body; refuses what is not one', () => {
    const ok = entryUris(Buffer.from('<resource-lists xmlns="urn:ietf:params:xml:ns:resource-lists"><list><entry uri="a/"/><list><entry uri="b/"/></list></list></resource-lists>'));
    assert.deepEqual(ok.ok && ok.uris, ['a/', 'b/']);
    assert.equal(entryUris(Buffer.from('<presence xmlns="urn:ietf:params:xml:ns:pidf"/>')).ok, false);
    assert.equal(entryUris(Buffer.from('<resource-lists')).ok, false);
    assert.equal(entryUris(Buffer.from('<!DOCTYPE x [<!ENTITY a "b">]><resource-lists xmlns="urn:ietf:params:xml:ns:resource-lists"/>')).ok, false);
  });

  it('keeps the watcher own documents, collections and components; leaves out other trees, other roots, namespaces and repeats', () => {
    const r = resolveWatches(
      [
        'resource-lists/users/sip:joe@example.com/index',
        'http://xcap.example.com/xcap-root/rls-services/users/sip:joe@example.com/index/~~/*/service%5b@uri=%22sip:m@example.com%22%5d',
        'pidf-manipulation/',
        'resource-lists/users/sip:joe@example.com/',
        'resource-lists/users/sip:bob@example.com/index',
        'http://elsewhere.example.com/xcap-root/resource-lists/users/sip:joe@example.com/index',
        'resource-lists/users/sip:joe@example.com/index/~~/resource-lists/namespace::*',
        'resource-lists/users/sip:joe@example.com/index',
        'not an xcap uri',
      ],
      'joe@example.com',
      ROOT,
      100,
    );
    assert.deepEqual(
      r.watches.map((w) => `${w.kind} ${w.sel}`),
      [
        'document resource-lists/users/sip:joe@example.com/index',
        'component rls-services/users/sip:joe@example.com/index/~~/*/service%5b@uri=%22sip:m@example.com%22%5d',
        'collection pidf-manipulation/',
        'collection resource-lists/users/sip:joe@example.com/',
      ],
    );
    assert.equal(r.ignored, 5);
    assert.equal(resolveWatches(['a/', 'b/', 'c/'], 'joe@example.com', ROOT, 2).watches.length, 2);
  });

  it('diff-processing: the three modes; anything else (or nothing) is no-patching (§4.3)', () => {
    assert.equal(diffModeOf({}), 'no-patching');
    assert.equal(diffModeOf({ 'diff-processing': 'xcap-patching' }), 'xcap-patching');
    assert.equal(diffModeOf({ 'diff-processing': 'aggregate' }), 'aggregate');
    assert.equal(diffModeOf({ 'diff-processing': 'something-new' }), 'no-patching');
  });
});

describe('composeDiff (RFC 5875 §4.7, RFC 5874 §3) on the real Redis', () => {
  it('full: every existing document with its ETag and the content of every existing component; nothing for what does not exist', async () => {
    const { owner, xui } = await user();
    const e1 = await put(xui, 'resource-lists', 'index', list('sip:a@example.com'));
    const w = watches(owner, `resource-lists/users/${xui}/index`, `resource-lists/users/${xui}/index/~~/resource-lists/list%5b@name=%22friends%22%5d/entry/@uri`, `pidf-manipulation/users/${xui}/index`);
    const c = await composeDiff(w, EMPTY_VIEW, true, 'no-patching', documents);
    assert.deepEqual(c.entries.map((e) => e.kind), ['document', 'attribute']);
    assert.deepEqual(docEntries(c.entries)[0], { kind: 'document', sel: `resource-lists/users/${xui}/index`, newEtag: e1 });
    const body = renderXcapDiff(ROOT, c.entries);
    assert.match(body, /<d:attribute sel="[^"]+">sip:a@example.com<\/d:attribute>/);
    assert.match(body, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<d:xcap-diff xmlns:d="urn:ietf:params:xml:ns:xcap-diff" xcap-root="http:\/\/xcap.example.com\/xcap-root\/">/);
  });

  it('no-patching: previous and new ETags only; creation has new-etag alone, removal previous-etag alone', async () => {
    const { owner, xui } = await user();
    const w = watches(owner, 'resource-lists/');
    const e1 = await put(xui, 'resource-lists', 'index', list('sip:a@example.com'));
    const first = await composeDiff(w, EMPTY_VIEW, true, 'no-patching', documents);
    const e2 = await put(xui, 'resource-lists', 'index', list('sip:a@example.com', 'sip:b@example.com'));
    const eOther = await put(xui, 'resource-lists', 'other', list());
    const next = await composeDiff(w, first.view, false, 'no-patching', documents);
    assert.deepEqual(next.entries, [
      { kind: 'document', sel: `resource-lists/users/${xui}/index`, previousEtag: e1, newEtag: e2 },
      { kind: 'document', sel: `resource-lists/users/${xui}/other`, newEtag: eOther },
    ]);
    await remove(xui, 'resource-lists', 'other');
    const last = await composeDiff(w, next.view, false, 'no-patching', documents);
    assert.deepEqual(last.entries, [{ kind: 'document', sel: `resource-lists/users/${xui}/other`, previousEtag: eOther }]);
    const quiet = await composeDiff(w, last.view, false, 'no-patching', documents);
    assert.deepEqual(quiet.entries, [], 'nothing changed, nothing to say');
  });

  it('xcap-patching: one patch per version, in order, each turning one version into the next', async () => {
    const { owner, xui } = await user();
    const w = watches(owner, `resource-lists/users/${xui}/index`);
    const v1 = list('sip:a@example.com');
    const v2 = list('sip:a@example.com', 'sip:b@example.com');
    const v3 = list('sip:b@example.com');
    const e1 = await put(xui, 'resource-lists', 'index', v1);
    const first = await composeDiff(w, EMPTY_VIEW, true, 'xcap-patching', documents);
    const e2 = await put(xui, 'resource-lists', 'index', v2);
    const e3 = await put(xui, 'resource-lists', 'index', v3);
    const next = docEntries((await composeDiff(w, first.view, false, 'xcap-patching', documents)).entries);
    assert.deepEqual(next.map((e) => [e.previousEtag, e.newEtag]), [[e1, e2], [e2, e3]]);
    assert.equal(apply(v1, next[0]?.patch), canonical(v2));
    assert.equal(apply(v2, next[1]?.patch), canonical(v3));
  });

  it('aggregate: one patch from what the watcher has to the latest version', async () => {
    const { owner, xui } = await user();
    const w = watches(owner, `resource-lists/users/${xui}/index`);
    const v1 = list('sip:a@example.com');
    const v3 = list('sip:c@example.com', 'sip:d@example.com');
    const e1 = await put(xui, 'resource-lists', 'index', v1);
    const first = await composeDiff(w, EMPTY_VIEW, true, 'aggregate', documents);
    await put(xui, 'resource-lists', 'index', list('sip:b@example.com'));
    const e3 = await put(xui, 'resource-lists', 'index', v3);
    const next = docEntries((await composeDiff(w, first.view, false, 'aggregate', documents)).entries);
    assert.equal(next.length, 1);
    assert.deepEqual([next[0]?.previousEtag, next[0]?.newEtag], [e1, e3]);
    assert.equal(apply(v1, next[0]?.patch), canonical(v3));
  });

  it('a history that does not reach back (trimmed after 16 versions): ETags only for that document (§4.7 fallback)', async () => {
    const { owner, xui } = await user();
    const w = watches(owner, `resource-lists/users/${xui}/index`);
    const e1 = await put(xui, 'resource-lists', 'index', list('sip:a@example.com'));
    const first = await composeDiff(w, EMPTY_VIEW, true, 'xcap-patching', documents);
    // One replacement more than the server remembers: the step from e1 is forgotten.
    let last = e1;
    for (let i = 0; i <= xcapHistory.maxVersions; i++) last = await put(xui, 'resource-lists', 'index', list(`sip:n${i}@example.com`));
    const next = docEntries((await composeDiff(w, first.view, false, 'xcap-patching', documents)).entries);
    assert.deepEqual(next, [{ kind: 'document', sel: `resource-lists/users/${xui}/index`, previousEtag: e1, newEtag: last }]);
  });

  it('a component that disappears is reported once with exists="0"; an unchanged document does not re-read it', async () => {
    const { owner, xui } = await user();
    const sel = `resource-lists/users/${xui}/index/~~/resource-lists/list%5b@name=%22friends%22%5d`;
    const w = watches(owner, sel);
    await put(xui, 'resource-lists', 'index', list('sip:a@example.com'));
    const first = await composeDiff(w, EMPTY_VIEW, true, 'no-patching', documents);
    assert.equal(first.entries.length, 1);
    let reads = 0;
    const counting = new (class extends XcapDocuments {
      override body(d: Parameters<XcapDocuments['body']>[0]): ReturnType<XcapDocuments['body']> {
        reads++;
        return super.body(d);
      }
    })(reader);
    const same = await composeDiff(w, first.view, false, 'no-patching', counting);
    assert.deepEqual(same.entries, []);
    assert.equal(reads, 0, 'the document did not change: its component is not read');
    await put(xui, 'resource-lists', 'index', '<?xml version="1.0" encoding="UTF-8"?>\n<resource-lists xmlns="urn:ietf:params:xml:ns:resource-lists"/>\n');
    const gone = await composeDiff(w, same.view, false, 'no-patching', documents);
    assert.deepEqual(gone.entries, [{ kind: 'element', sel, exists: false }]);
    const still: DiffView = gone.view;
    assert.deepEqual((await composeDiff(w, still, false, 'no-patching', documents)).entries, []);
  });

  it('two selectors of one element are reported once (RFC 5875 §4.7: no overlapping similar responses), the document read once', async () => {
    const { owner, xui } = await user();
    await put(xui, 'resource-lists', 'index', list('sip:a@example.com'));
    const base = `resource-lists/users/${xui}/index/~~/resource-lists`;
    let reads = 0;
    const counting = new (class extends XcapDocuments {
      override body(d: Parameters<XcapDocuments['body']>[0]): ReturnType<XcapDocuments['body']> {
        reads++;
        return super.body(d);
      }
    })(reader);
    const w = watches(owner, `${base}/list%5b@name=%22friends%22%5d`, `${base}/list%5b1%5d`, `${base}/list/entry/@uri`);
    const c = await composeDiff(w, EMPTY_VIEW, true, 'no-patching', counting);
    assert.deepEqual(
      c.entries.map((e) => e.kind),
      ['element', 'attribute'],
      'one element for the two selectors of the list, and the attribute',
    );
    assert.equal(reads, 1);
    assert.equal(c.view.components.size, 3, 'each selector keeps its own state');
  });

  it('chainFrom follows prev -> etag links and stops at a gap', () => {
    const v = { etag: 'c', body: 'C', history: [{ previousEtag: 'a', etag: 'b', previousBody: 'A' }, { previousEtag: 'b', etag: 'c', previousBody: 'B' }] };
    assert.deepEqual(chainFrom(v, 'a'), [{ etag: 'a', body: 'A' }, { etag: 'b', body: 'B' }, { etag: 'c', body: 'C' }]);
    assert.equal(chainFrom(v, 'b'), undefined, 'the server answers from the version asked for');
    assert.equal(chainFrom({ ...v, history: [] }, 'a'), undefined);
    assert.equal(chainFrom({ ...v, history: [{ previousEtag: 'a', etag: 'b', previousBody: 'A' }, { previousEtag: 'q', etag: 'c', previousBody: 'B' }] }, 'a'), undefined);
  });
});

describe('resync (a change event that never arrived)', () => {
  // Subscriptions of their own: the xcap-diff processes of the e2e suite resync whatever they find in the machine's Redis.
  const subscriptionsRedis = useRedisNamespace('xcap-diff-resync');
  it('after a change nobody announced, a resync sends the NOTIFY that was owed, and only once', async () => {
    const { owner, xui } = await user();
    const e1 = await put(xui, 'resource-lists', 'index', list('sip:a@example.com'));
    const sent: SipRequest[] = [];
    const transport: NotifyTransport = {
      send: async (req) => {
        sent.push(req);
        return { kind: 'response', response: createResponse(req, 200) };
      },
    };
    const ns = subscriptionsRedis();
    const notifier = new Notifier({
      redis: ns,
      transport,
      packages: [xcapDiffPackage({ documents, views: new DiffViewStore(ns), xcapRoot: ROOT, maxEntries: 10, expires: { min: 60, max: 3600, default: 600 }, viewGraceMs: 60_000 })],
    });
    const body = `<resource-lists xmlns="urn:ietf:params:xml:ns:resource-lists"><list><entry uri="resource-lists/users/${xui}/index"/></list></resource-lists>`;
    const text = [
      `SUBSCRIBE sip:xcap-diff@${domain} SIP/2.0`,
      'Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKresync1',
      'Max-Forwards: 70',
      `From: <${xui}>;tag=r1`,
      `To: <sip:xcap-diff@${domain}>`,
      `Call-ID: resync-${randomBytes(4).toString('hex')}`,
      'CSeq: 1 SUBSCRIBE',
      'Contact: <sip:watcher@192.0.2.1:5060>',
      'Event: xcap-diff',
      'Content-Type: application/resource-lists+xml',
      `Content-Length: ${Buffer.byteLength(body)}`,
      '',
      body,
    ].join('\r\n');
    const parsed = parseMessage(Buffer.from(text));
    assert.ok(parsed.ok && parsed.value.kind === 'request');
    const flow = { edgeId: 'e', flowId: 'f', transport: 'UDP', remoteAddress: '192.0.2.1', remotePort: 5060 } as const;
    let ok: SipResponse | undefined;
    const out = await notifier.handleSubscribe(parsed.value, { flow, identity: owner, receivedAt: Date.now() }, (r) => {
      ok = r;
    });
    assert.equal(out.status, 200);
    await notifier.idle();
    assert.equal(sent.length, 1, 'the first NOTIFY');
    const e2 = await put(xui, 'resource-lists', 'index', list('sip:b@example.com'));
    assert.ok((await resyncAll(ns, notifier, (e) => assert.fail(String(e)))) >= 1);
    await notifier.idle();
    assert.equal(sent.length, 2, 'the NOTIFY the lost event owed');
    assert.match(sent[1]?.body.toString('utf8') ?? '', new RegExp(`previous-etag="${e1}" new-etag="${e2}"`));
    await resyncAll(ns, notifier, (e) => assert.fail(String(e)));
    await notifier.idle();
    assert.equal(sent.length, 2, 'nothing changed since: no NOTIFY');
    // Unsubscribe in the dialog, so that nothing is left behind.
    const unsubscribe = parseMessage(
      Buffer.from(
        text
          .replace('CSeq: 1 SUBSCRIBE', 'CSeq: 2 SUBSCRIBE')
          .replace('z9hG4bKresync1', 'z9hG4bKresync2')
          .replace(/^To: .*$/m, `To: ${ok?.headers.get('to') ?? ''}`)
          .replace('Event: xcap-diff', 'Event: xcap-diff\r\nExpires: 0'),
      ),
    );
    assert.ok(unsubscribe.ok && unsubscribe.value.kind === 'request');
    assert.equal((await notifier.handleSubscribe(unsubscribe.value, { flow, identity: owner, receivedAt: Date.now() }, () => undefined)).status, 200);
    await notifier.idle();
    await notifier.stop();
  });
});
