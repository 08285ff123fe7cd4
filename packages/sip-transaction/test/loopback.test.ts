import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMessage, serializeMessage, type SipRequest, type SipResponse } from '@simple/sip-message';
import { FakeClock, TransactionLayer, type TransactionTransport } from '../src/index.js';
import { RecordingClientUser, RecordingTU, request, responseTo } from './helpers.js';

/** Which side a message goes to; messages are serialized and parsed, and the first `drop` INVITEs are lost. */
type Side = 'uac' | 'uas';

class LossyWire implements TransactionTransport<Side> {
  readonly log: string[] = [];
  layers: Partial<Record<Side, TransactionLayer<Side>>> = {};
  constructor(private dropInvites: number) {}
  isReliable(): boolean {
    return false;
  }
  send(message: SipRequest | SipResponse, target: Side): void {
    const line = message.kind === 'request' ? message.method : `${message.status}`;
    if (message.kind === 'request' && message.method === 'INVITE' && this.dropInvites > 0) {
      this.dropInvites--;
      this.log.push(`${line} lost`);
      return;
    }
    this.log.push(`${line} -> ${target}`);
    const parsed = parseMessage(serializeMessage(message), { datagram: true });
    assert.ok(parsed.ok);
    // A response goes back to the side that sent the request.
    this.layers[target]?.receive(parsed.value, target === 'uas' ? 'uac' : 'uas');
  }
}

/** A UAC and a UAS transaction layer on one clock, joined by a wire that loses the first `dropInvites` INVITEs. */
function connect(dropInvites: number) {
  const clock = new FakeClock();
  const wire = new LossyWire(dropInvites);
  const uasTu = new RecordingTU<Side>();
  const uac = new TransactionLayer<Side>({ transport: wire, user: new RecordingTU<Side>(), clock });
  const uas = new TransactionLayer<Side>({ transport: wire, user: uasTu, clock });
  wire.layers = { uac, uas };
  return { clock, wire, uasTu, uac, uas };
}

test('loopback - lost INVITEs are retransmitted, a 486 is ACKed by the client and absorbed by the server', () => {
  const { clock, wire, uasTu, uac, uas } = connect(2);
  const caller = new RecordingClientUser();
  const txn = uac.sendRequest(request(), 'uas', caller);

  clock.advance(1500); // Timer A: 500 ms, then 1 s; the third copy gets through
  assert.equal(uasTu.requests.length, 1);
  const incoming = uasTu.requests[0];
  assert.ok(incoming !== undefined);
  clock.advance(200); // the server's 100 Trying
  assert.equal(txn.state, 'Proceeding');
  incoming.transaction.respond(responseTo(incoming.request, 486, { toTag: 'uas' }));
  assert.equal(txn.state, 'Completed');
  assert.equal(incoming.transaction.state, 'Confirmed');
  assert.deepEqual(caller.statuses(), [100, 486]);
  assert.deepEqual(wire.log, ['INVITE lost', 'INVITE lost', 'INVITE -> uas', '100 -> uac', '486 -> uac', 'ACK -> uas']);
  assert.equal(uasTu.acks.length, 0);
  clock.advance(32_000);
  assert.equal(uac.clientTransactionCount, 0);
  assert.equal(uas.serverTransactionCount, 0);
  assert.equal(clock.pending, 0);
});

test('loopback - a 2xx puts both sides in Accepted; the ACK for it (new branch) reaches the UAS core as a stray ACK', () => {
  const { clock, wire, uasTu, uac, uas } = connect(0);
  uasTu.answer = (t, r) => void t.respond(responseTo(r, 200, { toTag: 'uas' }));
  const caller = new RecordingClientUser();
  const txn = uac.sendRequest(request(), 'uas', caller);
  assert.equal(txn.state, 'Accepted');
  assert.equal(uasTu.requests[0]?.transaction.state, 'Accepted');
  // The UAS core retransmits its 2xx (RFC 3261 §13.3.1.4): the UAC's transaction passes each one up.
  const incoming = uasTu.requests[0];
  assert.ok(incoming !== undefined);
  incoming.transaction.respond(responseTo(incoming.request, 200, { toTag: 'uas' }));
  assert.deepEqual(caller.statuses(), [200, 200]);
  // The UAC core sends the ACK for the 2xx itself, in a transaction of its own (RFC 3261 §13.2.2.4).
  wire.send(request({ method: 'ACK', toTag: 'uas', branch: 'z9hG4bK-ack-for-2xx' }), 'uas');
  assert.equal(uasTu.acks.length, 1);
  assert.equal(uasTu.acks[0]?.context.transaction, undefined);
  assert.deepEqual(wire.log, ['INVITE -> uas', '200 -> uac', '200 -> uac', 'ACK -> uas']);
  clock.advance(32_000);
  assert.equal(uac.clientTransactionCount + uas.serverTransactionCount, 0);
  assert.equal(clock.pending, 0);
});
