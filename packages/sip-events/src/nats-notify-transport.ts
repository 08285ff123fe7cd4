import { randomBytes } from 'node:crypto';
import { systemClock, type Clock, type ClockTimer } from '@simple/clock';
import { headers as natsHeaders, type Msg, type NatsConnection, type Subscription as NatsSubscription } from '@nats-io/transport-node';
import { ENVELOPE_HEADERS, subjects, writeFlow, type EnvelopeFlow } from '@simple/contracts';
import { parseMessage, serializeMessage, type SipRequest } from '@simple/sip-message';
import type { NotifyOutcome, NotifyTransport } from './notify-transport.js';

export interface NatsNotifyTransportOptions {
  /**
   * How long to wait for the final response (ms, default 34 000): a little
   * more than the edge's own client transaction (Timer F, 64*T1 = 32 s), so
   * that the edge's 408 arrives before this gives up.
   */
  readonly timeoutMs?: number;
  /** NOTIFYs in flight from this replica before `overloaded` (default 4 096). */
  readonly maxInflight?: number;
  readonly clock?: Clock;
}

/**
 * NOTIFYs to subscribers through the edge that owns their flow
 * (docs/architecture.md, services/sip-edge/README.md): the request, without
 * Via, is published on `simple.v1.sip.edge.<edgeId>` with the flow in the
 * NATS headers, and the reply is the final response (a 430 when the flow is
 * gone, a local 408 or 503) or a `Simple-Error` header. One wildcard inbox
 * subscription with replies matched by id, not `nc.request()` per NOTIFY
 * (DESIGN.md, "The hot path").
 */
export class NatsNotifyTransport implements NotifyTransport {
  readonly timeoutMs: number;
  private readonly maxInflight: number;
  private readonly inbox = `_INBOX.notify.${randomBytes(8).toString('hex')}`;
  private readonly clock: Clock;
  private readonly pending = new Map<string, { resolve: (o: NotifyOutcome) => void; timer: ClockTimer }>();
  private sub: NatsSubscription | undefined;
  private seq = 0;

  constructor(
    private readonly nc: NatsConnection,
    options: NatsNotifyTransportOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 34_000;
    this.maxInflight = options.maxInflight ?? 4096;
    this.clock = options.clock ?? systemClock;
  }

  start(): this {
    this.sub ??= this.nc.subscribe(`${this.inbox}.*`, { callback: (_err, msg) => this.onReply(msg) });
    return this;
  }

  /** NOTIFYs awaiting their response. */
  get inflight(): number {
    return this.pending.size;
  }

  send(request: SipRequest, flow: EnvelopeFlow): Promise<NotifyOutcome> {
    if (this.sub === undefined) this.start();
    if (this.pending.size >= this.maxInflight) return Promise.resolve({ kind: 'overloaded' });
    const id = (this.seq = (this.seq + 1) % Number.MAX_SAFE_INTEGER).toString(36);
    const h = natsHeaders();
    writeFlow(h, flow);
    h.set(ENVELOPE_HEADERS.timeoutMs, String(this.timeoutMs));
    return new Promise<NotifyOutcome>((resolve) => {
      const timer = this.clock.setTimeout(() => this.settle(id, { kind: 'timeout' }), this.timeoutMs);
      this.pending.set(id, { resolve, timer });
      try {
        this.nc.publish(subjects.sipToEdge(flow.edgeId), serializeMessage(request), { reply: `${this.inbox}.${id}`, headers: h });
      } catch (err) {
        this.settle(id, { kind: 'error', detail: err instanceof Error ? err.message : String(err) });
      }
    });
  }

  /** Stops: NOTIFYs awaiting a response resolve as timeouts. */
  async stop(): Promise<void> {
    for (const id of [...this.pending.keys()]) this.settle(id, { kind: 'timeout' });
    this.sub?.unsubscribe();
    this.sub = undefined;
  }

  private onReply(msg: Msg): void {
    const id = msg.subject.slice(this.inbox.length + 1);
    // NATS answers a request nobody subscribes to with a 503 status message: the edge is gone.
    if (msg.headers?.hasError === true && msg.headers.code === 503) return this.settle(id, { kind: 'no-edge' });
    const error = msg.headers?.get(ENVELOPE_HEADERS.error) ?? '';
    if (error !== '') return this.settle(id, { kind: 'error', detail: error });
    const parsed = parseMessage(Buffer.from(msg.data));
    if (!parsed.ok) return this.settle(id, { kind: 'error', detail: `unreadable reply: ${parsed.error.reason}` });
    if (parsed.value.kind !== 'response') return this.settle(id, { kind: 'error', detail: 'the reply is not a response' });
    this.settle(id, { kind: 'response', response: parsed.value });
  }

  private settle(id: string, outcome: NotifyOutcome): void {
    const p = this.pending.get(id);
    if (p === undefined) return; // a late reply after the timeout
    this.pending.delete(id);
    this.clock.clearTimeout(p.timer);
    p.resolve(outcome);
  }
}
