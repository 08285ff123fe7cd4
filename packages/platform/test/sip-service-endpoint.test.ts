// The service side of the edge-to-service contract over the real NATS: what a service answers
// for requests it cannot take, and that every request gets exactly one reply.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { headers as natsHeaders, type Msg } from '@nats-io/transport-node';
import { ENVELOPE_HEADERS, subjects, writeInbound } from '@simple/contracts';
import { createResponse, parseMessage, type SipResponse } from '@simple/sip-message';
import { connectNats, SipServiceEndpoint, type NatsConnection } from '../src/index.js';

const request = (method: string, extra = ''): string =>
  `${method} sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK${randomBytes(4).toString('hex')}\r\nMax-Forwards: 70\r\nFrom: <sip:alice@example.com>;tag=1\r\nTo: <sip:bob@example.com>\r\nCall-ID: ${randomBytes(6).toString('hex')}\r\nCSeq: 1 ${method}\r\n${extra}Content-Length: 0\r\n\r\n`;

describe('SipServiceEndpoint (real NATS)', () => {
  const service = `test-endpoint-${randomBytes(4).toString('hex')}`;
  const errors: unknown[] = [];
  let nc: NatsConnection;
  let endpoint: SipServiceEndpoint;

  before(async () => {
    nc = await connectNats('nats://127.0.0.1:4222', 'endpoint-test');
    endpoint = new SipServiceEndpoint({
      nc,
      service,
      onError: (e) => errors.push(e),
      methods: {
        OPTIONS: async (req, _inbound, respond) => respond(createResponse(req, 200)),
        MESSAGE: async (req, _inbound, respond) => {
          respond(createResponse(req, 202));
          respond(createResponse(req, 200));
        },
        INFO: async () => {
          throw new Error('boom');
        },
        NOTIFY: async () => undefined,
      },
    });
    endpoint.start();
    await nc.flush();
  });

  after(async () => {
    await endpoint.stop();
    await nc.close();
  });

  async function send(text: string, envelope = true): Promise<Msg> {
    const h = natsHeaders();
    if (envelope) writeInbound(h, { flow: { edgeId: 'e1', flowId: 'f1', transport: 'UDP', remoteAddress: '192.0.2.1', remotePort: 5060 }, identity: 'alice@example.com', receivedAt: Date.now() });
    return nc.request(subjects.sipToService(service), new TextEncoder().encode(text), { timeout: 2000, headers: h });
  }

  function sip(m: Msg): SipResponse {
    const r = parseMessage(Buffer.from(m.data));
    assert.ok(r.ok && r.value.kind === 'response', m.headers?.get(ENVELOPE_HEADERS.error) ?? 'no SIP response');
    return r.value;
  }

  it('a method it takes is answered by its handler', async () => {
    assert.equal(sip(await send(request('OPTIONS'))).status, 200);
  });

  it('any other method, including one named like an Object.prototype member, gets 405 with Allow', async () => {
    for (const method of ['PUBLISH', 'toString', 'constructor']) {
      const r = sip(await send(request(method)));
      assert.equal(r.status, 405, method);
      assert.equal(r.headers.get('allow'), 'OPTIONS, MESSAGE, INFO, NOTIFY');
    }
  });

  it('no envelope: 400; bytes that are not SIP: the parser’s 400 or an error reply; a response: an error reply', async () => {
    assert.equal(sip(await send(request('OPTIONS'), false)).status, 400);
    const bad = await send(request('OPTIONS').replace('CSeq: 1 OPTIONS', 'CSeq: x OPTIONS'));
    // The 400 copies the request's (bad) CSeq, so it is read by its status line only.
    assert.match(Buffer.from(bad.data).toString('utf8'), /^SIP\/2\.0 400 Bad CSeq/);
    const resp = await send('SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKx\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:b@b>\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n');
    assert.equal(resp.headers?.get(ENVELOPE_HEADERS.error), 'not a request');
  });

  it('exactly one reply: a second answer is refused and reported; a failure before answering, or no answer, is an error reply', async () => {
    errors.length = 0;
    assert.equal(sip(await send(request('MESSAGE'))).status, 202, 'the first answer is the one sent');
    const failed = await send(request('INFO'));
    assert.equal(failed.headers?.get(ENVELOPE_HEADERS.error), 'boom');
    const silent = await send(request('NOTIFY'));
    assert.match(silent.headers?.get(ENVELOPE_HEADERS.error) ?? '', /without an answer/);
    assert.equal(errors.length, 3);
    assert.match(String(errors[0]), /answered twice/);
  });
});
