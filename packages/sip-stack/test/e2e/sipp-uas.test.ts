import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { IncomingRequest, SipStack } from '@simple/sip-stack';
import { Recorder, startStack } from '../helpers.js';
import { runSipp, sippAvailable, skipUnless } from '@simple/testkit';

const scenario = (name: string): string => fileURLToPath(new URL(`../sipp/${name}`, import.meta.url));
const CALLS = 20;
/** Long enough that SIPp retransmits over UDP (T1 = 500 ms) before the answer. */
const ANSWER_DELAY_MS = 700;

/**
 * SIPp drives a UAS built on the stack. The TU counts requests by Call-ID,
 * answers late, and says in X-Tu-Seen how often it saw the request: every
 * retransmission must be absorbed by the server transaction.
 */
describe('UAS on the stack driven by SIPp', { skip: skipUnless(sippAvailable(), 'sipp is not installed (apt-get install sip-tester)') }, () => {
  let stack: SipStack;
  let udpPort = 0;
  let tcpPort = 0;
  const rec = new Recorder();
  const timers = new Set<NodeJS.Timeout>();

  before(async () => {
    const started = await startStack((inc: IncomingRequest) => {
      const seen = rec.record(inc.request);
      const status = inc.request.method === 'INVITE' ? 486 : 200;
      const t = setTimeout(() => {
        timers.delete(t);
        inc.respond(status, { headers: [['X-Tu-Seen', String(seen)]] });
      }, ANSWER_DELAY_MS);
      timers.add(t);
    });
    ({ stack, udpPort, tcpPort } = started);
  });

  after(async () => {
    for (const t of timers) clearTimeout(t);
    await stack.stop();
  });

  for (const transport of ['u1', 't1'] as const) {
    const name = transport === 'u1' ? 'UDP' : 'TCP';

    if (transport === 'u1') {
      it('MESSAGE over UDP - retransmissions absorbed while pending, a late one gets the cached 200', { timeout: 90_000 }, async () => {
        const before = { ...stack.stats };
        const toUserBefore = rec.requests.length;
        const run = await runSipp({
          scenario: scenario('uac-message-retransmit-expect-cached-200.xml'),
          target: `127.0.0.1:${udpPort}`,
          transport,
          calls: CALLS,
          rate: 20,
          timeoutSec: 40,
        });
        assert.equal(run.code, 0, `sipp failed (${run.code}): ${run.stderr}\n${run.stdout}`);
        assert.equal(run.stats['SuccessfulCall(C)'], String(CALLS));
        // Each call's MESSAGE (and its OPTIONS) reached the TU exactly once.
        const newRequests = rec.requests.slice(toUserBefore);
        assert.equal(newRequests.filter((r) => r.method === 'MESSAGE').length, CALLS);
        assert.equal(newRequests.filter((r) => r.method === 'OPTIONS').length, CALLS);
        for (const r of newRequests) assert.equal(rec.seen.get(Recorder.key(r)), 1);
        // SIPp retransmitted while the TU was slow (absorbed in Trying), and every call
        // sent one late duplicate (answered from the cache in Completed).
        const sippRetrans = Number(run.stats['Retransmissions(C)'] ?? '0');
        assert.ok(sippRetrans >= CALLS, `SIPp retransmitted ${sippRetrans} times`);
        const absorbed = stack.stats.retransmissionsAbsorbed - before.retransmissionsAbsorbed;
        assert.ok(absorbed >= CALLS + sippRetrans, `absorbed ${absorbed}, SIPp retransmissions ${sippRetrans}`);
      });
    } else {
      it('MESSAGE over TCP - a duplicate sent while pending is absorbed: one 200, the TU sees it once', { timeout: 90_000 }, async () => {
        const before = { ...stack.stats };
        const toUserBefore = rec.requests.length;
        const run = await runSipp({
          scenario: scenario('uac-message-duplicate-while-pending-expect-one-200.xml'),
          target: `127.0.0.1:${tcpPort}`,
          transport,
          calls: CALLS,
          rate: 20,
          timeoutSec: 40,
        });
        assert.equal(run.code, 0, `sipp failed (${run.code}): ${run.stderr}\n${run.stdout}`);
        assert.equal(run.stats['SuccessfulCall(C)'], String(CALLS));
        const newRequests = rec.requests.slice(toUserBefore);
        assert.equal(newRequests.length, CALLS);
        for (const r of newRequests) assert.equal(rec.seen.get(Recorder.key(r)), 1);
        assert.equal(stack.stats.retransmissionsAbsorbed - before.retransmissionsAbsorbed, CALLS);
      });
    }

    it(`INVITE over ${name} - 100 Trying from the transaction, 486 once, ACK absorbed`, { timeout: 90_000 }, async () => {
      const toUserBefore = rec.requests.length;
      const acksBefore = stack.stats.acksToUser;
      const run = await runSipp({
        scenario: scenario('uac-invite-expect-100-then-486.xml'),
        target: `127.0.0.1:${transport === 'u1' ? udpPort : tcpPort}`,
        transport,
        calls: CALLS,
        rate: 20,
        timeoutSec: 40,
      });
      assert.equal(run.code, 0, `sipp failed (${run.code}): ${run.stderr}\n${run.stdout}`);
      assert.equal(run.stats['SuccessfulCall(C)'], String(CALLS));
      const invites = rec.requests.slice(toUserBefore);
      assert.equal(invites.length, CALLS);
      assert.ok(invites.every((r) => r.method === 'INVITE' && rec.seen.get(Recorder.key(r)) === 1));
      // The ACK for a non-2xx belongs to the INVITE transaction: the TU never sees it.
      assert.equal(stack.stats.acksToUser, acksBefore);
    });
  }
});
