import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Notifier } from '../src/index.js';
import { FakeTransport, RedisNamespace, TestPackage, inbound, recorder, subscribe, type ReceivedNotify } from './support.js';

const ns = new RedisNamespace();
after(() => ns.cleanup());

/** CSeq and version of each NOTIFY of one dialog, in arrival order. */
function sequence(notifies: readonly ReceivedNotify[]): Array<{ cseq: number; version: number; state: number | undefined }> {
  return notifies.map((n) => ({
    cseq: n.cseq,
    version: Number(/version=(\d+)/.exec(n.body)?.[1] ?? NaN),
    state: /state=(\d+)/.test(n.body) ? Number(/state=(\d+)/.exec(n.body)?.[1]) : undefined,
  }));
}

describe('ordering - two replicas racing on one resource', () => {
  for (const shared of [false, true]) {
  it(`every NOTIFY of a subscription has a strictly increasing CSeq and version, one at a time, and the last carries the last state (${shared ? 'one compose per watcher class' : 'compose per subscription'})`, async () => {
    // Two replicas: their own Redis clients, their own transports (two processes
    // would have two NATS connections); the subscribers' view is merged by arrival.
    const pkg = new TestPackage();
    pkg.shareBodies = shared;
    const log: string[] = [];
    const t1 = new FakeTransport(log);
    const t2 = new FakeTransport(log);
    const arrivals: ReceivedNotify[] = [];
    let inflight = 0;
    let maxInflight = 0;
    const perDialog = new Map<string, number>();
    let overlapped = false;
    for (const t of [t1, t2]) {
      t.delayMs = () => Math.floor(Math.random() * 6);
      const send = t.send.bind(t);
      t.send = async (req, flow) => {
        const cid = req.callId;
        const now = (perDialog.get(cid) ?? 0) + 1;
        perDialog.set(cid, now);
        if (now > 1) overlapped = true;
        inflight++;
        maxInflight = Math.max(maxInflight, inflight);
        try {
          const pending = send(req, flow);
          // The transport records a NOTIFY synchronously, before it answers.
          arrivals.push(t.received.at(-1) as ReceivedNotify);
          return await pending;
        } finally {
          inflight--;
          perDialog.set(cid, (perDialog.get(cid) ?? 1) - 1);
        }
      };
    }
    const a = new Notifier({ redis: ns.client(), transport: t1, packages: [pkg], concurrency: 8 });
    const b = new Notifier({ redis: ns.client(), transport: t2, packages: [pkg], concurrency: 8 });
    const resource = 'carol@example.com';
    pkg.set(resource, 0);

    const callIds: string[] = [];
    for (let i = 0; i < 4; i++) {
      const req = subscribe({ user: 'carol', watcher: `w${i}` });
      callIds.push(req.callId);
      const out = await (i % 2 === 0 ? a : b).handleSubscribe(req, inbound(`w${i}@example.com`), recorder().respond);
      assert.equal(out.status, 200);
    }

    // 60 changes, each announced by one replica or the other, in bursts that overlap.
    const CHANGES = 60;
    const bursts: Array<Promise<unknown>> = [];
    for (let v = 1; v <= CHANGES; v++) {
      pkg.set(resource, v);
      bursts.push((v % 2 === 0 ? a : b).notifyResource('x-test', resource));
      if (v % 5 === 0) await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 4)));
    }
    await Promise.all(bursts);
    // No sweep: a change that met a NOTIFY in flight is sent by the lease
    // holder when that NOTIFY completes, without any timer.
    await Promise.all([a.idle(), b.idle()]);

    assert.equal(overlapped, false, 'never two NOTIFYs of one subscription in flight at once');
    assert.ok(maxInflight > 1, 'the two replicas did send concurrently (different subscriptions)');
    for (const cid of callIds) {
      const seq = sequence(arrivals.filter((n) => n.request.callId === cid));
      assert.ok(seq.length >= 2, `subscription ${cid} got its NOTIFYs`);
      for (let i = 1; i < seq.length; i++) {
        const [prev, cur] = [seq[i - 1], seq[i]];
        assert.ok(prev !== undefined && cur !== undefined);
        assert.equal(cur.cseq, prev.cseq + 1, `CSeq strictly increasing and contiguous (RFC 3261 §12.2.1.1): ${JSON.stringify(seq)}`);
        // A body composed once for a class carries no per-subscription version.
        if (!shared) assert.equal(cur.version, prev.version + 1, `version strictly increasing: ${JSON.stringify(seq)}`);
        assert.ok((cur.state ?? -1) >= (prev.state ?? -1), `state never goes back: ${JSON.stringify(seq)}`);
      }
      if (process.env.SIP_EVENTS_DEBUG) console.log(cid, JSON.stringify(seq));
      assert.equal(seq.at(-1)?.state, CHANGES, 'the last NOTIFY carries the last state (RFC 3856 §6.8: the highest CSeq is current)');
    }
    await a.stop();
    await b.stop();
  });
  }
});
