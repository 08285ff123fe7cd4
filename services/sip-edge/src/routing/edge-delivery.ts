import { headers as natsHeaders, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { ENVELOPE_HEADERS, readFlow, subjects } from '@simple/contracts';
import { createResponse, parseMessage, serializeMessage, type SipRequest } from '@simple/sip-message';
import type { SipStack, StackTarget } from '@simple/sip-stack';
import { toTransportProtocol } from '@simple/sip-transport';
import type { Logger } from '@simple/platform';

/**
 * Requests that services send to clients through this edge (NOTIFY, MESSAGE
 * delivery): they arrive on this edge instance's own subject, naming the flow
 * the client registered or subscribed on (RFC 5626 §5.3: a request to a client
 * behind NAT must use the flow it opened). The reply is the final response;
 * a flow that no longer exists is answered 430 Flow Failed (RFC 5626 §11.5) so
 * that the service can act on it.
 */
export class EdgeDelivery {
  private sub: Subscription | undefined;
  private inflight = 0;

  constructor(
    private readonly edgeId: string,
    private readonly nc: NatsConnection,
    private readonly stack: SipStack,
    private readonly log: Logger,
    private readonly maxInflight: number,
    private readonly retryAfterSeconds: number,
  ) {}

  start(): void {
    this.sub = this.nc.subscribe(subjects.sipToEdge(this.edgeId), {
      callback: (_err, msg) => {
        void this.deliver(msg).catch((err: unknown) => {
          this.log.error({ err }, 'delivery failed');
          this.replyError(msg, 'internal error');
        });
      },
    });
  }

  async stop(): Promise<void> {
    await this.sub?.drain();
  }

  private async deliver(msg: Msg): Promise<void> {
    const parsed = parseMessage(withEdgeVia(Buffer.from(msg.data)));
    if (!parsed.ok || parsed.value.kind !== 'request') {
      return this.replyError(msg, parsed.ok ? 'not a request' : `unparseable request: ${parsed.error.reason}`);
    }
    const req = parsed.value;
    if (msg.headers === undefined) return this.replyError(msg, 'no envelope');
    const flow = readFlow(msg.headers);
    if (flow === undefined) return this.replyError(msg, 'no flow in the envelope');
    if (this.inflight >= this.maxInflight) return this.reply(msg, req, 503);
    const protocol = toTransportProtocol(flow.transport);
    if (protocol === undefined) return this.replyError(msg, `unknown transport ${flow.transport}`);
    let target: StackTarget;
    if (protocol === 'UDP') {
      target = { protocol, address: flow.remoteAddress, port: flow.remotePort };
    } else {
      const f = this.stack.transport.transports.getFlow(flow.flowId);
      if (f === undefined || !this.stack.transport.transports.isFlowOpen(f)) return this.reply(msg, req, 430);
      target = { flow: f };
    }
    this.inflight++;
    try {
      const res = await this.stack.sendRequest(req, target);
      msg.respond(serializeMessage(res));
    } finally {
      this.inflight--;
    }
  }

  /** A local final response for the service (430 flow failed, 503 overloaded). */
  private reply(msg: Msg, req: SipRequest, status: number): void {
    // An overloaded edge says when to come back, so that the service keeps the subscription (RFC 6665 §4.2.2).
    const headers: Array<[string, string]> = status === 503 ? [['Retry-After', String(this.retryAfterSeconds)]] : [];
    msg.respond(serializeMessage(createResponse(req, status, { headers })));
  }

  private replyError(msg: Msg, error: string): void {
    const h = natsHeaders();
    h.set(ENVELOPE_HEADERS.error, error);
    msg.respond(new Uint8Array(0), { headers: h });
  }
}

const CRLF = Buffer.from('\r\n');
/** A placeholder Via; the transport fills in sent-by and transport, the transaction layer the branch. */
const EDGE_VIA = Buffer.from('Via: SIP/2.0/UDP invalid.invalid\r\n');

/**
 * Services send requests without a Via: the edge is the element that sends
 * them, so the Via is its own (RFC 3261 §8.1.1.7, §18.1.1). A request that
 * already has one keeps it on top of the edge's.
 */
function withEdgeVia(bytes: Buffer): Buffer {
  const eol = bytes.indexOf(CRLF);
  if (eol < 0) return bytes;
  return Buffer.concat([bytes.subarray(0, eol + 2), EDGE_VIA, bytes.subarray(eol + 2)]);
}
