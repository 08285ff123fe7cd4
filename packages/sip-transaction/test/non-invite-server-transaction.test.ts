import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bindChannel, FakeClock, IllegalTransitionError, NonInviteServerTransaction, TransactionUsageError, type NonInviteServerState } from '../src/index.js';
import { FakeTransport, flush, RecordingTU, request, responseTo, TCP, UDP, type FakeTarget } from './helpers.js';

function setup(target: FakeTarget = UDP) {
  const clock = new FakeClock();
  const transport = new FakeTransport();
  const user = new RecordingTU();
  const message = request({ method: 'MESSAGE' });
  let terminated = 0;
  const txn = new NonInviteServerTransaction(message, user, { channel: bindChannel(transport, target), clock, onTerminated: () => terminated++ });
  txn.start();
  return { clock, transport, user, message, txn, terminatedCount: () => terminated };
}

test('non-INVITE server - retransmissions in Trying are discarded (nothing sent, no 100)', () => {
  const { clock, txn, transport, message } = setup();
  assert.equal(txn.state, 'Trying');
  txn.receiveRequest(message);
  clock.advance(10_000);
  assert.equal(transport.sent.length, 0);
  assert.equal(txn.state, 'Trying');
});

test('non-INVITE server - provisional: Proceeding; a retransmission gets the latest provisional again', () => {
  const { txn, transport, message } = setup();
  txn.respond(responseTo(message, 100));
  assert.equal(txn.state, 'Proceeding');
  txn.respond(responseTo(message, 183, { toTag: 'uas' }));
  txn.receiveRequest(message);
  assert.deepEqual(transport.responses().map((r) => r.status), [100, 183, 183]);
  assert.equal(txn.provisionalResponse?.status, 183);
});

test('non-INVITE server - final: Completed; retransmissions get it again, other responses are discarded', () => {
  const { txn, transport, message, clock } = setup();
  txn.respond(responseTo(message, 100));
  const ok = responseTo(message, 200, { toTag: 'uas' });
  assert.equal(txn.respond(ok), true);
  assert.equal(txn.state, 'Completed');
  txn.receiveRequest(message);
  txn.receiveRequest(message);
  assert.equal(txn.respond(responseTo(message, 500, { toTag: 'uas' })), false);
  assert.equal(txn.respond(responseTo(message, 180, { toTag: 'uas' })), false);
  assert.deepEqual(transport.responses().map((r) => r.status), [100, 200, 200, 200]);
  assert.equal(txn.finalResponse, ok);
  // Nothing is retransmitted without a request retransmission.
  clock.advance(10_000);
  assert.equal(transport.sent.length, 4);
});

test('Timer J - 64*T1 over UDP', () => {
  const { clock, txn, message, terminatedCount } = setup(UDP);
  txn.respond(responseTo(message, 202, { toTag: 'uas' }));
  clock.advance(31_999);
  assert.equal(txn.state, 'Completed');
  clock.advance(1);
  assert.equal(txn.state, 'Terminated');
  assert.equal(terminatedCount(), 1);
  assert.equal(clock.pending, 0);
});

test('Timer J - zero over TCP', () => {
  const { clock, txn, message } = setup(TCP);
  txn.respond(responseTo(message, 200, { toTag: 'uas' }));
  assert.equal(txn.state, 'Completed');
  clock.advance(0);
  assert.equal(txn.state, 'Terminated');
});

test('non-INVITE server - a transport error informs the TU and keeps the state; Timer J still ends it', async () => {
  const { clock, txn, transport, message, user } = setup(UDP);
  transport.failWith = 'reject';
  txn.respond(responseTo(message, 200, { toTag: 'uas' }));
  await flush();
  assert.equal(user.errors.length, 1);
  assert.equal(txn.state, 'Completed');
  clock.advance(32_000);
  assert.equal(txn.state, 'Terminated');
});

test('non-INVITE server - refuses INVITE and ACK, and invalid statuses', () => {
  const channel = bindChannel(new FakeTransport(), UDP);
  assert.throws(() => new NonInviteServerTransaction(request(), new RecordingTU(), { channel }), TransactionUsageError);
  assert.throws(() => new NonInviteServerTransaction(request({ method: 'ACK' }), new RecordingTU(), { channel }), TransactionUsageError);
  const { txn, message } = setup();
  assert.throws(() => txn.respond(Object.assign(responseTo(message, 200), { status: 42 })), TransactionUsageError);
});

test('non-INVITE server - the transition function refuses moves Figure 8 does not have', () => {
  class Probe extends NonInviteServerTransaction {
    force(to: NonInviteServerState): void {
      this.changeState(to);
    }
  }
  const probe = new Probe(request({ method: 'OPTIONS' }), new RecordingTU(), { channel: bindChannel(new FakeTransport(), UDP), clock: new FakeClock() });
  assert.throws(() => probe.force('Terminated'), IllegalTransitionError);
  probe.force('Proceeding');
  assert.throws(() => probe.force('Trying'), IllegalTransitionError);
  probe.force('Completed');
  probe.force('Terminated');
  assert.equal(probe.terminated, true);
});
