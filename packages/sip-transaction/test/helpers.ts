// Test helpers: messages parsed from raw text, an in-memory transport, recording TUs and a layer wired to them.
import { createResponse, parseMessage, serializeMessage, SipRequest, SipResponse, type ResponseOptions } from '@simple/sip-message';
import type { ClientTransaction, ClientTransactionUser, ServerTransaction, TransactionUser, RequestContext, AckContext } from '../src/index.js';
import type { InviteServerTransaction, TransactionLayerOptions, TransactionTransport, TransactionTransportError } from '../src/index.js';
import { FakeClock, TransactionLayer } from '../src/index.js';

/** Parses raw text (lines joined with CRLF, blank line appended) into a request or response. */
export function parse(lines: readonly string[], body = ''): SipRequest | SipResponse {
  const text = lines.join('\r\n') + '\r\n\r\n' + body;
  const r = parseMessage(Buffer.from(text, 'utf8'));
  if (!r.ok) throw new Error(`test message does not parse: ${r.error.reason}`);
  return r.value;
}

export function parseRequest(lines: readonly string[]): SipRequest {
  const m = parse(lines);
  if (!(m instanceof SipRequest)) throw new Error('not a request');
  return m;
}

export function parseResponse(lines: readonly string[]): SipResponse {
  const m = parse(lines);
  if (!(m instanceof SipResponse)) throw new Error('not a response');
  return m;
}

export interface RequestSpec {
  readonly method?: string;
  readonly uri?: string;
  /** The branch parameter; null for none (an RFC 2543 client). */
  readonly branch?: string | null;
  readonly sentBy?: string;
  readonly transport?: string;
  readonly callId?: string;
  readonly cseq?: number;
  /** CSeq method; defaults to the method. */
  readonly cseqMethod?: string;
  readonly fromTag?: string;
  readonly toTag?: string;
  readonly extra?: readonly string[];
}

/** A request as raw text and parsed, alice calling bob. */
export function request(spec: RequestSpec = {}): SipRequest {
  const method = spec.method ?? 'INVITE';
  const branch = spec.branch === undefined ? ';branch=z9hG4bK-client-1' : spec.branch === null ? '' : `;branch=${spec.branch}`;
  const to = spec.toTag === undefined ? '<sip:bob@biloxi.example.com>' : `<sip:bob@biloxi.example.com>;tag=${spec.toTag}`;
  return parseRequest([
    `${method} ${spec.uri ?? 'sip:bob@biloxi.example.com'} SIP/2.0`,
    `Via: SIP/2.0/${spec.transport ?? 'UDP'} ${spec.sentBy ?? 'pc33.atlanta.example.com:5060'}${branch}`,
    'Max-Forwards: 70',
    `To: Bob ${to}`,
    `From: Alice <sip:alice@atlanta.example.com>;tag=${spec.fromTag ?? 'from-1'}`,
    `Call-ID: ${spec.callId ?? 'call-1@atlanta.example.com'}`,
    `CSeq: ${spec.cseq ?? 1} ${spec.cseqMethod ?? method}`,
    'Contact: <sip:alice@pc33.atlanta.example.com>',
    ...(spec.extra ?? []),
    'Content-Length: 0',
  ]);
}

/** A response to a request, serialized and parsed back as if it came off the wire. */
export function responseTo(req: SipRequest, status: number, options: ResponseOptions = {}): SipResponse {
  const r = parseMessage(serializeMessage(createResponse(req, status, options)));
  if (!r.ok || !(r.value instanceof SipResponse)) throw new Error('test response does not parse');
  return r.value;
}

/** A destination or flow of the fake transport. */
export interface FakeTarget {
  readonly name: string;
  readonly reliable: boolean;
}

export const UDP: FakeTarget = Object.freeze({ name: 'udp:192.0.2.1:5060', reliable: false });
export const TCP: FakeTarget = Object.freeze({ name: 'tcp:192.0.2.1:5060', reliable: true });

export interface Sent {
  readonly message: SipRequest | SipResponse;
  readonly target: FakeTarget;
}

/** Records what is sent; `failWith` makes the following sends throw or reject. */
export class FakeTransport implements TransactionTransport<FakeTarget> {
  readonly sent: Sent[] = [];
  failWith: 'throw' | 'reject' | undefined;

  isReliable(target: FakeTarget): boolean {
    return target.reliable;
  }

  send(message: SipRequest | SipResponse, target: FakeTarget): void | Promise<void> {
    this.sent.push({ message, target });
    if (this.failWith === 'throw') throw new Error('ICMP port unreachable');
    if (this.failWith === 'reject') return Promise.reject(new Error('connection reset'));
    return undefined;
  }

  /** Sent requests of one method. */
  requests(method?: string): SipRequest[] {
    return this.sent.map((s) => s.message).filter((m): m is SipRequest => m instanceof SipRequest && (method === undefined || m.method === method));
  }

  /** Sent responses, optionally of one status. */
  responses(status?: number): SipResponse[] {
    return this.sent.map((s) => s.message).filter((m): m is SipResponse => m instanceof SipResponse && (status === undefined || m.status === status));
  }

  clear(): void {
    this.sent.length = 0;
  }
}

/** A client TU that records what it is told. */
export class RecordingClientUser implements ClientTransactionUser {
  readonly responses: SipResponse[] = [];
  readonly timeouts: ClientTransaction[] = [];
  readonly errors: TransactionTransportError[] = [];

  receiveResponse(response: SipResponse): void {
    this.responses.push(response);
  }
  onTimeout(transaction: ClientTransaction): void {
    this.timeouts.push(transaction);
  }
  onTransportError(error: TransactionTransportError): void {
    this.errors.push(error);
  }
  statuses(): number[] {
    return this.responses.map((r) => r.status);
  }
}

/** A server-side TU that records what it is told; `answer` responds from inside onRequest. */
export class RecordingTU<Target = FakeTarget> implements TransactionUser<Target> {
  readonly requests: Array<{ transaction: ServerTransaction; request: SipRequest; context: RequestContext<Target> }> = [];
  readonly acks: Array<{ ack: SipRequest; context: AckContext<Target> }> = [];
  readonly strays: SipResponse[] = [];
  readonly timeouts: InviteServerTransaction[] = [];
  readonly errors: Array<{ error: TransactionTransportError; transaction: ServerTransaction }> = [];
  answer: ((transaction: ServerTransaction, request: SipRequest) => void) | undefined;

  onRequest(transaction: ServerTransaction, request: SipRequest, context: RequestContext<Target>): void {
    this.requests.push({ transaction, request, context });
    this.answer?.(transaction, request);
  }
  onAck(ack: SipRequest, context: AckContext<Target>): void {
    this.acks.push({ ack, context });
  }
  onStrayResponse(response: SipResponse): void {
    this.strays.push(response);
  }
  onTimeout(transaction: InviteServerTransaction): void {
    this.timeouts.push(transaction);
  }
  onTransportError(error: TransactionTransportError, transaction: ServerTransaction): void {
    this.errors.push({ error, transaction });
  }
}

/** A transaction layer on a fake clock and transport, its TU recording what it is told. */
export function setupLayer(options: Partial<TransactionLayerOptions<FakeTarget>> = {}) {
  const clock = new FakeClock();
  const transport = new FakeTransport();
  const tu = new RecordingTU();
  const layer = new TransactionLayer<FakeTarget>({ transport, user: tu, clock, ...options });
  return { clock, transport, tu, layer };
}

/** Lets queued microtasks and promise callbacks run (transport failures are reported there). */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
