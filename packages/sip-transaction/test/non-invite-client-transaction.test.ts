import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bindChannel, FakeClock, IllegalTransitionError, NonInviteClientTransaction, type NonInviteClientState } from '../src/index.js';
import { FakeTransport, flush, RecordingClientUser, request, responseTo, TCP, UDP, type FakeTarget } from './helpers.js';

function setup(target: FakeTarget = UDP) {
  const clock = new FakeClock();
  const transport = new FakeTransport();
  const user = new RecordingClientUser();
  const message = request({ method: 'MESSAGE' });
  let terminated = 0;
  const txn = new NonInviteClientTransaction(message, user, { channel: bindChannel(transport, target), clock, onTerminated: () => terminated++ });
  txn.start();
  return { clock, transport, user, message, txn, terminatedCount: () => terminated };
}

/** Times (ms) at which the transport saw a send, sampling every 50 ms up to `until`. */
function sendTimes(clock: FakeClock, transport: FakeTransport, until: number): number[] {
  const times: number[] = [];
  let seen = transport.sent.length;
  while (clock.now() < until) {
    clock.advance(50);
    if (transport.sent.length > seen) {
      times.push(clock.now());
      seen = transport.sent.length;
    }
  }
  return times;
}

test('non-INVITE client - starts in Trying and sends the request', () => {
  const { txn, transport, message } = setup();
  assert.equal(txn.state, 'Trying');
  assert.equal(transport.sent[0]?.message, message);
});

test('Timer E - retransmits at 500 ms, 1 s, 2 s, 4 s, 4 s... in Trying over UDP', () => {
  const { clock, transport } = setup(UDP);
  // RFC 3261 §17.1.2.2: "intervals of 500 ms, 1 s, 2 s, 4 s, 4 s, 4 s, etc."
  assert.deepEqual(sendTimes(clock, transport, 20_000), [500, 1500, 3500, 7500, 11_500, 15_500, 19_500]);
});

test('Timer E - reset to T2 in Proceeding', () => {
  const { clock, transport, txn, message, user } = setup(UDP);
  clock.advance(600);
  txn.receiveResponse(responseTo(message, 100));
  assert.equal(txn.state, 'Proceeding');
  assert.deepEqual(user.statuses(), [100]);
  // Timer E was due at 1500 (set in Trying); after it, every T2.
  assert.deepEqual(sendTimes(clock, transport, 14_000), [1500, 5500, 9500, 13_500]);
});

test('Timer E - not started over a reliable transport', () => {
  const { clock, transport } = setup(TCP);
  clock.advance(31_999);
  assert.equal(transport.sent.length, 1);
});

for (const target of [UDP, TCP]) {
  const kind = target.reliable ? 'reliable' : 'unreliable';
  test(`Timer F - fires at 64*T1 in Trying: TU told, Terminated (${kind})`, () => {
    const { clock, txn, user, terminatedCount } = setup(target);
    clock.advance(31_999);
    assert.equal(txn.state, 'Trying');
    clock.advance(1);
    assert.equal(txn.state, 'Terminated');
    assert.deepEqual(user.timeouts, [txn]);
    assert.equal(terminatedCount(), 1);
    assert.equal(clock.pending, 0);
  });

  test(`Timer F - fires in Proceeding too (${kind})`, () => {
    const { clock, txn, user, message } = setup(target);
    clock.advance(1000);
    txn.receiveResponse(responseTo(message, 180, { toTag: 't' }));
    clock.advance(31_000);
    assert.equal(txn.state, 'Terminated');
    assert.equal(user.timeouts.length, 1);
  });
}

test('Timer K - T4 over UDP; response retransmissions absorbed in Completed', () => {
  const { clock, txn, user, transport, message } = setup(UDP);
  clock.advance(700);
  const ok = responseTo(message, 200, { toTag: 't' });
  txn.receiveResponse(ok);
  assert.equal(txn.state, 'Completed');
  const sent = transport.sent.length;
  txn.receiveResponse(ok);
  txn.receiveResponse(responseTo(message, 180, { toTag: 't' }));
  assert.deepEqual(user.statuses(), [200]);
  // No more retransmissions, no timeout.
  clock.advance(4999);
  assert.equal(transport.sent.length, sent);
  assert.equal(txn.state, 'Completed');
  clock.advance(1);
  assert.equal(txn.state, 'Terminated');
  assert.equal(user.timeouts.length, 0);
  assert.equal(clock.pending, 0);
});

test('Timer K - zero over TCP', () => {
  const { clock, txn, message } = setup(TCP);
  txn.receiveResponse(responseTo(message, 202, { toTag: 't' }));
  assert.equal(txn.state, 'Completed');
  clock.advance(0);
  assert.equal(txn.state, 'Terminated');
});

test('non-INVITE client - final response from Proceeding reaches the TU and completes', () => {
  const { txn, user, message } = setup(UDP);
  txn.receiveResponse(responseTo(message, 100));
  txn.receiveResponse(responseTo(message, 183, { toTag: 't' }));
  txn.receiveResponse(responseTo(message, 403, { toTag: 't' }));
  assert.equal(txn.state, 'Completed');
  assert.deepEqual(user.statuses(), [100, 183, 403]);
});

test('non-INVITE client - a transport error on a retransmission terminates and informs the TU', async () => {
  const { clock, txn, user, transport } = setup(UDP);
  transport.failWith = 'reject';
  clock.advance(500);
  await flush();
  assert.equal(txn.state, 'Terminated');
  assert.equal(user.errors.length, 1);
  assert.equal(clock.pending, 0);
  // A late second failure is not reported again.
  await flush();
  assert.equal(user.errors.length, 1);
});

test('non-INVITE client - the transition function refuses moves Figure 6 does not have', () => {
  class Probe extends NonInviteClientTransaction {
    force(to: NonInviteClientState): void {
      this.changeState(to);
    }
  }
  const probe = new Probe(request({ method: 'OPTIONS' }), new RecordingClientUser(), { channel: bindChannel(new FakeTransport(), UDP), clock: new FakeClock() });
  probe.start();
  probe.force('Completed');
  assert.throws(() => probe.force('Trying'), IllegalTransitionError);
  assert.throws(() => probe.force('Proceeding'), IllegalTransitionError);
});
