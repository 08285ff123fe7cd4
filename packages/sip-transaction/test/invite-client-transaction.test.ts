import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serializeMessage } from '@simple/sip-message';
import { bindChannel, FakeClock, IllegalTransitionError, InviteClientTransaction, TransactionTransportError, TransactionUsageError, type InviteClientState } from '../src/index.js';
import { FakeTransport, flush, RecordingClientUser, request, responseTo, TCP, UDP, type FakeTarget } from './helpers.js';

function setup(target: FakeTarget = UDP, extra: readonly string[] = []) {
  const clock = new FakeClock();
  const transport = new FakeTransport();
  const user = new RecordingClientUser();
  const invite = request({ extra });
  let terminated = 0;
  const txn = new InviteClientTransaction(invite, user, { channel: bindChannel(transport, target), clock, onTerminated: () => terminated++ });
  txn.start();
  return { clock, transport, user, invite, txn, terminatedCount: () => terminated };
}

test('INVITE client - starts in Calling and sends the INVITE to the destination', () => {
  const { txn, transport, invite } = setup();
  assert.equal(txn.state, 'Calling');
  assert.equal(transport.sent.length, 1);
  assert.equal(transport.sent[0]?.message, invite);
  assert.equal(transport.sent[0]?.target, UDP);
  assert.throws(() => txn.start(), TransactionUsageError);
});

test('Timer A - retransmits at T1, 2T1, 4T1... until Timer B: seven INVITEs over UDP', () => {
  const { clock, transport } = setup(UDP);
  const sendTimes: number[] = [];
  let seen = transport.sent.length;
  for (let t = 0; t < 32_000; t += 100) {
    clock.advance(100);
    if (transport.sent.length > seen) {
      sendTimes.push(clock.now());
      seen = transport.sent.length;
    }
  }
  // Sent at 0, then retransmitted at 500, 1500, 3500, 7500, 15500, 31500 (RFC 3261 §17.1.1.2: "seven requests").
  assert.deepEqual(sendTimes, [500, 1500, 3500, 7500, 15_500, 31_500]);
  assert.equal(transport.requests('INVITE').length, 7);
});

test('Timer A - not started over a reliable transport', () => {
  const { clock, transport } = setup(TCP);
  clock.advance(31_999);
  assert.equal(transport.sent.length, 1);
});

for (const target of [UDP, TCP]) {
  test(`Timer B - fires at 64*T1 in Calling: TU told of the timeout, no ACK (${target.reliable ? 'reliable' : 'unreliable'})`, () => {
    const { clock, txn, user, transport, terminatedCount } = setup(target);
    clock.advance(31_999);
    assert.equal(txn.state, 'Calling');
    assert.equal(user.timeouts.length, 0);
    clock.advance(1);
    assert.equal(txn.state, 'Terminated');
    assert.deepEqual(user.timeouts, [txn]);
    assert.equal(transport.requests('ACK').length, 0);
    assert.equal(terminatedCount(), 1);
    assert.equal(clock.pending, 0);
  });
}

test('INVITE client - a 1xx moves Calling to Proceeding, stops retransmissions and Timer B, reaches the TU', () => {
  const { clock, txn, user, transport, invite } = setup(UDP);
  clock.advance(500);
  assert.equal(transport.sent.length, 2);
  txn.receiveResponse(responseTo(invite, 100));
  assert.equal(txn.state, 'Proceeding');
  txn.receiveResponse(responseTo(invite, 180, { toTag: 'to-1' }));
  txn.receiveResponse(responseTo(invite, 183, { toTag: 'to-1' }));
  assert.deepEqual(user.statuses(), [100, 180, 183]);
  clock.advance(120_000);
  assert.equal(transport.sent.length, 2);
  assert.equal(txn.state, 'Proceeding');
  assert.equal(user.timeouts.length, 0);
});

test('INVITE client - a 300-699 response: Completed, response to TU, ACK built per RFC 3261 §17.1.1.3', () => {
  const { txn, user, transport, invite } = setup(UDP, ['Route: <sip:p1.example.com;lr>', 'Route: <sip:p2.example.com;lr>']);
  txn.receiveResponse(responseTo(invite, 180, { toTag: 'to-9' }));
  const busy = responseTo(invite, 486, { toTag: 'to-9' });
  txn.receiveResponse(busy);
  assert.equal(txn.state, 'Completed');
  assert.deepEqual(user.statuses(), [180, 486]);
  const acks = transport.requests('ACK');
  assert.equal(acks.length, 1);
  const ack = acks[0];
  assert.ok(ack !== undefined);
  assert.equal(transport.sent[transport.sent.length - 1]?.target, UDP);
  assert.equal(ack.uri.toString(), invite.uri.toString());
  assert.equal(ack.vias.length, 1);
  assert.equal(ack.topVia.toString(), invite.topVia.toString());
  assert.equal(ack.headers.get('to'), busy.headers.get('to'));
  assert.equal(ack.to.tag, 'to-9');
  assert.equal(ack.headers.get('from'), invite.headers.get('from'));
  assert.equal(ack.callId, invite.callId);
  assert.deepEqual(ack.cseq, { seq: invite.cseq.seq, method: 'ACK' });
  assert.deepEqual(ack.headers.getAll('route'), ['<sip:p1.example.com;lr>', '<sip:p2.example.com;lr>']);
  assert.equal(ack.headers.get('max-forwards'), '70');
  assert.equal(ack.body.length, 0);
  assert.equal(txn.ackRequest, ack);
  assert.match(serializeMessage(ack).toString(), /^ACK sip:bob@biloxi\.example\.com SIP\/2\.0\r\n/);
});

test('INVITE client - ACK is generated even over a reliable transport', () => {
  const { txn, transport, invite } = setup(TCP);
  txn.receiveResponse(responseTo(invite, 603, { toTag: 't' }));
  assert.equal(transport.requests('ACK').length, 1);
});

test('INVITE client - a retransmitted final response re-sends the ACK and is not passed to the TU', () => {
  const { txn, user, transport, invite } = setup(UDP);
  const busy = responseTo(invite, 486, { toTag: 'to-2' });
  txn.receiveResponse(busy);
  txn.receiveResponse(busy);
  txn.receiveResponse(busy);
  assert.equal(transport.requests('ACK').length, 3);
  assert.deepEqual(user.statuses(), [486]);
  // Neither provisional nor 2xx responses change anything in Completed.
  txn.receiveResponse(responseTo(invite, 180, { toTag: 'to-2' }));
  txn.receiveResponse(responseTo(invite, 200, { toTag: 'to-2' }));
  assert.deepEqual(user.statuses(), [486]);
  assert.equal(transport.requests('ACK').length, 3);
});

test('Timer D - at least 32 s over an unreliable transport', () => {
  const { clock, txn, invite, terminatedCount } = setup(UDP);
  clock.advance(1000);
  txn.receiveResponse(responseTo(invite, 404, { toTag: 'x' }));
  clock.advance(31_999);
  assert.equal(txn.state, 'Completed');
  clock.advance(1);
  assert.equal(txn.state, 'Terminated');
  assert.equal(terminatedCount(), 1);
});

test('Timer D - zero over a reliable transport', () => {
  const { clock, txn, invite } = setup(TCP);
  txn.receiveResponse(responseTo(invite, 404, { toTag: 'x' }));
  assert.equal(txn.state, 'Completed');
  clock.advance(0);
  assert.equal(txn.state, 'Terminated');
});

test('Timer D - 64*T1 when T1 is configured above 500 ms', () => {
  const clock = new FakeClock();
  const transport = new FakeTransport();
  const invite = request();
  const txn = new InviteClientTransaction(invite, new RecordingClientUser(), { channel: bindChannel(transport, UDP), clock, timers: { T1: 1000, T2: 4000 } });
  txn.start();
  txn.receiveResponse(responseTo(invite, 500, { toTag: 'x' }));
  clock.advance(63_999);
  assert.equal(txn.state, 'Completed');
  clock.advance(1);
  assert.equal(txn.state, 'Terminated');
});

for (const target of [UDP, TCP]) {
  test(`Timer M - a 2xx moves to Accepted for 64*T1; every 2xx reaches the TU, no ACK (${target.reliable ? 'reliable' : 'unreliable'})`, () => {
    const { clock, txn, user, transport, invite } = setup(target);
    txn.receiveResponse(responseTo(invite, 200, { toTag: 'a' }));
    assert.equal(txn.state, 'Accepted');
    // A retransmission and a 2xx from another fork branch (RFC 6026 §7.2).
    clock.advance(10_000);
    txn.receiveResponse(responseTo(invite, 200, { toTag: 'a' }));
    txn.receiveResponse(responseTo(invite, 200, { toTag: 'b' }));
    // Non-2xx responses are not passed in Accepted.
    txn.receiveResponse(responseTo(invite, 486, { toTag: 'c' }));
    txn.receiveResponse(responseTo(invite, 180, { toTag: 'c' }));
    assert.deepEqual(user.statuses(), [200, 200, 200]);
    assert.equal(transport.requests('ACK').length, 0);
    clock.advance(21_999);
    assert.equal(txn.state, 'Accepted');
    clock.advance(1);
    assert.equal(txn.state, 'Terminated');
    txn.receiveResponse(responseTo(invite, 200, { toTag: 'a' }));
    assert.equal(user.responses.length, 3);
  });
}

test('INVITE client - a 2xx in Proceeding also moves to Accepted', () => {
  const { txn, invite } = setup(UDP);
  txn.receiveResponse(responseTo(invite, 180, { toTag: 'a' }));
  txn.receiveResponse(responseTo(invite, 200, { toTag: 'a' }));
  assert.equal(txn.state, 'Accepted');
});

test('INVITE client - a transport error (thrown) terminates the transaction and informs the TU', async () => {
  const clock = new FakeClock();
  const transport = new FakeTransport();
  transport.failWith = 'throw';
  const user = new RecordingClientUser();
  const txn = new InviteClientTransaction(request(), user, { channel: bindChannel(transport, UDP), clock });
  txn.start();
  // Reported asynchronously: never before start() has returned.
  assert.equal(txn.state, 'Calling');
  await flush();
  assert.equal(txn.state, 'Terminated');
  assert.equal(user.errors.length, 1);
  assert.ok(user.errors[0] instanceof TransactionTransportError);
  assert.equal(user.errors[0]?.status, 503);
  assert.equal(clock.pending, 0);
});

test('INVITE client - a transport error (rejected) while sending the ACK terminates the transaction', async () => {
  const { txn, user, transport, invite } = setup(UDP);
  transport.failWith = 'reject';
  txn.receiveResponse(responseTo(invite, 486, { toTag: 'a' }));
  assert.equal(txn.state, 'Completed');
  await flush();
  assert.equal(txn.state, 'Terminated');
  assert.equal(user.errors.length, 1);
  assert.match(user.errors[0]?.message ?? '', /connection reset/);
});

test('INVITE client - the transition function refuses moves Figure 5 does not have', () => {
  class Probe extends InviteClientTransaction {
    force(to: InviteClientState): void {
      this.changeState(to);
    }
  }
  const transport = new FakeTransport();
  const probe = new Probe(request(), new RecordingClientUser(), { channel: bindChannel(transport, UDP), clock: new FakeClock() });
  probe.start();
  probe.force('Completed');
  assert.throws(() => probe.force('Proceeding'), IllegalTransitionError);
  assert.throws(() => probe.force('Accepted'), /illegal transition Completed -> Accepted/);
  probe.force('Terminated');
  assert.throws(() => probe.force('Calling'), IllegalTransitionError);
});
