import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bindChannel, FakeClock, IllegalTransitionError, InviteServerTransaction, TransactionUsageError, type InviteServerState } from '../src/index.js';
import { FakeTransport, flush, RecordingTU, request, responseTo, TCP, UDP, type FakeTarget } from './helpers.js';

function setup(target: FakeTarget = UDP, extra: readonly string[] = [], tryingDelayMs?: number) {
  const clock = new FakeClock();
  const transport = new FakeTransport();
  const user = new RecordingTU();
  const invite = request({ extra });
  let terminated = 0;
  const txn = new InviteServerTransaction(invite, user, {
    channel: bindChannel(transport, target),
    clock,
    tryingDelayMs,
    onTerminated: () => terminated++,
  });
  txn.start();
  return { clock, transport, user, invite, txn, terminatedCount: () => terminated };
}

test('100 Trying - sent after 200 ms when the TU has not answered, without To tag, Timestamp copied', () => {
  const { clock, transport, txn } = setup(UDP, ['Timestamp: 54']);
  assert.equal(txn.state, 'Proceeding');
  clock.advance(199);
  assert.equal(transport.sent.length, 0);
  clock.advance(1);
  const trying = transport.responses(100);
  assert.equal(trying.length, 1);
  assert.equal(transport.sent[0]?.target, UDP);
  assert.equal(trying[0]?.to.tag, undefined);
  // RFC 3261 §8.2.6.1: copied, with the delay (in seconds) added.
  assert.equal(trying[0]?.headers.get('timestamp'), '54 0.200');
  assert.equal(txn.provisionalResponse, trying[0]);
  assert.equal(txn.state, 'Proceeding');
});

test('100 Trying - not sent when the TU answers within 200 ms', () => {
  const { clock, transport, txn, invite } = setup(UDP);
  clock.advance(150);
  txn.respond(responseTo(invite, 180, { toTag: 'uas' }));
  clock.advance(1000);
  assert.deepEqual(transport.responses().map((r) => r.status), [180]);
});

test('100 Trying - over reliable transports too, and at once with a zero delay', () => {
  const tcp = setup(TCP);
  tcp.clock.advance(200);
  assert.equal(tcp.transport.responses(100).length, 1);
  const now = setup(UDP, [], 0);
  assert.equal(now.transport.responses(100).length, 1);
});

test('INVITE server - a retransmitted INVITE in Proceeding gets the most recent provisional response', () => {
  const { txn, transport, invite } = setup(UDP);
  txn.receiveRequest(invite);
  assert.equal(transport.sent.length, 0);
  txn.respond(responseTo(invite, 180, { toTag: 'uas' }));
  txn.respond(responseTo(invite, 183, { toTag: 'uas' }));
  txn.receiveRequest(invite);
  assert.deepEqual(transport.responses().map((r) => r.status), [180, 183, 183]);
  assert.equal(txn.state, 'Proceeding');
});

test('Timer G - the non-2xx final response is retransmitted at T1, 2T1... capped at T2 over UDP', () => {
  const { clock, txn, transport, invite } = setup(UDP);
  txn.respond(responseTo(invite, 486, { toTag: 'uas' }));
  assert.equal(txn.state, 'Completed');
  const times: number[] = [];
  let seen = transport.sent.length;
  while (clock.now() < 20_000) {
    clock.advance(50);
    if (transport.sent.length > seen) {
      times.push(clock.now());
      seen = transport.sent.length;
    }
  }
  assert.deepEqual(times, [500, 1500, 3500, 7500, 11_500, 15_500, 19_500]);
  assert.ok(transport.responses().every((r) => r.status === 486));
});

test('Timer G - not started over a reliable transport', () => {
  const { clock, txn, transport, invite } = setup(TCP);
  txn.respond(responseTo(invite, 486, { toTag: 'uas' }));
  clock.advance(31_999);
  assert.equal(transport.sent.length, 1);
});

for (const target of [UDP, TCP]) {
  test(`Timer H - no ACK within 64*T1: Terminated and the TU told (${target.reliable ? 'reliable' : 'unreliable'})`, () => {
    const { clock, txn, user, invite, terminatedCount } = setup(target);
    txn.respond(responseTo(invite, 404, { toTag: 'uas' }));
    clock.advance(31_999);
    assert.equal(txn.state, 'Completed');
    clock.advance(1);
    assert.equal(txn.state, 'Terminated');
    assert.deepEqual(user.timeouts, [txn]);
    assert.equal(terminatedCount(), 1);
    assert.equal(clock.pending, 0);
  });
}

test('INVITE server - a retransmitted INVITE in Completed gets the final response again', () => {
  const { txn, transport, invite } = setup(TCP);
  const busy = responseTo(invite, 486, { toTag: 'uas' });
  txn.respond(busy);
  txn.receiveRequest(invite);
  assert.deepEqual(transport.responses(), [busy, busy]);
  assert.equal(txn.finalResponse, busy);
  assert.equal(txn.finalToTag, 'uas');
  // RFC 3261 §17.2.1: nothing else the TU passes is sent once Completed.
  assert.equal(txn.respond(responseTo(invite, 200, { toTag: 'uas' })), false);
  assert.equal(transport.sent.length, 2);
});

test('Timer I - the ACK moves Completed to Confirmed, stops G; Terminated after T4 over UDP', () => {
  const { clock, txn, transport, invite, user } = setup(UDP);
  txn.respond(responseTo(invite, 486, { toTag: 'uas' }));
  clock.advance(600);
  const ack = request({ method: 'ACK', toTag: 'uas' });
  assert.equal(txn.receiveAck(ack), 'confirmed');
  assert.equal(txn.state, 'Confirmed');
  const sent = transport.sent.length;
  // More ACKs and INVITE retransmissions are absorbed.
  assert.equal(txn.receiveAck(ack), 'absorbed');
  txn.receiveRequest(invite);
  clock.advance(4999);
  assert.equal(transport.sent.length, sent);
  assert.equal(txn.state, 'Confirmed');
  clock.advance(1);
  assert.equal(txn.state, 'Terminated');
  assert.equal(user.timeouts.length, 0);
  assert.equal(clock.pending, 0);
});

test('Timer I - zero over TCP', () => {
  const { clock, txn, invite } = setup(TCP);
  txn.respond(responseTo(invite, 486, { toTag: 'uas' }));
  txn.receiveAck(request({ method: 'ACK', toTag: 'uas' }));
  assert.equal(txn.state, 'Confirmed');
  clock.advance(0);
  assert.equal(txn.state, 'Terminated');
});

for (const target of [UDP, TCP]) {
  test(`Timer L - a 2xx moves to Accepted for 64*T1; INVITE retransmissions absorbed, TU 2xx sent, ACK for the TU (${target.reliable ? 'reliable' : 'unreliable'})`, () => {
    const { clock, txn, transport, invite } = setup(target);
    const ok = responseTo(invite, 200, { toTag: 'uas' });
    assert.equal(txn.respond(ok), true);
    assert.equal(txn.state, 'Accepted');
    // No retransmission by the transaction (RFC 6026 §7.1: "MUST NOT generate 2xx retransmissions on its own").
    clock.advance(10_000);
    assert.equal(transport.sent.length, 1);
    txn.receiveRequest(invite);
    assert.equal(transport.sent.length, 1);
    // The TU's retransmissions pass; other responses do not.
    assert.equal(txn.respond(ok), true);
    assert.equal(txn.respond(responseTo(invite, 486, { toTag: 'uas' })), false);
    assert.equal(txn.respond(responseTo(invite, 180, { toTag: 'uas' })), false);
    assert.deepEqual(transport.responses().map((r) => r.status), [200, 200]);
    assert.equal(txn.receiveAck(request({ method: 'ACK', toTag: 'uas' })), 'for-tu');
    assert.equal(txn.state, 'Accepted');
    clock.advance(21_999);
    assert.equal(txn.state, 'Accepted');
    clock.advance(1);
    assert.equal(txn.state, 'Terminated');
  });
}

test('INVITE server - a transport error informs the TU and keeps the state (RFC 6026 §8.8)', async () => {
  const { clock, txn, transport, invite, user } = setup(UDP);
  transport.failWith = 'throw';
  txn.respond(responseTo(invite, 200, { toTag: 'uas' }));
  await flush();
  assert.equal(txn.state, 'Accepted');
  assert.equal(user.errors.length, 1);
  assert.equal(user.errors[0]?.transaction, txn);
  // Retransmitted INVITEs are still absorbed; Timer L still ends it.
  txn.receiveRequest(invite);
  clock.advance(32_000);
  assert.equal(txn.state, 'Terminated');
});

test('INVITE server - a transport error in Completed keeps the state until Timer H', async () => {
  const { clock, txn, transport, invite, user } = setup(UDP);
  transport.failWith = 'reject';
  txn.respond(responseTo(invite, 500, { toTag: 'uas' }));
  await flush();
  assert.equal(txn.state, 'Completed');
  assert.equal(user.errors.length, 1);
  clock.advance(32_000);
  assert.equal(txn.state, 'Terminated');
  assert.equal(user.timeouts.length, 1);
});

test('INVITE server - invalid statuses are refused; ACK before a final response is absorbed', () => {
  const { txn, invite } = setup(UDP);
  assert.throws(() => txn.respond(Object.assign(responseTo(invite, 200, { toTag: 'x' }), { status: 99 })), TransactionUsageError);
  assert.throws(() => txn.respond(Object.assign(responseTo(invite, 200, { toTag: 'x' }), { status: 700 })), TransactionUsageError);
  assert.equal(txn.receiveAck(request({ method: 'ACK' })), 'absorbed');
  assert.equal(txn.state, 'Proceeding');
});

test('INVITE server - the transition function refuses moves Figure 7 does not have', () => {
  class Probe extends InviteServerTransaction {
    force(to: InviteServerState): void {
      this.changeState(to);
    }
  }
  const probe = new Probe(request(), new RecordingTU(), { channel: bindChannel(new FakeTransport(), UDP), clock: new FakeClock() });
  // RFC 6026: no Proceeding -> Terminated arrow any more.
  assert.throws(() => probe.force('Terminated'), IllegalTransitionError);
  assert.throws(() => probe.force('Confirmed'), IllegalTransitionError);
  probe.force('Accepted');
  assert.throws(() => probe.force('Completed'), IllegalTransitionError);
  probe.force('Terminated');
});
