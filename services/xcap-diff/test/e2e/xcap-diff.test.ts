// xcap-diff (RFC 5875) end to end: SIPp subscribes through a real sip-edge to the xcap-diff
// service, the test changes documents over HTTP on a real XCAP server, and each change reaches
// SIPp as a NOTIFY whose xcap-diff document (RFC 5874) says exactly what changed: the patches,
// applied to the previous version, give the document the XCAP server now serves.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { subscriptionKeys, xcapKeys } from '@simple/contracts';
import { digestFetch, freePort, runSipp, sippAvailable, skipUnless, startService, type DigestFetch, type ServiceProcess } from '@simple/testkit';
import { UserStore } from '@simple/users';
import { applyPatch, canonicalXml, parseXml, type Element } from '@simple/xml';
import { xcapDiffSchemaErrors } from '../support/xcap-diff-schema.js';

const scenario = (name: string): string => fileURLToPath(new URL(`../sipp/${name}`, import.meta.url));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const XD = 'urn:ietf:params:xml:ns:xcap-diff';

/** A NOTIFY as SIPp's message trace recorded it: when it arrived, and its body. */
interface TracedNotify {
  readonly at: number;
  readonly body: string;
}

/** The NOTIFYs SIPp received, from its `-trace_msg` file (a dated separator line before each message). */
function tracedNotifies(file: string): TracedNotify[] {
  const text = readFileSync(file, 'utf8');
  const out: TracedNotify[] = [];
  const blocks = text.split(/^-{20,} /m).slice(1);
  for (const b of blocks) {
    const m = /^(\d{4}-\d\d-\d\d)\s+(\d\d:\d\d:\d\d)\.(\d{3})\d*\s*\n\w+ message received \[\d+\] bytes :\n\n(NOTIFY [\s\S]*)$/.exec(b);
    if (m === null) continue;
    const msg = (m[4] as string).replace(/\r\n/g, '\n');
    // SIPp writes its trace times in local time.
    const at = new Date(`${m[1] as string}T${m[2] as string}.${m[3] as string}`).getTime();
    const blank = msg.indexOf('\n\n');
    out.push({ at, body: blank < 0 ? '' : msg.slice(blank + 2).trim() });
  }
  return out;
}

/** The children of an xcap-diff document (RFC 5874 §3), once it is known to be valid against the RFC's schema. */
function diffEntries(body: string): Element[] {
  assert.deepEqual(xcapDiffSchemaErrors(body), [], body);
  const d = parseXml(body);
  assert.ok(d.ok, body);
  const root = d.value.documentElement as Element;
  assert.equal(root.namespaceURI, XD);
  assert.equal(root.localName, 'xcap-diff');
  const out: Element[] = [];
  for (let n = root.firstChild; n !== null; n = n.nextSibling) if (n.nodeType === 1) out.push(n as Element);
  return out;
}

/** A sip-edge, an XCAP server and an xcap-diff notifier as processes, on the machine's NATS and Redis, with two users. */
class Platform {
  readonly redis = new Redis('redis://127.0.0.1:6379');
  readonly users = new UserStore(this.redis);
  readonly domain = `xd-${randomBytes(4).toString('hex')}.test`;
  readonly password = `pw-${randomBytes(6).toString('hex')}`;
  readonly names = ['alice', 'bob'];
  private readonly procs: ServiceProcess[] = [];
  sipPort = 0;
  xcapBase = '';

  /** `minIntervalMs`: the notifier's rate control (RFC 5875 §4.10), or undefined for its default. */
  async start(minIntervalMs: number | undefined): Promise<void> {
    await this.users.addDomain(this.domain);
    for (const u of this.names) await this.users.addUser(`${u}@${this.domain}`, this.password);
    const xcapPort = await freePort();
    this.xcapBase = `http://127.0.0.1:${xcapPort}/xcap-root`;
    const grpcPort = await freePort();
    this.procs.push(await startService('xcap', { SIMPLE_XCAP_LISTEN: '127.0.0.1', SIMPLE_XCAP_PORT: String(xcapPort), SIMPLE_XCAP_GRPC_LISTEN: '127.0.0.1', SIMPLE_XCAP_GRPC_PORT: String(grpcPort) }, await freePort()));
    this.procs.push(
      await startService(
        'xcap-diff',
        {
          SIMPLE_XCAP_DIFF_XCAP_ROOT: `${this.xcapBase}/`,
          SIMPLE_XCAP_DIFF_XCAP_GRPC: `127.0.0.1:${grpcPort}`,
          ...(minIntervalMs === undefined ? {} : { SIMPLE_XCAP_DIFF_MIN_INTERVAL_MS: String(minIntervalMs) }),
        },
        await freePort(),
      ),
    );
    this.sipPort = await freePort();
    this.procs.push(
      await startService(
        'sip-edge',
        {
          SIMPLE_EDGE_ID: `xd-e2e-${randomBytes(3).toString('hex')}`,
          SIMPLE_SIP_LISTEN: '127.0.0.1',
          SIMPLE_SIP_UDP_PORT: String(this.sipPort),
          SIMPLE_SIP_TCP_PORT: String(this.sipPort),
          SIMPLE_SIP_TRANSPORTS: 'udp,tcp',
          SIMPLE_AUTH_SECRET: randomBytes(16).toString('hex'),
        },
        await freePort(),
      ),
    );
  }

  /** Stops what it started and removes what it wrote; the exit codes of the processes. */
  async stop(): Promise<Array<number | null>> {
    const codes: Array<number | null> = [];
    for (const p of [...this.procs].reverse()) codes.push(await p.stop());
    for (const u of this.names) {
      const xui = `sip:${u}@${this.domain}`;
      for (const f of await this.redis.hkeys(xcapKeys.directory(xui))) {
        const slash = f.indexOf('/');
        await this.redis.del(xcapKeys.document(f.slice(0, slash), xui, f.slice(slash + 1)), xcapKeys.history(f.slice(0, slash), xui, f.slice(slash + 1)));
      }
      await this.redis.del(xcapKeys.directory(xui), subscriptionKeys.resourceSubscriptions('xcap-diff', `${u}@${this.domain}`));
    }
    for (const u of await this.users.listUsers(this.domain)) await this.users.removeUser(u);
    await this.users.removeDomain(this.domain);
    await this.redis.quit();
    return codes;
  }

  logs(): string {
    return this.procs.map((p) => p.output()).join('\n---\n');
  }

  /** How many NOTIFYs each live xcap-diff subscription of `user` has had answered. */
  async answered(user: string): Promise<number[]> {
    const ids = await this.redis.smembers(subscriptionKeys.resourceSubscriptions('xcap-diff', `${user}@${this.domain}`));
    const done = await Promise.all(ids.map((id) => this.redis.hget(subscriptionKeys.subscription(id), 'done')));
    return done.filter((d) => d !== null).map((d) => Number(d));
  }

  async untilAnswered(user: string, n: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const done = await this.answered(user);
      if (done.length === 1 && (done[0] ?? 0) >= n) return;
      if (Date.now() > deadline) throw new Error(`${user}: NOTIFYs answered ${JSON.stringify(done)}, wanted ${n}\n${this.logs()}`);
      await sleep(20);
    }
  }

  /** SIPp as `user` with a scenario of test/sipp, its message trace written to `trace`. */
  sipp(file: string, user: string, mode: string, trace: string) {
    return runSipp({
      scenario: scenario(file),
      target: `127.0.0.1:${this.sipPort}`,
      transport: 'u1',
      calls: 1,
      rate: 1,
      timeoutSec: 60,
      extraArgs: ['-s', user, '-au', user, '-ap', this.password, '-set', 'domain', this.domain, '-set', 'mode', mode, '-trace_msg', '-message_file', trace],
    });
  }
}

/** The friends list alice starts with. */
const V1 = '<?xml version="1.0" encoding="UTF-8"?>\n<resource-lists xmlns="urn:ietf:params:xml:ns:resource-lists">\n <list name="friends">\n  <entry uri="sip:bob@example.com"/>\n </list>\n</resource-lists>\n';

/** A platform started before the suite's tests and stopped after them (every process must exit 0). */
function platformFor(minIntervalMs: number | undefined): Platform {
  const p = new Platform();
  before(() => p.start(minIntervalMs));
  after(async () => {
    const logs = p.logs();
    assert.deepEqual(await p.stop(), [0, 0, 0], logs);
  });
  return p;
}

/** alice's XCAP client and her resource list, created with V1. */
async function seedAlice(p: Platform): Promise<{ alice: DigestFetch; xui: string; listUrl: string; put1: Response }> {
  const alice = digestFetch('alice', p.password);
  const xui = `sip:alice@${p.domain}`;
  const listUrl = `${p.xcapBase}/resource-lists/users/${xui}/index`;
  const put1 = await alice('PUT', listUrl, V1, 'application/resource-lists+xml');
  assert.equal(put1.status, 201, await put1.text());
  return { alice, xui, listUrl, put1 };
}

/** Runs `fn` with a path for SIPp's message trace in a folder of its own, removed afterwards. */
async function withTrace(fn: (trace: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'xd-e2e-'));
  try {
    await fn(join(dir, 'messages.log'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('xcap-diff end to end, a NOTIFY per change (SIPp through sip-edge, XCAP over HTTP)', { skip: skipUnless(sippAvailable(), 'sipp is not installed') }, () => {
  // No rate control here, so that each change has its own NOTIFY.
  const p = platformFor(0);

  it('xcap-patching: the first NOTIFY lists the documents, then one NOTIFY per change whose patches rebuild each version', { timeout: 90_000 }, async () => {
    const bobsList = await digestFetch('bob', p.password)('PUT', `${p.xcapBase}/resource-lists/users/sip:bob@${p.domain}/index`, V1, 'application/resource-lists+xml');
    const { alice, xui, listUrl, put1 } = await seedAlice(p);
    await withTrace(async (trace) => {
      const run = p.sipp('uac-subscribe-xcap-diff-expect-three-notifies.xml', 'alice', 'xcap-patching', trace);
      await p.untilAnswered('alice', 1);

      const sent: number[] = [];
      // 1. an element PUT: a second entry in the friends list (the document and the watched element change)
      sent.push(Date.now());
      const r1 = await alice('PUT', `${listUrl}/~~/resource-lists/list%5b@name=%22friends%22%5d/entry%5b@uri=%22sip:carol@example.com%22%5d`, '<entry uri="sip:carol@example.com"/>', 'application/xcap-el+xml');
      assert.equal(r1.status, 201, await r1.text());
      await p.untilAnswered('alice', 2);
      // 2. a new document in the watched pidf-manipulation collection
      sent.push(Date.now());
      const pidf = '<?xml version="1.0" encoding="UTF-8"?>\n<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:alice@example.com"><tuple id="t1"><status><basic>open</basic></status></tuple></presence>';
      const r2 = await alice('PUT', `${p.xcapBase}/pidf-manipulation/users/${xui}/index`, pidf, 'application/pidf+xml');
      assert.equal(r2.status, 201, await r2.text());
      await p.untilAnswered('alice', 3);
      // 3. the watched element is deleted
      sent.push(Date.now());
      const r3 = await alice('DELETE', `${listUrl}/~~/resource-lists/list%5b@name=%22friends%22%5d`);
      assert.equal(r3.status, 200, await r3.text());

      const result = await run;
      assert.equal(result.code, 0, `${result.stderr}\n${result.stdout}\n${p.logs()}`);
      const notifies = tracedNotifies(trace);
      assert.equal(notifies.length, 5, `first, three changes, final:\n${notifies.map((n) => n.body).join('\n---\n')}`);

      // The first NOTIFY (RFC 5875 §4.7): the existing document with its ETag, the element's content; bob's document is left out (§4.7: no read privilege).
      const first = diffEntries((notifies[0] as TracedNotify).body);
      const firstDoc = first.find((e) => e.localName === 'document');
      assert.equal(firstDoc?.getAttribute('sel'), `resource-lists/users/${xui}/index`);
      const etag1 = firstDoc?.getAttribute('new-etag') ?? '';
      assert.equal(`"${etag1}"`, put1.headers.get('etag'));
      const firstEl = first.find((e) => e.localName === 'element');
      assert.match(firstEl?.getAttribute('sel') ?? '', /list%5b@name=%22friends%22%5d$/);
      assert.match((notifies[0] as TracedNotify).body, /<entry uri="sip:bob@example.com"\/>/);
      assert.ok(bobsList.status === 201, 'bob has a document alice named');
      assert.ok(!(notifies[0] as TracedNotify).body.includes(`users/sip:bob@${p.domain}`), 'RFC 5875 §4.7: no read privilege, not included');

      // Change 1: a patch from v1 to v2 and the new element content.
      const second = diffEntries((notifies[1] as TracedNotify).body);
      const patchDoc = second.find((e) => e.localName === 'document') as Element;
      assert.equal(patchDoc.getAttribute('previous-etag'), etag1);
      assert.equal(`"${patchDoc.getAttribute('new-etag') ?? ''}"`, r1.headers.get('etag'));
      const base = parseXml(V1);
      assert.ok(base.ok);
      const patched = applyPatch(base.value, patchDoc);
      assert.ok(patched.ok, patched.ok ? '' : patched.error.message);
      // The document as the server serves it now, after all three changes.
      const now = parseXml(await (await alice('GET', listUrl)).text());
      assert.ok(now.ok);
      const element = second.find((e) => e.localName === 'element');
      assert.ok(element !== undefined, (notifies[1] as TracedNotify).body);
      const entries = [...element.getElementsByTagNameNS('urn:ietf:params:xml:ns:resource-lists', 'entry')].map((e) => e.getAttribute('uri'));
      assert.deepEqual(entries, ['sip:bob@example.com', 'sip:carol@example.com'], 'the watched list as it now is');

      // Change 2: the new document of the collection, created (new-etag alone).
      const third = diffEntries((notifies[2] as TracedNotify).body);
      assert.equal(third.length, 1, (notifies[2] as TracedNotify).body);
      assert.equal(third[0]?.getAttribute('sel'), `pidf-manipulation/users/${xui}/index`);
      assert.equal(`"${third[0]?.getAttribute('new-etag') ?? ''}"`, r2.headers.get('etag'));
      assert.equal(third[0]?.hasAttribute('previous-etag'), false);

      // Change 3: the list element removed - a patch that, applied after change 1's, gives the document the server has now, and exists="0".
      const fourth = diffEntries((notifies[3] as TracedNotify).body);
      const removal = fourth.find((e) => e.localName === 'document') as Element;
      assert.equal(removal.getAttribute('previous-etag'), patchDoc.getAttribute('new-etag'));
      assert.ok(patched.ok);
      const after3 = applyPatch(patched.value, removal);
      assert.ok(after3.ok, after3.ok ? '' : after3.error.message);
      assert.equal(canonicalXml(after3.value), canonicalXml(now.value));
      const gone = fourth.find((e) => e.localName === 'element');
      assert.equal(gone?.getAttribute('exists'), '0');

      // How long each change took to reach SIPp (RFC 5875 leaves it to the notifier; the issue asks for 100 ms).
      const delays = sent.map((t, i) => (notifies[i + 1] as TracedNotify).at - t);
      // Reported, not asserted as a time (bench and README carry the figures); a NOTIFY cannot precede its change.
      for (const d of delays) assert.ok(d >= 0, `a NOTIFY ${d} ms before its change`);
      console.log(`# xcap-diff: PUT -> NOTIFY at SIPp: ${delays.join(', ')} ms`);
    });
  });
});

describe('xcap-diff end to end, rate control and aggregation (RFC 5875 §4.10, §4.3)', { skip: skipUnless(sippAvailable(), 'sipp is not installed') }, () => {
  // The notifier's default: at most one NOTIFY per subscription every 5 s.
  const p = platformFor(undefined);

  it('aggregate: two changes within 5 s of the first NOTIFY go out as one NOTIFY, one patch from the first version to the last', { timeout: 90_000 }, async () => {
    const { alice, listUrl, put1 } = await seedAlice(p);
    await withTrace(async (trace) => {
      const run = p.sipp('uac-subscribe-xcap-diff-expect-one-notify.xml', 'alice', 'aggregate', trace);
      await p.untilAnswered('alice', 1);
      const firstAnswered = Date.now();
      const r1 = await alice('PUT', `${listUrl}/~~/resource-lists/list%5b@name=%22friends%22%5d/entry%5b@uri=%22sip:carol@example.com%22%5d`, '<entry uri="sip:carol@example.com"/>', 'application/xcap-el+xml');
      assert.equal(r1.status, 201, await r1.text());
      const r2 = await alice('PUT', `${listUrl}/~~/resource-lists/list%5b@name=%22friends%22%5d/entry%5b@uri=%22sip:dave@example.com%22%5d`, '<entry uri="sip:dave@example.com"/>', 'application/xcap-el+xml');
      assert.equal(r2.status, 201, await r2.text());
      const result = await run;
      assert.equal(result.code, 0, `${result.stderr}\n${result.stdout}\n${p.logs()}`);
      const notifies = tracedNotifies(trace);
      assert.equal(notifies.length, 3, notifies.map((n) => n.body).join('\n---\n'));
      const change = notifies[1] as TracedNotify;
      // RFC 5875 §4.10: not before the interval since the first NOTIFY has passed (less the time the test took to see it answered).
      assert.ok(change.at - (notifies[0] as TracedNotify).at >= 4_900, `the second NOTIFY came ${change.at - (notifies[0] as TracedNotify).at} ms after the first`);
      assert.ok(change.at >= firstAnswered);
      const entries = diffEntries(change.body).filter((e) => e.localName === 'document');
      assert.equal(entries.length, 1, change.body);
      const doc = entries[0] as Element;
      assert.equal(`"${doc.getAttribute('previous-etag') ?? ''}"`, put1.headers.get('etag'));
      assert.equal(`"${doc.getAttribute('new-etag') ?? ''}"`, r2.headers.get('etag'));
      const base = parseXml(V1);
      assert.ok(base.ok);
      const patched = applyPatch(base.value, doc);
      assert.ok(patched.ok, patched.ok ? '' : patched.error.message);
      const now = parseXml(await (await alice('GET', listUrl)).text());
      assert.ok(now.ok);
      assert.equal(canonicalXml(patched.value), canonicalXml(now.value));
    });
  });
});
