import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SipHeaders, SipRequest, parseUri } from '@simple/sip-message';
import { TransactionTableFullError, type ServerTransaction } from '../src/index.js';
import { flush, request, responseTo, setupLayer, TCP, UDP, type RequestSpec } from './helpers.js';

function only<T>(list: readonly T[]): T {
  assert.equal(list.length, 1);
  const v = list[0];
  assert.ok(v !== undefined);
  return v;
}

/** Each call parses the request afresh, as a retransmission off the wire would be. */
const wire = (spec: RequestSpec = {}): SipRequest => request(spec);

test('receiveRequest - a new INVITE reaches the TU once; retransmissions are absorbed and get the last provisional', () => {
  const { layer, tu, transport, clock } = setupLayer();
  const first = layer.receiveRequest(wire(), UDP);
  assert.equal(first.kind, 'new');
  const { transaction } = only(tu.requests);
  assert.equal(transaction.kind, 'invite-server');
  assert.equal(layer.serverTransactionCount, 1);

  const again = layer.receiveRequest(wire(), UDP);
  assert.deepEqual(again, { kind: 'retransmission', transaction });
  assert.equal(tu.requests.length, 1);
  assert.equal(transport.sent.length, 0);

  clock.advance(200); // the automatic 100 (Trying)
  const ringing = responseTo(tu.requests[0]?.request ?? wire(), 180, { toTag: 'uas' });
  assert.equal(transaction.respond(ringing), true);
  layer.receiveRequest(wire(), UDP);
  assert.deepEqual(transport.responses().map((r) => r.status), [100, 180, 180]);
  assert.ok(transport.sent.every((s) => s.target === UDP));
  assert.equal(tu.requests.length, 1);
});

test('receiveRequest - a retransmitted MESSAGE reaches the TU exactly once and gets the cached final response', () => {
  const { layer, tu, transport } = setupLayer();
  tu.answer = (t, r) => void t.respond(responseTo(r, 200, { toTag: 'uas' }));
  layer.receiveRequest(wire({ method: 'MESSAGE' }), UDP);
  layer.receiveRequest(wire({ method: 'MESSAGE' }), UDP);
  layer.receiveRequest(wire({ method: 'MESSAGE' }), UDP);
  assert.equal(tu.requests.length, 1);
  const sent = transport.responses();
  assert.equal(sent.length, 3);
  assert.ok(sent.every((r) => r === sent[0]));
  assert.equal(sent[0]?.status, 200);
});

test('matching - the same branch from another sent-by, or with another method, is another transaction (RFC 3261 §17.2.3)', () => {
  const { layer, tu } = setupLayer();
  layer.receiveRequest(wire({ method: 'OPTIONS' }), UDP);
  assert.equal(layer.receiveRequest(wire({ method: 'OPTIONS', sentBy: 'evil.example.com:5060' }), UDP).kind, 'new');
  assert.equal(layer.receiveRequest(wire({ method: 'OPTIONS', sentBy: 'pc33.atlanta.example.com' }), UDP).kind, 'new');
  assert.equal(layer.receiveRequest(wire({ method: 'INFO', cseqMethod: 'INFO' }), UDP).kind, 'new');
  // Host case does not matter; the branch compares case-insensitively (RFC 3261 §7.3.1).
  assert.equal(layer.receiveRequest(wire({ method: 'OPTIONS', sentBy: 'PC33.Atlanta.example.com:5060', branch: 'z9hG4bK-CLIENT-1' }), UDP).kind, 'retransmission');
  assert.equal(tu.requests.length, 4);
});

test('matching - a request resent with credentials but the same branch (sipsak 0.9.8.1) is a new transaction, not a retransmission', () => {
  // RFC 3261 §8.1.3.5/§22.2: the retry has CSeq + 1; §8.1.1.7 wants a new branch too, which sipsak does not send.
  const { layer, tu, transport } = setupLayer();
  tu.answer = (t, r) => void t.respond(responseTo(r, r.cseq.seq === 1 ? 407 : 200, { toTag: 'uas' }));
  assert.equal(layer.receiveRequest(wire({ method: 'MESSAGE', cseq: 1 }), UDP).kind, 'new');
  assert.equal(layer.receiveRequest(wire({ method: 'MESSAGE', cseq: 2 }), UDP).kind, 'new');
  assert.equal(tu.requests.length, 2);
  // Retransmissions of either still reach their own transaction, and get its response.
  assert.equal(layer.receiveRequest(wire({ method: 'MESSAGE', cseq: 2 }), UDP).kind, 'retransmission');
  assert.equal(layer.receiveRequest(wire({ method: 'MESSAGE', cseq: 1 }), UDP).kind, 'retransmission');
  assert.equal(tu.requests.length, 2);
  assert.deepEqual(transport.responses().map((r) => r.status), [407, 200, 200, 407]);
});

test('ACK matching - the ACK of a non-2xx (same branch) confirms the INVITE transaction and is absorbed', () => {
  const { layer, tu, clock } = setupLayer();
  tu.answer = (t, r) => void t.respond(responseTo(r, 486, { toTag: 'uas' }));
  layer.receiveRequest(wire(), UDP);
  const { transaction } = only(tu.requests);
  const out = layer.receiveRequest(wire({ method: 'ACK', toTag: 'uas' }), UDP);
  assert.deepEqual(out, { kind: 'ack', transaction, disposition: 'confirmed' });
  assert.equal(transaction.state, 'Confirmed');
  assert.equal(tu.acks.length, 0);
  // A retransmitted ACK is absorbed too.
  assert.equal(layer.receiveRequest(wire({ method: 'ACK', toTag: 'uas' }), UDP).kind, 'ack');
  assert.equal(tu.acks.length, 0);
  clock.advance(5000); // Timer I
  assert.equal(layer.serverTransactionCount, 0);
});

test('ACK matching - the ACK of a 2xx (its own branch) goes to the TU as a stray ACK', () => {
  const { layer, tu } = setupLayer();
  tu.answer = (t, r) => void t.respond(responseTo(r, 200, { toTag: 'uas' }));
  layer.receiveRequest(wire(), UDP);
  const { transaction } = only(tu.requests);
  assert.equal(transaction.state, 'Accepted');
  const out = layer.receiveRequest(wire({ method: 'ACK', toTag: 'uas', branch: 'z9hG4bK-ack-2xx' }), TCP);
  assert.deepEqual(out, { kind: 'stray-ack' });
  const { ack, context } = only(tu.acks);
  assert.equal(ack.method, 'ACK');
  assert.equal(context.transaction, undefined);
  assert.equal(context.source, TCP);
  assert.equal(transaction.state, 'Accepted');
});

test('ACK matching - an ACK matching a transaction in Accepted goes to the TU with it (RFC 6026 §8.7)', () => {
  const { layer, tu } = setupLayer();
  tu.answer = (t, r) => void t.respond(responseTo(r, 200, { toTag: 'uas' }));
  layer.receiveRequest(wire(), UDP);
  const { transaction } = only(tu.requests);
  const out = layer.receiveRequest(wire({ method: 'ACK', toTag: 'uas' }), UDP);
  assert.deepEqual(out, { kind: 'ack', transaction, disposition: 'for-tu' });
  assert.equal(only(tu.acks).context.transaction, transaction);
});

test('ACK matching - an INVITE retransmission in Accepted is absorbed, not passed to the TU (RFC 6026)', () => {
  const { layer, tu, transport } = setupLayer();
  tu.answer = (t, r) => void t.respond(responseTo(r, 200, { toTag: 'uas' }));
  layer.receiveRequest(wire(), UDP);
  assert.equal(layer.receiveRequest(wire(), UDP).kind, 'retransmission');
  assert.equal(tu.requests.length, 1);
  assert.equal(transport.responses().length, 1);
});

test('CANCEL matching - a CANCEL with the INVITE branch gets its own transaction, flagged with the INVITE one', () => {
  const { layer, tu, transport, clock } = setupLayer();
  layer.receiveRequest(wire(), UDP);
  const invite = only(tu.requests);
  const out = layer.receiveRequest(wire({ method: 'CANCEL' }), UDP);
  assert.equal(out.kind, 'new');
  const cancel = tu.requests[1];
  assert.ok(cancel !== undefined);
  assert.equal(cancel.transaction.kind, 'non-invite-server');
  assert.notEqual(cancel.transaction, invite.transaction);
  assert.equal(cancel.context.cancels, invite.transaction);
  assert.equal(invite.context.cancels, undefined);
  // The TU answers both (RFC 3261 §9.2); a CANCEL retransmission gets the 200 again, the INVITE's state is untouched by it.
  cancel.transaction.respond(responseTo(cancel.request, 200, { toTag: 'uas' }));
  invite.transaction.respond(responseTo(invite.request, 487, { toTag: 'uas' }));
  assert.equal(layer.receiveRequest(wire({ method: 'CANCEL' }), UDP).kind, 'retransmission');
  assert.deepEqual(transport.responses().map((r) => `${r.status} ${r.cseq.method}`), ['200 CANCEL', '487 INVITE', '200 CANCEL']);
  // The ACK for the 487 still finds the INVITE transaction.
  const ack = layer.receiveRequest(wire({ method: 'ACK', toTag: 'uas' }), UDP);
  assert.equal(ack.kind === 'ack' && ack.transaction, invite.transaction);
  clock.advance(32_000);
  assert.equal(layer.serverTransactionCount, 0);
});

test('CANCEL matching - a CANCEL for a non-INVITE transaction is flagged too; one matching nothing is not', () => {
  const { layer, tu } = setupLayer();
  layer.receiveRequest(wire({ method: 'SUBSCRIBE', branch: 'z9hG4bK-sub' }), UDP);
  layer.receiveRequest(wire({ method: 'CANCEL', branch: 'z9hG4bK-sub' }), UDP);
  assert.equal(tu.requests[1]?.context.cancels, tu.requests[0]?.transaction);
  layer.receiveRequest(wire({ method: 'CANCEL', branch: 'z9hG4bK-unknown' }), UDP);
  assert.equal(tu.requests[2]?.context.cancels, undefined);
  layer.receiveRequest(wire({ method: 'CANCEL', sentBy: 'other.example.com' }), UDP);
  assert.equal(tu.requests[3]?.context.cancels, undefined);
});

test('RFC 2543 fallback - an INVITE without branch matches by Request-URI, tags, Call-ID, CSeq and top Via', () => {
  const { layer, tu } = setupLayer();
  const legacy: RequestSpec = { branch: null };
  assert.equal(layer.receiveRequest(wire(legacy), UDP).kind, 'new');
  assert.equal(layer.receiveRequest(wire(legacy), UDP).kind, 'retransmission');
  // Equivalent Request-URI (host case, RFC 3261 §19.1.4).
  assert.equal(layer.receiveRequest(wire({ ...legacy, uri: 'sip:bob@BILOXI.example.com' }), UDP).kind, 'retransmission');
  assert.equal(tu.requests.length, 1);
  // Any one difference makes it a new request.
  const variants: RequestSpec[] = [
    { ...legacy, uri: 'sip:carol@biloxi.example.com' },
    { ...legacy, fromTag: 'from-2' },
    { ...legacy, toTag: 'to-x' },
    { ...legacy, callId: 'call-2@atlanta.example.com' },
    { ...legacy, cseq: 2 },
    { ...legacy, sentBy: 'pc34.atlanta.example.com:5060' },
    { ...legacy, transport: 'TCP' },
  ];
  for (const v of variants) assert.equal(layer.receiveRequest(wire(v), UDP).kind, 'new', JSON.stringify(v));
  assert.equal(tu.requests.length, 1 + variants.length);
});

test('RFC 2543 fallback - a branch without the magic cookie is matched the old way too', () => {
  const { layer, tu } = setupLayer();
  layer.receiveRequest(wire({ method: 'MESSAGE', branch: 'old-style-1' }), UDP);
  assert.equal(layer.receiveRequest(wire({ method: 'MESSAGE', branch: 'old-style-1' }), UDP).kind, 'retransmission');
  // The whole top Via is compared (RFC 3261 §20.42), so another branch value is another Via.
  assert.equal(layer.receiveRequest(wire({ method: 'MESSAGE', branch: 'old-style-2' }), UDP).kind, 'new');
  // CSeq method counts for non-INVITE requests.
  assert.equal(layer.receiveRequest(wire({ method: 'OPTIONS', branch: 'old-style-1' }), UDP).kind, 'new');
  assert.equal(tu.requests.length, 3);
});

test('RFC 2543 fallback - an ACK matches by the To tag of the response the transaction sent', () => {
  const { layer, tu } = setupLayer();
  tu.answer = (t, r) => void t.respond(responseTo(r, 486, { toTag: 'uas-1' }));
  layer.receiveRequest(wire({ branch: null }), UDP);
  const { transaction } = only(tu.requests);
  // Another To tag: the ACK is for some other response (RFC 3261 §17.2.3), not this transaction's.
  assert.equal(layer.receiveRequest(wire({ method: 'ACK', branch: null, toTag: 'uas-2' }), UDP).kind, 'stray-ack');
  assert.equal(transaction.state, 'Completed');
  const out = layer.receiveRequest(wire({ method: 'ACK', branch: null, toTag: 'uas-1' }), UDP);
  assert.deepEqual(out, { kind: 'ack', transaction, disposition: 'confirmed' });
  assert.equal(tu.acks.length, 1);
});

test('RFC 2543 fallback - an ACK before any final response matches nothing', () => {
  const { layer, tu } = setupLayer();
  layer.receiveRequest(wire({ branch: null }), UDP);
  assert.equal(layer.receiveRequest(wire({ method: 'ACK', branch: null, toTag: 'uas-1' }), UDP).kind, 'stray-ack');
  assert.equal(tu.acks.length, 1);
});

test('RFC 2543 fallback - the ACK of a 2xx matches the Accepted transaction and goes to the TU (RFC 6026 §6)', () => {
  const { layer, tu } = setupLayer();
  tu.answer = (t, r) => void t.respond(responseTo(r, 200, { toTag: 'uas-1' }));
  layer.receiveRequest(wire({ branch: null }), UDP);
  const { transaction } = only(tu.requests);
  const out = layer.receiveRequest(wire({ method: 'ACK', branch: null, toTag: 'uas-1' }), UDP);
  assert.deepEqual(out, { kind: 'ack', transaction, disposition: 'for-tu' });
  assert.equal(only(tu.acks).context.transaction, transaction);
});

test('RFC 2543 fallback - a CANCEL is matched to the request it cancels', () => {
  const { layer, tu } = setupLayer();
  layer.receiveRequest(wire({ branch: null }), UDP);
  layer.receiveRequest(wire({ method: 'CANCEL', branch: null }), UDP);
  assert.equal(tu.requests[1]?.context.cancels, tu.requests[0]?.transaction);
  assert.equal(layer.receiveRequest(wire({ method: 'CANCEL', branch: null }), UDP).kind, 'retransmission');
  layer.receiveRequest(wire({ method: 'CANCEL', branch: null, cseq: 9 }), UDP);
  assert.equal(tu.requests[2]?.context.cancels, undefined);
});

test('server table - transactions leave the table when they terminate', () => {
  const { layer, tu, clock } = setupLayer();
  tu.answer = (t, r) => void t.respond(responseTo(r, r.method === 'INVITE' ? 200 : 202, { toTag: 'uas' }));
  layer.receiveRequest(wire(), UDP);
  layer.receiveRequest(wire({ method: 'MESSAGE', branch: 'z9hG4bK-m' }), TCP);
  assert.equal(layer.serverTransactionCount, 2);
  clock.advance(0); // Timer J is zero on TCP
  assert.equal(layer.serverTransactionCount, 1);
  clock.advance(32_000); // Timer L
  assert.equal(layer.serverTransactionCount, 0);
  assert.equal(clock.pending, 0);
  // After that, the same request is new again.
  assert.equal(layer.receiveRequest(wire(), UDP).kind, 'new');
});

test('server table - a full table refuses new requests with a typed error; retransmissions are still absorbed', () => {
  const { layer, tu } = setupLayer({ maxServerTransactions: 2 });
  layer.receiveRequest(wire({ branch: 'z9hG4bK-1' }), UDP);
  layer.receiveRequest(wire({ branch: 'z9hG4bK-2' }), UDP);
  const out = layer.receiveRequest(wire({ branch: 'z9hG4bK-3' }), UDP);
  assert.equal(out.kind, 'refused');
  assert.ok(out.kind === 'refused' && out.error instanceof TransactionTableFullError);
  assert.equal(out.kind === 'refused' && out.error.status, 503);
  assert.equal(layer.receiveRequest(wire({ branch: 'z9hG4bK-1' }), UDP).kind, 'retransmission');
  assert.equal(layer.receiveRequest(wire({ method: 'ACK', branch: 'z9hG4bK-ack' }), UDP).kind, 'stray-ack');
  assert.equal(tu.requests.length, 2);
});

test('receiveRequest - a request without the headers matching needs is reported invalid', () => {
  const { layer, tu } = setupLayer();
  const uri = parseUri('sip:bob@biloxi.example.com');
  assert.ok(uri.ok);
  const bare = new SipRequest('OPTIONS', uri.value, new SipHeaders());
  const out = layer.receiveRequest(bare, UDP);
  assert.equal(out.kind, 'invalid');
  assert.equal(out.kind === 'invalid' && out.error.status, 400);
  assert.equal(tu.requests.length, 0);
});

test('server events - Timer H and transport errors reach the TU with the transaction', async () => {
  const { layer, tu, transport, clock } = setupLayer();
  tu.answer = (t, r) => void t.respond(responseTo(r, 480, { toTag: 'uas' }));
  layer.receiveRequest(wire(), UDP);
  const { transaction } = only(tu.requests);
  clock.advance(32_000);
  assert.deepEqual(tu.timeouts, [transaction]);
  assert.equal(layer.serverTransactionCount, 0);

  transport.failWith = 'reject';
  tu.answer = (t: ServerTransaction, r) => void t.respond(responseTo(r, 200, { toTag: 'uas' }));
  layer.receiveRequest(wire({ method: 'OPTIONS', branch: 'z9hG4bK-o' }), UDP);
  await flush();
  const err = only(tu.errors);
  assert.equal(err.transaction, tu.requests[1]?.transaction);
  assert.equal(err.transaction.state, 'Completed');
});

test('receive - dispatches requests and responses', () => {
  const { layer, tu } = setupLayer();
  assert.equal(layer.receive(wire({ method: 'OPTIONS' }), UDP).kind, 'new');
  assert.equal(layer.receive(responseTo(wire(), 200, { toTag: 'x' }), UDP).kind, 'stray');
  assert.equal(tu.strays.length, 1);
});

test('close - disposes every transaction without telling the TU', () => {
  const { layer, tu, clock } = setupLayer();
  layer.receiveRequest(wire(), UDP);
  layer.receiveRequest(wire({ method: 'MESSAGE', branch: 'z9hG4bK-m' }), UDP);
  layer.close();
  assert.equal(layer.serverTransactionCount, 0);
  assert.equal(clock.pending, 0);
  assert.equal(tu.timeouts.length + tu.errors.length, 0);
  assert.ok(tu.requests.every((r) => r.transaction.state === 'Terminated'));
});
