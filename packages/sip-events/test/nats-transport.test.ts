import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { connect, headers as natsHeaders, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { ENVELOPE_HEADERS, readFlow, subjects, type EnvelopeFlow } from '@simple/contracts';
import { createResponse, parseMessage, serializeMessage, type SipRequest } from '@simple/sip-message';
import { NatsNotifyTransport, Notifier } from '../src/index.js';
import { RedisNamespace, TestPackage, inbound, recorder, subscribe } from './support.js';

const ns = new RedisNamespace();

/** What the fake edge saw of one request. */
interface EdgeSeen {
  readonly request: SipRequest;
  readonly hadVia: boolean;
  readonly flow: EnvelopeFlow | undefined;
  readonly timeoutMs: string | undefined;
}

const EDGE_VIA = Buffer.from('Via: SIP/2.0/TCP edge.invalid;branch=z9hG4bKedge\r\n');

/**
 * A stand-in for sip-edge's EdgeDelivery: it listens on its own subject,
 * adds its Via, reads the flow from the envelope, and answers with `answer`:
 * a status (as the client's response, or the edge's own 430) or a Simple-Error.
 */
function fakeEdge(nc: NatsConnection, edgeId: string, seen: EdgeSeen[], answer: () => number | { error: string }): void {
  nc.subscribe(subjects.sipToEdge(edgeId), {
    callback: (_err, msg: Msg) => {
      const raw = Buffer.from(msg.data);
      const eol = raw.indexOf('\r\n');
      const parsed = parseMessage(Buffer.concat([raw.subarray(0, eol + 2), EDGE_VIA, raw.subarray(eol + 2)]));
      if (!parsed.ok || parsed.value.kind !== 'request') throw new Error('fake edge: unreadable request');
      const request = parsed.value;
      seen.push({ request, hadVia: /\r\nVia:/i.test(raw.toString()), flow: msg.headers ? readFlow(msg.headers) : undefined, timeoutMs: msg.headers?.get(ENVELOPE_HEADERS.timeoutMs) });
      const a = answer();
      if (typeof a === 'number') {
        msg.respond(serializeMessage(createResponse(request, a)));
      } else {
        const h = natsHeaders();
        h.set(ENVELOPE_HEADERS.error, a.error);
        msg.respond(new Uint8Array(0), { headers: h });
      }
    },
  });
}

describe('NATS transport - NOTIFY through a (fake) edge over the real nats-server', () => {
  let svc: NatsConnection;
  let edge: NatsConnection;
  let transport: NatsNotifyTransport;
  const edgeId = `edge-${randomBytes(4).toString('hex')}`;
  const seen: EdgeSeen[] = [];
  let answer: () => number | { error: string } = () => 200;

  before(async () => {
    svc = await connect({ servers: '127.0.0.1:4222' });
    edge = await connect({ servers: '127.0.0.1:4222' });
    fakeEdge(edge, edgeId, seen, () => answer());
    await edge.flush();
    transport = new NatsNotifyTransport(svc, { timeoutMs: 2000 }).start();
  });
  after(async () => {
    await transport.stop();
    await svc.close();
    await edge.close();
    await ns.cleanup();
  });

  function flow(id = edgeId): EnvelopeFlow {
    return { edgeId: id, flowId: 'ws-3', transport: 'WSS', remoteAddress: '2001:db8::5', remotePort: 443 };
  }

  it('the SUBSCRIBE\'s NOTIFY reaches the edge of its flow, without Via, with the flow in the envelope; the 200 comes back', async () => {
    const pkg = new TestPackage();
    pkg.set('dave@example.com', 5);
    const notifier = new Notifier({ redis: ns.client(), transport, packages: [pkg], senderLeaseMs: 5000 });
    answer = () => 200;
    const out = await notifier.handleSubscribe(subscribe({ user: 'dave' }), inbound('alice@example.com', flow()), recorder().respond);
    assert.equal(out.status, 200);
    assert.equal(out.delivery?.lastVerdict, 'delivered');
    const n = seen.at(-1);
    assert.ok(n !== undefined);
    assert.equal(n.hadVia, false);
    assert.deepEqual(n.flow, flow());
    assert.equal(n.timeoutMs, '2000');
    assert.equal(n.request.method, 'NOTIFY');
    assert.equal(n.request.body.toString(), 'dave@example.com state=5 auth=active version=0');
    assert.ok(await notifier.subscription(out.subscriptionId ?? ''));
    await notifier.stop();
  });

  it('430 Flow Failed from the edge ends the subscription; so does an edge nobody serves (NATS no responders)', async () => {
    const pkg = new TestPackage();
    pkg.set('erin@example.com', 1);
    const notifier = new Notifier({ redis: ns.client(), transport, packages: [pkg], senderLeaseMs: 5000 });
    answer = () => 200;
    const created = await notifier.handleSubscribe(subscribe({ user: 'erin' }), inbound('alice@example.com', flow()), recorder().respond);
    answer = () => 430;
    await notifier.notifyResource('x-test', 'erin@example.com');
    await notifier.idle();
    assert.equal(await notifier.subscription(created.subscriptionId ?? ''), undefined);

    const gone = await notifier.handleSubscribe(subscribe({ user: 'erin' }), inbound('alice@example.com', flow('edge-that-left')), recorder().respond);
    assert.equal(gone.status, 200);
    assert.equal(gone.delivery?.lastVerdict, 'terminate');
    assert.equal(await notifier.subscription(gone.subscriptionId ?? ''), undefined);
    await notifier.stop();
  });

  it('a Simple-Error reply is an error that keeps the subscription', async () => {
    const req = subscribe({ user: 'fay' });
    req.headers.remove('via'); // any request will do for the transport itself
    answer = () => ({ error: 'no flow in the envelope' });
    const outcome = await transport.send(req, flow());
    assert.deepEqual(outcome, { kind: 'error', detail: 'no flow in the envelope' });
  });
});

