import { headers as natsHeaders, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { ENVELOPE_HEADERS, readInbound, subjects, type InboundEnvelope } from '@simple/contracts';
import { createErrorResponse, createResponse, parseMessage, serializeMessage, type SipRequest, type SipResponse } from '@simple/sip-message';

/** Answers one request: the final response goes back to the edge as the NATS reply. */
export type Respond = (response: SipResponse) => void;

/** Handles one method; it must call `respond` exactly once (an ACK gets no response and is never passed on). */
export type MethodHandler = (request: SipRequest, inbound: InboundEnvelope, respond: Respond) => Promise<void>;

export interface SipServiceEndpointOptions {
  readonly nc: NatsConnection;
  /** The service name: subject `simple.v1.sip.service.<name>`, queue group `simple.v1.<name>`. */
  readonly service: string;
  /** The methods this service takes; any other gets 405 with an Allow listing these (RFC 3261 §8.2.1). */
  readonly methods: Readonly<Record<string, MethodHandler>>;
  /** Called with every request before its handler (metrics). */
  readonly onRequest?: (request: SipRequest) => void;
  /** A handler failed: the edge gets an error reply (and answers 500); this is told why. */
  readonly onError: (err: unknown) => void;
}

/**
 * The service side of the edge ↔ service contract (docs/architecture.md): one
 * queue-group subscription on the service's subject; each message is the SIP
 * request as on the wire, the envelope in NATS headers. A request that cannot
 * be read gets the 400 the parser names; one without an envelope, or a handler
 * that fails, gets an error reply that the edge turns into a 500.
 */
export class SipServiceEndpoint {
  private sub: Subscription | undefined;
  private readonly inflight = new Set<Promise<void>>();
  private readonly allow: string;
  /** A Map, so that a method named like an Object.prototype member finds nothing. */
  private readonly methods: ReadonlyMap<string, MethodHandler>;

  constructor(private readonly o: SipServiceEndpointOptions) {
    this.methods = new Map(Object.entries(o.methods));
    this.allow = [...this.methods.keys()].join(', ');
  }

  start(): void {
    if (this.sub !== undefined) return;
    this.sub = this.o.nc.subscribe(subjects.sipToService(this.o.service), {
      queue: subjects.serviceQueue(this.o.service),
      callback: (err, msg) => {
        if (err !== null) return;
        const answered = { done: false };
        const p = this.handle(msg, answered).catch((e: unknown) => {
          this.o.onError(e);
          // A handler that failed before it answered: the edge is told, and answers 500.
          if (!answered.done) replyError(msg, e instanceof Error ? e.message : String(e));
        });
        this.inflight.add(p);
        void p.finally(() => this.inflight.delete(p));
      },
    });
  }

  /** Stops taking requests and waits for those under way. */
  async stop(): Promise<void> {
    this.sub?.unsubscribe();
    this.sub = undefined;
    await Promise.allSettled([...this.inflight]);
  }

  private async handle(msg: Msg, answered: { done: boolean }): Promise<void> {
    const parsed = parseMessage(Buffer.from(msg.data.buffer, msg.data.byteOffset, msg.data.byteLength));
    if (!parsed.ok) {
      const res = createErrorResponse(parsed.error);
      if (res !== undefined) msg.respond(serializeMessage(res));
      else replyError(msg, parsed.error.reason);
      return;
    }
    if (parsed.value.kind !== 'request') {
      replyError(msg, 'not a request');
      return;
    }
    const req = parsed.value;
    this.o.onRequest?.(req);
    if (req.method === 'ACK') return;
    const handler = this.methods.get(req.method);
    if (handler === undefined) {
      msg.respond(serializeMessage(createResponse(req, 405, { headers: [['Allow', this.allow]] })));
      return;
    }
    const inbound = msg.headers === undefined ? undefined : readInbound(msg.headers);
    if (inbound === undefined) {
      msg.respond(serializeMessage(createResponse(req, 400, { reason: 'Bad Request (no envelope)' })));
      return;
    }
    await handler(req, inbound, (res) => {
      // One final response per request: a second would be a second reply on the NATS inbox.
      if (answered.done) throw new Error(`${req.method} answered twice`);
      answered.done = true;
      msg.respond(serializeMessage(res));
    });
    if (!answered.done) throw new Error(`${req.method} handler returned without an answer`);
  }
}

/** A reply that carries no SIP response (the edge answers 500 for it). */
function replyError(msg: Msg, detail: string): void {
  const h = natsHeaders();
  h.set(ENVELOPE_HEADERS.error, detail.replace(/[\r\n]/g, ' ').slice(0, 200));
  try {
    msg.respond(new Uint8Array(0), { headers: h });
  } catch {
    // no reply subject: nothing to tell
  }
}
