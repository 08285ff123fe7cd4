import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BRANCH_COOKIE, SipHeaders, SipRequest, parseUri } from '@simple/sip-message';
import { TransactionTableFullError, TransactionUsageError } from '../src/index.js';
import { flush, RecordingClientUser, parseResponse, request, responseTo, setupLayer, TCP, UDP } from './helpers.js';

test('sendRequest - creates the client transaction of the method and sends to the destination', () => {
  const { layer, transport } = setupLayer();
  const user = new RecordingClientUser();
  const invite = layer.sendRequest(request(), TCP, user);
  const message = layer.sendRequest(request({ method: 'MESSAGE', branch: 'z9hG4bK-m' }), UDP, user);
  assert.equal(invite.kind, 'invite-client');
  assert.equal(invite.state, 'Calling');
  assert.equal(invite.reliable, true);
  assert.equal(message.kind, 'non-invite-client');
  assert.equal(message.state, 'Trying');
  assert.deepEqual(transport.sent.map((s) => s.target), [TCP, UDP]);
  assert.equal(layer.clientTransactionCount, 2);
  assert.equal(layer.findClientTransaction('z9hG4bK-m', 'MESSAGE'), message);
});

test('sendRequest - writes a magic-cookie branch when the top Via has none or an RFC 2543 one; keeps a cookie branch', () => {
  const { layer } = setupLayer();
  const user = new RecordingClientUser();
  const none = request({ method: 'OPTIONS', branch: null });
  layer.sendRequest(none, UDP, user);
  const b1 = none.topVia.branch ?? '';
  assert.ok(b1.startsWith(BRANCH_COOKIE) && b1.length > BRANCH_COOKIE.length + 8);
  // The rewritten Via is what goes on the wire.
  assert.match(none.headers.get('via') ?? '', new RegExp(`;branch=${b1}$`));

  const old = request({ method: 'OPTIONS', branch: 'legacy' });
  layer.sendRequest(old, UDP, user);
  assert.notEqual(old.topVia.branch, 'legacy');
  assert.ok(old.topVia.rfc3261Branch);
  assert.notEqual(old.topVia.branch, b1);

  const kept = request({ method: 'OPTIONS', branch: 'z9hG4bK-mine' });
  layer.sendRequest(kept, UDP, user);
  assert.equal(kept.topVia.branch, 'z9hG4bK-mine');
});

test('sendRequest - refuses ACK, a duplicate branch and method, a request without Via, a CSeq of another method', () => {
  const { layer } = setupLayer();
  const user = new RecordingClientUser();
  assert.throws(() => layer.sendRequest(request({ method: 'ACK' }), UDP, user), TransactionUsageError);
  layer.sendRequest(request(), UDP, user);
  assert.throws(() => layer.sendRequest(request(), UDP, user), /exists/);
  // The CANCEL shares the INVITE's branch: a different transaction (RFC 3261 §9.1, §17.1.3).
  layer.sendRequest(request({ method: 'CANCEL' }), UDP, user);
  const uri = parseUri('sip:bob@biloxi.example.com');
  assert.ok(uri.ok);
  assert.throws(() => layer.sendRequest(new SipRequest('OPTIONS', uri.value, new SipHeaders()), UDP, user), TransactionUsageError);
  assert.throws(() => layer.sendRequest(request({ method: 'INFO', cseqMethod: 'BYE', branch: 'z9hG4bK-i' }), UDP, user), /CSeq method/);
  assert.equal(layer.clientTransactionCount, 2);
});

test('sendRequest - a full client table throws a typed error', () => {
  const { layer } = setupLayer({ maxClientTransactions: 1 });
  const user = new RecordingClientUser();
  layer.sendRequest(request({ method: 'OPTIONS', branch: 'z9hG4bK-1' }), UDP, user);
  assert.throws(() => layer.sendRequest(request({ method: 'OPTIONS', branch: 'z9hG4bK-2' }), UDP, user), TransactionTableFullError);
});

test('receiveResponse - matched by top Via branch and CSeq method: INVITE and CANCEL share a branch', () => {
  const { layer } = setupLayer();
  const inviteUser = new RecordingClientUser();
  const cancelUser = new RecordingClientUser();
  const inviteReq = request();
  const cancelReq = request({ method: 'CANCEL' });
  const invite = layer.sendRequest(inviteReq, UDP, inviteUser);
  const cancel = layer.sendRequest(cancelReq, UDP, cancelUser);
  assert.equal(layer.receiveResponse(responseTo(inviteReq, 180, { toTag: 'uas' })).kind, 'matched');
  const out = layer.receiveResponse(responseTo(cancelReq, 200, { toTag: 'uas' }));
  assert.deepEqual(out, { kind: 'matched', transaction: cancel });
  layer.receiveResponse(responseTo(inviteReq, 487, { toTag: 'uas' }));
  assert.deepEqual(inviteUser.statuses(), [180, 487]);
  assert.deepEqual(cancelUser.statuses(), [200]);
  assert.equal(invite.state, 'Completed');
  assert.equal(cancel.state, 'Completed');
});

test('receiveResponse - a response matching no transaction is stray: dropped, reported to the TU hook', () => {
  const { layer, tu } = setupLayer();
  const user = new RecordingClientUser();
  layer.sendRequest(request({ method: 'OPTIONS' }), UDP, user);
  const other = responseTo(request({ method: 'OPTIONS', branch: 'z9hG4bK-nobody' }), 200, { toTag: 'x' });
  assert.deepEqual(layer.receiveResponse(other), { kind: 'stray' });
  // Same branch, another method.
  assert.equal(layer.receiveResponse(responseTo(request({ method: 'INFO' }), 200, { toTag: 'x' })).kind, 'stray');
  // No branch at all.
  const noBranch = parseResponse([
    'SIP/2.0 200 OK',
    'Via: SIP/2.0/UDP pc33.atlanta.example.com:5060',
    'To: <sip:bob@biloxi.example.com>;tag=x',
    'From: <sip:alice@atlanta.example.com>;tag=from-1',
    'Call-ID: call-1@atlanta.example.com',
    'CSeq: 1 OPTIONS',
    'Content-Length: 0',
  ]);
  assert.equal(layer.receiveResponse(noBranch).kind, 'stray');
  assert.equal(tu.strays.length, 3);
  assert.equal(user.responses.length, 0);
});

test('receiveResponse - 2xx retransmissions and forked 2xx reach the TU while Accepted; stray after Timer M', () => {
  const { layer, tu, clock } = setupLayer();
  const user = new RecordingClientUser();
  const invite = request();
  const txn = layer.sendRequest(invite, UDP, user);
  layer.receiveResponse(responseTo(invite, 200, { toTag: 'a' }));
  layer.receiveResponse(responseTo(invite, 200, { toTag: 'a' }));
  layer.receiveResponse(responseTo(invite, 200, { toTag: 'b' }));
  assert.equal(txn.state, 'Accepted');
  assert.deepEqual(user.statuses(), [200, 200, 200]);
  clock.advance(32_000);
  assert.equal(layer.clientTransactionCount, 0);
  assert.equal(layer.receiveResponse(responseTo(invite, 200, { toTag: 'a' })).kind, 'stray');
  assert.equal(user.responses.length, 3);
  assert.equal(tu.strays.length, 1);
});

test('client table - transactions leave the table when they terminate (timeout, K)', () => {
  const { layer, clock } = setupLayer();
  const user = new RecordingClientUser();
  const options = request({ method: 'OPTIONS', branch: 'z9hG4bK-o' });
  layer.sendRequest(options, UDP, user);
  layer.sendRequest(request({ method: 'MESSAGE', branch: 'z9hG4bK-m' }), UDP, user);
  layer.receiveResponse(responseTo(options, 200, { toTag: 'x' }));
  clock.advance(5000); // Timer K of the OPTIONS
  assert.equal(layer.clientTransactionCount, 1);
  clock.advance(27_000); // Timer F of the MESSAGE
  assert.equal(layer.clientTransactionCount, 0);
  assert.equal(user.timeouts.length, 1);
  assert.equal(clock.pending, 0);
});

test('client transport error - the TU is told (503) and the transaction is gone', async () => {
  const { layer, transport, clock } = setupLayer();
  const user = new RecordingClientUser();
  transport.failWith = 'throw';
  const txn = layer.sendRequest(request(), TCP, user);
  assert.equal(layer.clientTransactionCount, 1);
  await flush();
  assert.equal(txn.state, 'Terminated');
  assert.equal(user.errors.length, 1);
  assert.equal(user.errors[0]?.status, 503);
  assert.equal(layer.clientTransactionCount, 0);
  assert.equal(clock.pending, 0);
});

test('close - disposes client transactions: no timers left, nobody told', () => {
  const { layer, clock } = setupLayer();
  const user = new RecordingClientUser();
  layer.sendRequest(request(), UDP, user);
  layer.close();
  assert.equal(layer.clientTransactionCount, 0);
  assert.equal(clock.pending, 0);
  assert.equal(user.timeouts.length + user.errors.length, 0);
});

test('layer options - invalid timer configuration is refused at construction', () => {
  assert.throws(() => setupLayer({ timers: { T1: 0 } }), RangeError);
});
