import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { subscriptionKeys } from '@simple/contracts';
import { runSipp, sippAvailable, type SippRun, skipUnless } from '@simple/testkit';
import { PresenceHarness, scenario, sleep, until } from './harness.js';
import { UdpUa } from './udp-ua.js';

const WATCHERS = ['w1', 'w2', 'w3', 'w4', 'w5', 'w6'];
/** SIPp publisher calls, one at a time; each is 7 changes (an initial PUBLISH and 6 modifications). */
const CALLS = 10;
/** The first replica is killed after at least this many PUBLISHes were taken (both replicas). */
const KILL_AFTER = 20;

/** One NOTIFY as a SIPp watcher got it, from its -trace_msg file (retransmissions left out). */
interface TracedNotify {
  readonly callId: string;
  readonly cseq: number;
  readonly state: string;
  readonly body: string;
}

/** The NOTIFYs a SIPp watcher received, in order, from its -trace_msg file; a CSeq already seen is a retransmission. */
function tracedNotifies(trace: string): { notifies: TracedNotify[]; retransmitted: number } {
  const notifies: TracedNotify[] = [];
  const seen = new Set<number>();
  let retransmitted = 0;
  for (const entry of trace.split(/\n-{10,}[^\n]*\n/)) {
    if (!/message received/.test(entry)) continue;
    const start = entry.search(/^NOTIFY /m);
    if (start < 0) continue;
    const msg = entry.slice(start);
    const split = msg.search(/\r?\n\r?\n/);
    const head = split < 0 ? msg : msg.slice(0, split);
    const header = (name: RegExp): string => name.exec(head)?.[1]?.trim() ?? '';
    const cseq = Number(header(/^CSeq:\s*(\d+)/im));
    if (seen.has(cseq)) {
      retransmitted++;
      continue;
    }
    seen.add(cseq);
    const length = Number(header(/^(?:Content-Length|l):\s*(\d+)/im));
    const rest = split < 0 ? '' : msg.slice(split).replace(/^\r?\n\r?\n/, '');
    notifies.push({
      callId: header(/^(?:Call-ID|i):\s*(\S+)/im),
      cseq,
      state: header(/^Subscription-State:\s*(.*)$/im),
      body: rest.slice(0, length),
    });
  }
  return { notifies, retransmitted };
}

/** The newest change (`<note>cCmK</note>` of the publisher scenario) in a composed document, as C * 100 + K; -1 for none. */
const newestChange = (body: string): number => Math.max(-1, ...[...body.matchAll(/<note[^>]*>c(\d+)m(\d+)/g)].map((m) => Number(m[1]) * 100 + Number(m[2])));

/**
 * Issue 4, "Done when": two presence replicas on one NATS queue group and one
 * Redis behind one edge; one is SIGKILLed while SIPp publishes and modifies
 * (uac-publish-modify-loop-expect-200.xml) and six SIPp watchers
 * (uac-subscribe-answer-notifies-until-final.xml: they answer every NOTIFY 200,
 * and their -trace_msg files give each NOTIFY's CSeq and body) hold subscriptions.
 */
describe('presence: two replicas, one SIGKILLed under SIPp load', { skip: skipUnless(sippAvailable(), 'sipp is not installed') }, () => {
  const h = new PresenceHarness(['pat', 'fetcher', ...WATCHERS]);
  const dir = mkdtempSync(join(tmpdir(), 'pres-kill-'));
  const uas: UdpUa[] = [];
  /** Every SIPp this file starts: on the way out (also after a failure) they are stopped and awaited. */
  const stopSipp = new AbortController();
  const started: Array<Promise<SippRun>> = [];

  before(async () => {
    await h.start(2);
  });

  after(async () => {
    stopSipp.abort();
    await Promise.all(started);
    for (const ua of uas) await ua.close();
    const codes = await h.stop();
    rmSync(dir, { recursive: true, force: true });
    // The killed replica has no exit code (signal); the survivor drains cleanly.
    assert.deepEqual(codes, [null, 0], `exit codes:\n${h.logs()}`);
  });

  /** SIPp as `user` through the edge, bounded in calls and time. */
  const sipp = (file: string, user: string, calls: number, timeoutSec: number, extra: readonly string[]): Promise<SippRun> => {
    const run = runSipp({
      scenario: scenario(file),
      target: `127.0.0.1:${h.sipPort}`,
      transport: 'u1',
      calls,
      rate: 2,
      timeoutSec,
      extraArgs: ['-s', user, '-au', user, '-ap', h.password, '-set', 'domain', h.domain, ...extra],
      signal: stopSipp.signal,
    });
    started.push(run);
    return run;
  };

  it('no subscription is lost, CSeq only increases, and every watcher ends with the final state', { timeout: 200_000 }, async () => {
    // The watchers: one SIPp each (one call), until 3 s after the final state,
    // at most 90 s without a NOTIFY, 150 s in all.
    const traces = WATCHERS.map((w) => join(dir, `${w}.log`));
    const watcherRuns = WATCHERS.map((w, i) =>
      sipp('uac-subscribe-answer-notifies-until-final.xml', w, 1, 150, ['-set', 'presentity', 'pat', '-trace_msg', '-message_file', traces[i] ?? '']),
    );
    const ids = (await h.untilSubscribed('pat', WATCHERS.length)).sort();

    // The load: CALLS publisher calls one at a time (-l 1), 70 changes in
    // all, while each watcher takes 50 ms to answer a NOTIFY (NOTIFYs are in
    // flight most of the time). Once KILL_AFTER PUBLISHes were taken, the
    // first one the first replica takes (its metrics tell) is followed at once
    // by its SIGKILL: it then holds the sender leases of NOTIFYs still in
    // flight. A PUBLISH it held gets 503 from the edge: that SIPp call fails,
    // the next one starts a new publication.
    const victim = h.presence[0];
    assert.ok(victim !== undefined);
    const publications = (replica: number): Promise<number> => h.counter(replica, 'simple_presence_publications_total{result="');
    let publisherDone = false;
    const publisherRun = sipp('uac-publish-modify-loop-expect-200.xml', 'pat', CALLS, 90, ['-l', '1']).finally(() => (publisherDone = true));
    let killedAt = 0;
    let takenAtKill = 0;
    let leasesAtKill = 0;
    let baseline = -1;
    while (!publisherDone) {
      const [mine, theirs] = await Promise.all([publications(0), publications(1)]);
      if (baseline < 0 && mine + theirs >= KILL_AFTER) baseline = mine;
      else if (baseline >= 0 && mine > baseline) {
        // The victim is a working member of the queue group: it has sent NOTIFYs too.
        const sent = await h.counter(0, 'simple_presence_notifies_sent_total{outcome="2xx"}');
        assert.ok(sent > 0, `the first replica sent ${sent} NOTIFYs before the kill`);
        takenAtKill = mine + theirs;
        killedAt = Date.now();
        await victim.kill();
        // Sender leases left behind by the dead replica (or held by the survivor): reported below.
        const leases = await Promise.all(ids.map((id) => h.redis.pttl(subscriptionKeys.subscriptionSender(id))));
        leasesAtKill = leases.filter((ms) => ms > 0).length;
        break;
      }
      await sleep(10);
    }
    const publisher = await publisherRun;
    assert.ok(killedAt > 0, `the first replica took none of the PUBLISHes after the first ${KILL_AFTER}\n${h.why(publisher)}`);
    // At most one PUBLISH was held by the dead replica (one call at a time): at most one call failed.
    const succeeded = Number(publisher.stats['SuccessfulCall(C)']);
    const failed = Number(publisher.stats['FailedCall(C)']);
    assert.equal(succeeded + failed, CALLS, h.why(publisher));
    assert.ok(failed <= 1, `${failed} publisher calls failed\n${h.why(publisher)}`);

    // After the load, the final state (a new tuple, <note>final</note>).
    const finalRun = await sipp('uac-publish-final-keep-expect-200.xml', 'pat', 1, 20, []);
    assert.equal(finalRun.code, 0, h.why(finalRun));
    const loadStopped = Date.now();

    // Every watcher gets the final state: at once, or, if the dead replica
    // held the subscription's sender lease, once that lease lapses (40 s: the
    // service's floor) and the survivor's sweep sends what is owed. Each SIPp
    // ends 3 s after its last NOTIFY, leaving its subscription in place.
    const runs = await Promise.all(watcherRuns);
    const converged = Date.now() - loadStopped - 3_000;
    for (const [i, run] of runs.entries()) assert.equal(run.code, 0, `${WATCHERS[i] ?? ''}: ${h.why(run)}`);

    // No subscription is lost.
    assert.deepEqual((await h.subscriptions('pat')).sort(), ids, 'the same subscriptions are in Redis');

    // What a fresh fetch composes now is what every watcher saw last.
    const fetcher = await UdpUa.open('fetcher', h.domain, h.password, h.sipPort);
    uas.push(fetcher);
    const fetched = await fetcher.subscribe(h.aor('pat'), 0);
    assert.equal(fetched.status, 200, fetched.text);
    await until('the fetch NOTIFY', async () => fetcher.notifies.length === 1);
    const current = fetcher.notifies[0]?.body ?? '';
    assert.match(current, /<note>final<\/note>/);

    let total = 0;
    let retransmitted = 0;
    const seenIds: string[] = [];
    for (const [i, file] of traces.entries()) {
      const who = WATCHERS[i] ?? '';
      const { notifies, retransmitted: r } = tracedNotifies(readFileSync(file, 'latin1'));
      total += notifies.length;
      retransmitted += r;
      assert.ok(notifies.length >= 2, `${who}: ${notifies.length} NOTIFYs`);
      assert.equal(new Set(notifies.map((n) => n.callId)).size, 1, `${who}: one dialog`);
      const seq = notifies.map((x) => x.cseq);
      for (let j = 1; j < seq.length; j++) assert.ok(seq[j]! > seq[j - 1]!, `${who}: CSeq goes ${seq[j - 1]} -> ${seq[j]} (${seq.join(',')})`);
      const changes = notifies.map((x) => newestChange(x.body));
      assert.ok(changes.some((c) => c >= 100), `${who}: no NOTIFY carried a change of the publisher`);
      for (let j = 1; j < changes.length; j++) assert.ok(changes[j]! >= changes[j - 1]!, `${who}: state went back from ${changes[j - 1]} to ${changes[j]}`);
      for (const n of notifies) assert.match(n.state, /^active/, `${who}: CSeq ${n.cseq}`);
      const last = notifies.at(-1);
      assert.equal(last?.body, current, `${who}: the last NOTIFY is the current composed state`);

      // Redis agrees with what this watcher saw: its subscription's last CSeq
      // allocated is the last one received, and version = CSeq - 1 (both start
      // together; RFC 3856 has no version in PIDF: it lives only in Redis).
      let id: string | undefined;
      for (const x of ids) if ((await h.redis.hget(subscriptionKeys.subscription(x), 'callId')) === last?.callId) id = x;
      assert.ok(id !== undefined, `${who}: a subscription in Redis with Call-ID ${last?.callId ?? '?'}`);
      seenIds.push(id);
      const [cseq, version] = await h.redis.hmget(subscriptionKeys.subscription(id), 'cseq', 'version');
      assert.equal(Number(cseq), last?.cseq, `${who}: Redis CSeq ${cseq}, last NOTIFY ${last?.cseq}`);
      assert.equal(Number(version), Number(cseq) - 1, `${who}: version ${version}, CSeq ${cseq}`);
    }
    assert.deepEqual(seenIds.sort(), ids, 'each subscription is one watcher');

    console.log(
      `# replica kill after ${takenAtKill} PUBLISHes (${leasesAtKill} sender leases held): publisher calls ${succeeded} ok, ${failed} failed; ` +
        `${total} NOTIFYs to ${WATCHERS.length} SIPp watchers, ${retransmitted} retransmitted, final state everywhere within ${converged} ms after the load`,
    );
  });
});
