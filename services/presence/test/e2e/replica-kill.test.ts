import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { subscriptionKeys } from '@simple/contracts';
import { PresenceHarness, sleep, until } from './harness.js';
import { pidfDoc, UdpUa, type Response } from './udp-ua.js';

const WATCHERS = ['w1', 'w2', 'w3', 'w4', 'w5', 'w6'];
const CHANGES = 60;
const KILL_AT = 20;

/** The highest change number (`<note>nK</note>`) in a composed document; -1 for none. */
const newestChange = (body: string): number => Math.max(-1, ...[...body.matchAll(/<note[^>]*>n(\d+)<\/note>/g)].map((m) => Number(m[1])));

/**
 * Issue 4, "Done when": two presence replicas on one NATS queue group and one
 * Redis behind one edge; one is SIGKILLed while a publisher changes state and
 * six watchers (UDP UAs written here: they answer every NOTIFY 200 and record
 * its CSeq and body) hold subscriptions.
 */
describe('presence: two replicas, one SIGKILLed under load', () => {
  const h = new PresenceHarness(['pat', 'fetcher', ...WATCHERS]);
  const uas: UdpUa[] = [];

  before(async () => {
    await h.start(2);
  });

  after(async () => {
    for (const ua of uas) await ua.close();
    const codes = await h.stop();
    // The killed replica has no exit code (signal); the survivor drains cleanly.
    assert.deepEqual(codes, [null, 0], `exit codes:\n${h.logs()}`);
  });

  it('no subscription is lost, CSeq only increases, and every watcher ends with the final state', { timeout: 180_000 }, async () => {
    const open = (user: string) => UdpUa.open(user, h.domain, h.password, h.sipPort);
    const publisher = await open('pat');
    uas.push(publisher);
    const watchers: UdpUa[] = [];
    for (const w of WATCHERS) {
      const ua = await open(w);
      uas.push(ua);
      watchers.push(ua);
      const res = await ua.subscribe(h.aor('pat'));
      assert.equal(res.status, 200, res.text);
    }
    const ids = (await h.untilSubscribed('pat', WATCHERS.length)).sort();

    // The load: CHANGES state changes in a row, while the watchers take 50 ms
    // to answer each NOTIFY (so NOTIFYs are in flight most of the time). From
    // change KILL_AT on, the first PUBLISH that the first replica takes
    // (its metrics tell) is followed at once by its SIGKILL: it then holds
    // the sender leases of NOTIFYs still in flight. A PUBLISH the dead replica
    // held gets 503 from the edge (no answer within its service timeout) and
    // is sent again; a 412 then means the dead replica had applied it, and the
    // publisher starts a new publication (a new tuple; the old one stays).
    for (const w of watchers) w.answerDelayMs = 50;
    const victim = h.presence[0];
    assert.ok(victim !== undefined);
    let killedAt = 0;
    let killedAfter = -1;
    let leasesAtKill = 0;
    let tuple = 0;
    const statuses: number[] = [];
    const change = async (n: number, basic: 'open' | 'closed', note: string): Promise<void> => {
      for (let attempt = 0; attempt < 6; attempt++) {
        const res: Response = await publisher.publish(pidfDoc(h.aor('pat'), `t${tuple}`, basic, note));
        statuses.push(res.status);
        if (res.status === 200) return;
        if (res.status === 412) {
          publisher.forgetPublication();
          tuple++;
        } else await sleep(200);
      }
      assert.fail(`change ${n} was never taken: ${statuses.join(',')}\n${h.logs()}`);
    };
    const victimPublications = (): Promise<number> => h.counter(0, 'simple_presence_publications_total{result="');
    for (let n = 0; n < CHANGES; n++) {
      const armed = n >= KILL_AT && killedAt === 0;
      const before = armed ? await victimPublications() : 0;
      await change(n, n % 2 === 0 ? 'open' : 'closed', `n${n}`);
      if (armed && (await victimPublications()) > before) {
        // The victim is a working member of the queue group: it has sent NOTIFYs too.
        const sent = await h.counter(0, 'simple_presence_notifies_sent_total{outcome="2xx"}');
        assert.ok(sent > 0, `the first replica sent ${sent} NOTIFYs before the kill`);
        killedAt = Date.now();
        killedAfter = n;
        await victim.kill();
        // Sender leases left behind by the dead replica (or held by the survivor): reported below.
        const leases = await Promise.all(ids.map((id) => h.redis.pttl(subscriptionKeys.subscriptionSender(id))));
        leasesAtKill = leases.filter((ms) => ms > 0).length;
      }
      await sleep(20);
    }
    assert.ok(killedAt > 0, 'the first replica took none of the PUBLISHes after KILL_AT');
    await change(CHANGES, 'open', `n${CHANGES}`);
    const final = `<note>n${CHANGES}</note>`;

    // Once the load stops, every watcher gets the final state: at once, or, if
    // the dead replica held the subscription's sender lease, once that lease
    // lapses (40 s: the service's floor) and the survivor's sweep sends what is owed.
    const loadStopped = Date.now();
    await until(
      'every watcher has the final state',
      async () => watchers.every((w) => (w.notifies.at(-1)?.body ?? '').includes(final)),
      75_000,
    );
    const converged = Date.now() - loadStopped;
    await sleep(500);

    // No subscription is lost.
    assert.deepEqual((await h.subscriptions('pat')).sort(), ids, 'the same subscriptions are in Redis');

    // What a fresh fetch composes now is what every watcher saw last.
    const fetcher = await open('fetcher');
    uas.push(fetcher);
    const fetched = await fetcher.subscribe(h.aor('pat'), 0);
    assert.equal(fetched.status, 200, fetched.text);
    await until('the fetch NOTIFY', async () => fetcher.notifies.length === 1);
    const current = fetcher.notifies[0]?.body ?? '';
    assert.ok(current.includes(final), current);

    for (const w of watchers) {
      const seq = w.notifies.map((x) => x.cseq);
      for (let i = 1; i < seq.length; i++) assert.ok(seq[i]! > seq[i - 1]!, `${w.user}: CSeq goes ${seq[i - 1]} -> ${seq[i]} (${seq.join(',')})`);
      const changes = w.notifies.map((x) => newestChange(x.body));
      for (let i = 1; i < changes.length; i++) assert.ok(changes[i]! >= changes[i - 1]!, `${w.user}: state went back from n${changes[i - 1]} to n${changes[i]}`);
      assert.ok(w.notifies.some((x) => x.at > killedAt), `${w.user}: NOTIFYs after the kill`);
      const last = w.notifies.at(-1);
      assert.equal(last?.body, current, `${w.user}: the last NOTIFY is the current composed state`);
      assert.match(last?.state ?? '', /^active/);
    }
    // The counters in Redis agree with what the watchers saw: the last CSeq
    // allocated is the last one received, and version = CSeq - 1 (both start
    // together, RFC 3856 has no version in PIDF: it lives only in Redis).
    for (const id of ids) {
      const [cseq, version, callId] = await h.redis.hmget(subscriptionKeys.subscription(id), 'cseq', 'version', 'callId');
      const w = watchers.find((x) => x.notifies.length > 0 && Number(cseq) === x.notifies.at(-1)?.cseq);
      assert.ok(w !== undefined, `subscription ${id} (${callId ?? '?'}): Redis CSeq ${cseq} is some watcher's last`);
      assert.equal(Number(version), Number(cseq) - 1, `subscription ${id}: version ${version}, CSeq ${cseq}`);
    }
    const total = watchers.reduce((a, w) => a + w.notifies.length, 0);
    console.log(
      `replica kill after change ${killedAfter} (${leasesAtKill} sender leases held): ${CHANGES + 1} changes (PUBLISH statuses ${JSON.stringify(countBy(statuses))}), ` +
        `${total} NOTIFYs to ${watchers.length} watchers, ${watchers.reduce((a, w) => a + w.duplicates, 0)} retransmitted, final state everywhere ${converged} ms after the load`,
    );

    for (const w of watchers) {
      const res = await w.resubscribe(h.aor('pat'), 0);
      assert.equal(res.status, 200, res.text);
    }
    await h.untilUnsubscribed('pat');
  });
});

function countBy(xs: readonly number[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[String(x)] = (out[String(x)] ?? 0) + 1;
  return out;
}
