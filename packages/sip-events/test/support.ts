// Shared test fixtures: a Redis namespace per test file, a tiny event package,
// SUBSCRIBE builders, and an in-memory NotifyTransport that plays the subscriber.
import { randomBytes } from 'node:crypto';
import type { EnvelopeFlow, InboundEnvelope } from '@simple/contracts';
import { createResponse, parseMessage, serializeMessage, type SipRequest, type SipResponse } from '@simple/sip-message';
import { Redis } from 'ioredis';
import type { Authorization, AuthorizationRequest, EventPackage, NotifyBody, NotifyOutcome, NotifyTransport, Subscription, SubscriptionChange, WatcherContext } from '../src/index.js';

/** Redis clients whose keys all live under one prefix; `cleanup` deletes them and quits. */
export class RedisNamespace {
  readonly prefix = `test:sip-events:${process.pid}:${randomBytes(4).toString('hex')}:`;
  private readonly clients: Redis[] = [];

  client(): Redis {
    const r = new Redis({ host: '127.0.0.1', port: 6379, keyPrefix: this.prefix, maxRetriesPerRequest: 2 });
    this.clients.push(r);
    return r;
  }

  /** Every key under the prefix (without it). */
  async keys(): Promise<string[]> {
    const raw = new Redis({ host: '127.0.0.1', port: 6379 });
    try {
      const found: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await raw.scan(cursor, 'MATCH', `${this.prefix}*`, 'COUNT', 500);
        cursor = next;
        found.push(...batch.map((k) => k.slice(this.prefix.length)));
      } while (cursor !== '0');
      return found;
    } finally {
      raw.disconnect();
    }
  }

  async cleanup(): Promise<void> {
    const raw = new Redis({ host: '127.0.0.1', port: 6379 });
    try {
      const keys = (await this.keys()).map((k) => this.prefix + k);
      if (keys.length > 0) await raw.del(...keys);
    } finally {
      raw.disconnect();
    }
    for (const c of this.clients) c.disconnect();
  }
}

export const FLOW: EnvelopeFlow = { edgeId: 'edge-t', flowId: 'tcp-7', transport: 'TCP', remoteAddress: '192.0.2.10', remotePort: 50_602 };

export function inbound(identity: string | undefined = 'alice@example.com', flow: EnvelopeFlow = FLOW): InboundEnvelope {
  return { flow, identity, receivedAt: Date.now() };
}

/**
 * A tiny event package, "x-test": the state of a resource is a counter held
 * here; NOTIFY bodies read `<resource> state=<n> auth=<authorization>
 * version=<v>`; authorization per watcher, `active` unless set otherwise.
 */
export class TestPackage implements EventPackage {
  readonly name: string;
  readonly contentTypes = ['application/x-test+text', 'text/plain'];
  readonly minExpires = 60;
  readonly maxExpires = 3600;
  readonly defaultExpires = 600;
  readonly state = new Map<string, number>();
  readonly policy = new Map<string, Authorization>();
  readonly changes: Array<{ id: string; change: SubscriptionChange }> = [];
  composeCalls = 0;
  /** Compose once per watcher class (the class being the content type and authorization). */
  shareBodies = false;
  /** RFC 5875 §4.7 behaviour: a NOTIFY not answered 2xx ends the subscription. */
  endOnFailedNotify = false;
  /** The versions whose NOTIFY was answered 2xx, as `delivered` reported them. */
  readonly deliveredVersions: number[] = [];

  constructor(name = 'x-test') {
    this.name = name;
  }

  set(resource: string, value: number): void {
    this.state.set(resource, value);
  }

  async authorize(r: AuthorizationRequest): Promise<Authorization> {
    return this.policy.get(r.watcher) ?? 'active';
  }

  async compose(resource: string, w: WatcherContext): Promise<NotifyBody | undefined> {
    this.composeCalls++;
    const value = this.state.get(resource);
    if (w.authorization === 'polite-block') return text(w.contentType, `${resource} state=neutral`);
    if (w.authorization === 'pending') return text(w.contentType, `${resource} pending`);
    if (value === undefined) return undefined;
    return { ...text(w.contentType, `${resource} state=${value} auth=${w.authorization} version=${w.version}`), delivered: async () => void this.deliveredVersions.push(w.version) };
  }

  watcherClass(s: Subscription): string | undefined {
    return this.shareBodies ? `${s.contentType}|${s.authorization}` : undefined;
  }

  onSubscriptionChange(s: Subscription, change: SubscriptionChange): void {
    this.changes.push({ id: s.id, change });
  }
}

function text(contentType: string, s: string): NotifyBody {
  return { contentType, body: Buffer.from(s) };
}

export interface SubscribeSpec {
  readonly user?: string;
  readonly domain?: string;
  readonly event?: string | null;
  readonly expires?: number;
  readonly accept?: readonly string[];
  readonly callId?: string;
  readonly fromTag?: string;
  readonly toTag?: string;
  readonly cseq?: number;
  readonly contact?: string | null;
  readonly extra?: readonly string[];
  readonly watcher?: string;
}

/** A SUBSCRIBE parsed from its text, as the edge hands it over. */
export function subscribe(s: SubscribeSpec = {}): SipRequest {
  const domain = s.domain ?? 'example.com';
  const target = `sip:${s.user ?? 'bob'}@${domain}`;
  const watcher = s.watcher ?? 'alice';
  const lines = [
    `SUBSCRIBE ${target} SIP/2.0`,
    `Via: SIP/2.0/TCP 192.0.2.10:50602;branch=z9hG4bK${randomBytes(4).toString('hex')}`,
    'Max-Forwards: 70',
    `From: <sip:${watcher}@${domain}>;tag=${s.fromTag ?? 'ft1'}`,
    `To: <${target}>${s.toTag !== undefined ? `;tag=${s.toTag}` : ''}`,
    `Call-ID: ${s.callId ?? `c-${randomBytes(6).toString('hex')}`}`,
    `CSeq: ${s.cseq ?? 1} SUBSCRIBE`,
    ...(s.contact === null ? [] : [`Contact: ${s.contact ?? `<sip:${watcher}@192.0.2.10:50602;transport=tcp>`}`]),
    ...(s.event === null ? [] : [`Event: ${s.event ?? 'x-test'}`]),
    ...(s.expires !== undefined ? [`Expires: ${s.expires}`] : []),
    ...(s.accept ?? []).map((a) => `Accept: ${a}`),
    ...(s.extra ?? []),
    'Content-Length: 0',
    '',
    '',
  ];
  const r = parseMessage(Buffer.from(lines.join('\r\n')));
  if (!r.ok || r.value.kind !== 'request') throw new Error(`test SUBSCRIBE does not parse: ${r.ok ? 'not a request' : r.error.reason}`);
  return r.value;
}

/** An in-dialog SUBSCRIBE for a subscription the 200 created. */
export function refresh(initial: SipRequest, ok: SipResponse, s: Omit<SubscribeSpec, 'callId' | 'fromTag' | 'toTag'> & { cseq: number }): SipRequest {
  return subscribe({ ...s, callId: initial.callId, fromTag: initial.from.tag, toTag: ok.to.tag });
}

/** A NOTIFY as the subscriber sees it: parsed (with the Via the edge would add). */
export interface ReceivedNotify {
  readonly request: SipRequest;
  readonly flow: EnvelopeFlow;
  readonly cseq: number;
  readonly state: string;
  readonly body: string;
  readonly hadVia: boolean;
}

export function parseSentRequest(req: SipRequest): SipRequest {
  const bytes = serializeMessage(req);
  const eol = bytes.indexOf('\r\n');
  const withVia = Buffer.concat([bytes.subarray(0, eol + 2), Buffer.from('Via: SIP/2.0/TCP edge.invalid;branch=z9hG4bKedge\r\n'), bytes.subarray(eol + 2)]);
  const r = parseMessage(withVia);
  if (!r.ok || r.value.kind !== 'request') throw new Error(`NOTIFY does not parse: ${r.ok ? 'not a request' : r.error.reason}`);
  return r.value;
}

/**
 * The subscriber, in memory: records every NOTIFY in arrival order and
 * answers with `answer` (200 by default), after `delayMs` (a number or a
 * function). `log` is shared with the responses a test records, to check order.
 */
export class FakeTransport implements NotifyTransport {
  readonly received: ReceivedNotify[] = [];
  answer: (n: ReceivedNotify) => number | NotifyOutcome = () => 200;
  delayMs: number | (() => number) = 0;
  /** NOTIFYs in flight per Call-ID, and the most ever seen at once. */
  private readonly inflight = new Map<string, number>();
  maxConcurrentPerDialog = 0;

  constructor(readonly log: string[] = []) {}

  async send(request: SipRequest, flow: EnvelopeFlow): Promise<NotifyOutcome> {
    const hadVia = request.headers.has('via');
    const req = parseSentRequest(request);
    const n: ReceivedNotify = {
      request: req,
      flow,
      cseq: req.cseq.seq,
      state: req.headers.get('subscription-state') ?? '',
      body: req.body.toString(),
      hadVia,
    };
    const dialog = req.callId;
    const now = (this.inflight.get(dialog) ?? 0) + 1;
    this.inflight.set(dialog, now);
    this.maxConcurrentPerDialog = Math.max(this.maxConcurrentPerDialog, now);
    this.received.push(n);
    this.log.push(`NOTIFY ${n.cseq} ${n.state}`);
    const delay = typeof this.delayMs === 'function' ? this.delayMs() : this.delayMs;
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    this.inflight.set(dialog, (this.inflight.get(dialog) ?? 1) - 1);
    const a = this.answer(n);
    if (typeof a !== 'number') return a;
    return { kind: 'response', response: createResponse(req, a) };
  }

  forDialog(callId: string): ReceivedNotify[] {
    return this.received.filter((n) => n.request.callId === callId);
  }
}

/** A `respond` that records the response in the log. */
export function recorder(log: string[] = []): { log: string[]; responses: SipResponse[]; respond: (r: SipResponse) => void } {
  const responses: SipResponse[] = [];
  return {
    log,
    responses,
    respond: (r) => {
      responses.push(r);
      log.push(`RESPONSE ${r.status}`);
    },
  };
}

export function header(m: { headers: { get(n: string): string | undefined } }, name: string): string | undefined {
  return m.headers.get(name);
}
