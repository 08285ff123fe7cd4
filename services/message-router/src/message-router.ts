import type { InboundEnvelope } from '@simple/contracts';
import { addressOfRecord, type Binding, type LocationStore } from '@simple/location';
import type { Logger, Metrics } from '@simple/platform';
import { H, createResponse, mediaTypeName, parseMessage, serializeMessage, type SipRequest } from '@simple/sip-message';
import type { MessageRouterLimits } from './config.js';
import { deliveryRequest } from './delivery-request.js';
import { deliveryResult, type DeliveryResult, type EdgeClient } from './edge-client.js';
import type { MessageStore } from './message-store.js';
import { selectFinalStatus } from './response-selection.js';
import { SenderRateLimiter } from './sender-rate-limiter.js';

/** RFC 3994 §4: the is-composing indication; it is routed but never stored. */
export const IS_COMPOSING = 'application/im-iscomposing+xml';

/** What became of one MESSAGE (the `result` label of simple_message_router_messages_total). */
export type MessageResult =
  | 'delivered' | 'stored' | 'failed' | 'offline' | 'too_large' | 'rate_limited' | 'quota_full' | 'not_found' | 'wrong_method';

export interface Answer {
  readonly status: number;
  readonly reason?: string;
  readonly headers?: ReadonlyArray<readonly [string, string]>;
  readonly result: MessageResult;
}

export interface MessageRouterDeps {
  readonly locations: LocationStore;
  readonly store: MessageStore;
  readonly edges: EdgeClient;
  readonly limits: MessageRouterLimits;
  /** Whether a user is provisioned (unknown users get 404 and nothing is stored). */
  readonly userExists: (aor: string) => Promise<boolean>;
  readonly log: Logger;
  readonly metrics?: Metrics;
}

/**
 * The message router: page-mode instant messages (RFC 3428). For a MESSAGE
 * to a local AOR, it forks to every registered contact in parallel through
 * the edge that owns each binding's flow and answers with the first 2xx or
 * the best error (RFC 3428 §6, RFC 3261 §16.7); with no reachable contact it
 * stores the message and answers 202 (RFC 3428 §7), and sends what it stored,
 * oldest first, when the user registers.
 */
export class MessageRouter {
  private readonly limiter: SenderRateLimiter;
  private readonly messages;
  private readonly storedDeliveries;

  constructor(private readonly d: MessageRouterDeps) {
    this.limiter = new SenderRateLimiter(d.limits.ratePerSender, d.limits.burstPerSender);
    this.messages = d.metrics?.counter('messages_total', 'MESSAGE requests handled, by result', ['result']);
    this.storedDeliveries = d.metrics?.counter('stored_deliveries_total', 'Deliveries of stored messages, by outcome', ['outcome']);
  }

  /** Answers one MESSAGE that the edge routed here; `size` is its length as received. */
  async handle(req: SipRequest, env: InboundEnvelope, size: number): Promise<Answer> {
    const a = await this.decide(req, env, size);
    this.messages?.inc({ result: a.result });
    return a;
  }

  /** The response bytes for an answer. */
  static respond(req: SipRequest, a: Answer): Buffer {
    // RFC 3428 §7: a 2xx to MESSAGE carries no body and no Contact.
    return serializeMessage(createResponse(req, a.status, { ...(a.reason !== undefined ? { reason: a.reason } : {}), headers: a.headers ?? [] }));
  }

  private async decide(req: SipRequest, env: InboundEnvelope, size: number): Promise<Answer> {
    if (req.method !== 'MESSAGE') return { status: 405, headers: [['Allow', 'MESSAGE']], result: 'wrong_method' };

    // RFC 3428 §8: a MESSAGE over a transport without congestion control must
    // stay within 1300 bytes (unless the path MTU is known); larger → 513.
    const limit = env.flow.transport.toUpperCase() === 'UDP' ? this.d.limits.maxUdpBytes : this.d.limits.maxBytes;
    if (size > limit) return { status: 513, reason: `Message Too Large (limit ${limit} bytes over ${env.flow.transport.toUpperCase()})`, result: 'too_large' };

    const sender = env.identity ?? (req.from.uri.kind === 'sip' ? addressOfRecord(req.from.uri) : req.from.uri.toString());
    if (!this.limiter.allow(sender)) {
      return { status: 503, reason: 'Service Unavailable (sender rate limit)', headers: [['Retry-After', String(this.d.limits.retryAfterSeconds)]], result: 'rate_limited' };
    }

    if (req.uri.kind !== 'sip' || req.uri.user === undefined) return { status: 404, result: 'not_found' };
    // RFC 3261 §10.3 step 5's canonical form, the one the registrar indexes bindings by.
    const aor = addressOfRecord(req.uri);
    if (!(await this.d.userExists(aor))) return { status: 404, result: 'not_found' };

    const composing = contentTypeOf(req) === IS_COMPOSING;
    const bindings = await this.d.locations.lookup(aor);
    // Stored messages go first: a new message waits behind them, so that the recipient gets them in order.
    const backlog = !composing && bindings.length > 0 ? await this.d.store.count(aor) : 0;
    if (bindings.length > 0 && backlog === 0) {
      const outcome = await this.fork(req, bindings);
      if (outcome.status >= 200 && outcome.status < 300) return { status: outcome.status, result: 'delivered' };
      if (!outcome.unreachable) return { status: outcome.status, result: 'failed' };
    }
    // RFC 3994 §4 is-composing is ephemeral: never stored; the sender learns the recipient is away.
    if (composing) return { status: 480, reason: 'Temporarily Unavailable (not stored: is-composing)', result: 'offline' };
    const stored = await this.d.store.add(aor, serializeMessage(req));
    if (!stored.stored) return { status: 480, reason: 'Temporarily Unavailable (mailbox full)', result: 'quota_full' };
    if (bindings.length > 0) void this.drain(aor);
    // RFC 3428 §7: accepted by a store-and-forward relay, delivery not guaranteed.
    return { status: 202, result: 'stored' };
  }

  /**
   * Sends the request to every binding at once (RFC 3428 §6: "the MESSAGE
   * request MAY fork"); settles with the first 2xx, or when every branch has
   * ended, with the best status (RFC 3261 §16.7) and whether every contact
   * was unreachable.
   */
  async fork(req: SipRequest, bindings: readonly Binding[]): Promise<DeliveryResult> {
    return new Promise((resolve) => {
      const statuses: number[] = [];
      let allUnreachable = true;
      let pending = bindings.length;
      let done = false;
      const finish = (r: DeliveryResult): void => {
        if (!done) {
          done = true;
          resolve(r);
        }
      };
      for (const b of bindings) {
        const bytes = deliveryRequest(req, b.contact);
        const sent = bytes === undefined ? Promise.resolve({ status: 483, unreachable: false }) : this.d.edges.send(b.flow, bytes, this.d.limits.deliveryTimeoutMs);
        void sent
          .catch((err: unknown) => {
            this.d.log.warn({ err, edge: b.flow.edgeId }, 'delivery failed');
            return deliveryResult(500);
          })
          .then((r) => {
            statuses.push(r.status);
            if (!r.unreachable) allUnreachable = false;
            if (r.status >= 200 && r.status < 300) finish(r);
            if (--pending === 0) finish({ status: selectFinalStatus(statuses), unreachable: allUnreachable });
          });
      }
      if (bindings.length === 0) finish({ status: 480, unreachable: true });
    });
  }

  /**
   * Sends an AOR's stored messages, oldest first, while the user has
   * bindings; each is removed only after a 2xx. Stops at the first message
   * that no contact took (it stays, and so does everything after it), so
   * that order holds. One replica at a time per AOR (a lease in Redis).
   * Returns how many were delivered.
   */
  async drain(aor: string): Promise<number> {
    let total = 0;
    for (;;) {
      const r = await this.drainOnce(aor);
      total += r.delivered;
      // A message stored while the lease was held, after the holder found the stream empty, would otherwise wait for the next registration.
      if (!r.emptied || (await this.d.store.count(aor)) === 0) return total;
    }
  }

  private async drainOnce(aor: string): Promise<{ delivered: number; emptied: boolean }> {
    let release: (() => Promise<void>) | undefined;
    let delivered = 0;
    try {
      release = await this.d.store.lock(aor, Math.max(10_000, this.d.limits.deliveryTimeoutMs * 4));
      if (release === undefined) return { delivered, emptied: false };
      for (;;) {
        const [next] = await this.d.store.oldest(aor, 1);
        if (next === undefined) return { delivered, emptied: true };
        const bindings = await this.d.locations.lookup(aor);
        if (bindings.length === 0) return { delivered, emptied: false };
        const parsed = parseMessage(next.bytes);
        if (!parsed.ok || parsed.value.kind !== 'request') {
          // Unreadable entry: it can never be delivered, so it must not block the rest.
          await this.d.store.remove(aor, next.id);
          this.storedDeliveries?.inc({ outcome: 'discarded' });
          continue;
        }
        const r = await this.fork(parsed.value, bindings);
        if (r.status >= 200 && r.status < 300) {
          await this.d.store.remove(aor, next.id);
          this.storedDeliveries?.inc({ outcome: 'delivered' });
          delivered++;
          continue;
        }
        if (!r.unreachable) {
          // Refused by the recipient (4xx-6xx other than unreachable): a final answer, not worth keeping.
          await this.d.store.remove(aor, next.id);
          this.storedDeliveries?.inc({ outcome: 'refused' });
          continue;
        }
        this.storedDeliveries?.inc({ outcome: 'kept' });
        return { delivered, emptied: false };
      }
    } catch (err) {
      this.d.log.error({ err, aor }, 'draining stored messages failed');
      return { delivered, emptied: false };
    } finally {
      await release?.().catch(() => undefined);
    }
  }
}

function contentTypeOf(req: SipRequest): string | undefined {
  const ct = req.headers.typed(H.contentType);
  return ct.ok && ct.value !== undefined ? mediaTypeName(ct.value).toLowerCase() : undefined;
}
