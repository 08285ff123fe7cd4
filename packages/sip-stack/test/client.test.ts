import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createServer } from 'node:net';
import { parseMessage, parseUri, type SipRequest, type SipUri } from '@simple/sip-message';
import type { SipStack } from '@simple/sip-stack';
import { Recorder, startStack } from './helpers.js';

function request(method: string, uri: string, callId: string): SipRequest {
  const text = [
    `${method} ${uri} SIP/2.0`,
    'Via: SIP/2.0/UDP placeholder.invalid',
    'Max-Forwards: 70',
    `To: <${uri}>`,
    'From: <sip:uac@example.com>;tag=uac1',
    `Call-ID: ${callId}`,
    `CSeq: 1 ${method}`,
    'Content-Length: 0',
    '', '',
  ].join('\r\n');
  const r = parseMessage(Buffer.from(text));
  assert.ok(r.ok && r.value.kind === 'request');
  return r.value;
}

/** A TCP port on which nothing listens (bound, then closed). */
async function deadPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((res) => srv.listen(0, '127.0.0.1', res));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((res) => srv.close(() => res()));
  return port;
}

describe('stack as a client', () => {
  const stacks: SipStack[] = [];
  after(async () => {
    for (const s of stacks) await s.stop();
  });

  it('sendRequest - UDP and TCP requests get the far end\'s final response', async () => {
    const rec = new Recorder();
    const uas = await startStack((inc) => {
      rec.record(inc.request);
      inc.respond(202, { headers: [['X-Transport', inc.flow.protocol]] });
    });
    const uac = await startStack((inc) => inc.respond(500));
    stacks.push(uas.stack, uac.stack);
    for (const [protocol, port] of [['UDP', uas.udpPort], ['TCP', uas.tcpPort]] as const) {
      const res = await uac.stack.sendRequest(request('MESSAGE', `sip:uas@127.0.0.1:${port}`, `c-${protocol}`), { protocol, address: '127.0.0.1', port });
      assert.equal(res.status, 202);
      assert.equal(res.headers.get('x-transport'), protocol);
      assert.equal(uac.stack.isLocalFailure(res), false);
    }
    assert.equal(rec.requests.length, 2);
  });

  it('sendRequestToUri - RFC 3263 targets in order, failing over from a dead TCP target to UDP', async () => {
    const uas = await startStack((inc) => inc.respond(200));
    const dead = await deadPort();
    const uac = await startStack((inc) => inc.respond(500), {
      resolver: {
        overrides: {
          'sip.test': {
            targets: [
              { transport: 'tcp', address: '127.0.0.1', port: dead },
              { transport: 'udp', address: '127.0.0.1', port: uas.udpPort },
            ],
          },
        },
      },
    });
    stacks.push(uas.stack, uac.stack);
    const r = parseUri('sip:bob@sip.test');
    assert.ok(r.ok);
    const res = await uac.stack.sendRequestToUri(request('OPTIONS', 'sip:bob@sip.test', 'c-failover'), r.value as SipUri);
    assert.equal(res.status, 200);
    assert.equal(uac.stack.isLocalFailure(res), false);
  });

  it('sendRequestToUri - every target dead: a local 503 (RFC 3261 §8.1.3.1)', async () => {
    const dead = await deadPort();
    const uac = await startStack((inc) => inc.respond(500), {
      resolver: { overrides: { 'dead.test': { targets: [{ transport: 'tcp', address: '127.0.0.1', port: dead }] } } },
    });
    stacks.push(uac.stack);
    const r = parseUri('sip:bob@dead.test');
    assert.ok(r.ok);
    const res = await uac.stack.sendRequestToUri(request('OPTIONS', 'sip:bob@dead.test', 'c-dead'), r.value as SipUri);
    assert.equal(res.status, 503);
    assert.ok(uac.stack.isLocalFailure(res));
  });

  it('sendRequest - no answer over UDP: a local 408 after Timer F (short T1)', async () => {
    const silent = await startStack(() => undefined); // the TU never answers
    const uac = await startStack((inc) => inc.respond(500), { timers: { T1: 10, T2: 40 } });
    stacks.push(silent.stack, uac.stack);
    const res = await uac.stack.sendRequest(request('MESSAGE', `sip:x@127.0.0.1:${silent.udpPort}`, 'c-timeout'), {
      protocol: 'UDP',
      address: '127.0.0.1',
      port: silent.udpPort,
    });
    assert.equal(res.status, 408);
    assert.ok(uac.stack.isLocalFailure(res));
  });

  it('CANCEL - 200 to the CANCEL, 487 to the pending INVITE, the TU told (§9.2)', async () => {
    let cancelled = 0;
    const uas = await startStack(() => undefined, {}, { onCancel: () => void cancelled++ });
    const uac = await startStack((inc) => inc.respond(500));
    stacks.push(uas.stack, uac.stack);
    const invite = request('INVITE', `sip:x@127.0.0.1:${uas.tcpPort}`, 'c-cancel');
    const target = { protocol: 'TCP' as const, address: '127.0.0.1', port: uas.tcpPort };
    const final = uac.stack.sendRequest(invite, target);
    await new Promise((r) => setTimeout(r, 100));
    // RFC 3261 §9.1: the CANCEL copies the INVITE's Request-URI, Call-ID, To, From, top Via (branch) and CSeq number.
    const cancelText = [
      `CANCEL ${invite.uri.toString()} SIP/2.0`,
      `Via: ${invite.headers.get('via') ?? ''}`,
      'Max-Forwards: 70',
      `To: ${invite.headers.get('to') ?? ''}`,
      `From: ${invite.headers.get('from') ?? ''}`,
      'Call-ID: c-cancel',
      'CSeq: 1 CANCEL',
      'Content-Length: 0',
      '', '',
    ].join('\r\n');
    const cancel = parseMessage(Buffer.from(cancelText));
    assert.ok(cancel.ok && cancel.value.kind === 'request');
    const cancelRes = await uac.stack.sendRequest(cancel.value, target);
    assert.equal(cancelRes.status, 200);
    assert.equal((await final).status, 487);
    assert.equal(cancelled, 1);
  });
});
