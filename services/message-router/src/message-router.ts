import type { InboundEnvelope } from '@simple/contracts';
import { addressOfRecord, type Binding, type LocationStore } from '@simple/location';
import type { Logger, Metrics } from '@simple/platform';
import { H, createResponse, mediaTypeName, parseMessage, serializeMessage, type SipRequest } from '@simple/sip-message';
import type { MessageRouterLimits } from './config.js';
import { deliveryRequest } from './delivery-request.js';
import { deliveryResult, type DeliveryResult, type EdgeClient } from './edge-client.js';
import { cpimMimeHeader } from './cpim.js';
import { cpimOf, imdnNotification, imdnRequest, type ImdnStatus } from './imdn.js';
import type { MessageStore } from './message-store.js';
import { recipientCopy } from './recipient-copy.js';
import { parseRecipientListMessage, recipientHistory, requiresRecipientList } from './recipient-list.js';
import { selectFinalStatus } from './response-selection.js';
import { SenderRateLimiter } from './sender-rate-limiter.js';

/** RFC 3994 §4: the is-composing indication; it is routed but never stored. */
export const IS_COMPOSING = 'application/im-iscomposing+xml';

/** What became of one MESSAGE (the `result` label of simple_message_router_messages_total). */
export type MessageResult =
  | 'delivered' | 'stored' | 'failed' | 'offline' | 'too_large' | 'rate_limited' | 'quota_full' | 'not_found' | 'wrong_method'
  | 'exploded' | 'bad_list' | 'too_many_recipients';

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
  private readonly copies;
  private readonly notifications;
  /** Notifications being sent after their answer (RFC 5438 IMDNs); `idle()` waits for them. */
  private readonly background = new Set<Promise<void>>();

  constructor(private readonly d: MessageRouterDeps) {
    this.limiter = new SenderRateLimiter(d.limits.ratePerSender, d.limits.burstPerSender);
    this.messages = d.metrics?.counter('messages_total', 'MESSAGE requests handled, by result', ['result']);
    this.storedDeliveries = d.metrics?.counter('stored_deliveries_total', 'Deliveries of stored messages, by outcome', ['outcome']);
    this.notifications = d.metrics?.counter('imdn_total', 'IMDNs (RFC 5438 processing and negative delivery notifications) generated, by what became of them', ['result']);
    this.copies = d.metrics?.counter('recipient_list_copies_total', 'MESSAGE copies of a URI-list MESSAGE (RFC 5365), by result', ['result']);
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

    // RFC 5365 §6: the router is the MESSAGE URI-list service for any local Request-URI.
    if (requiresRecipientList(req)) return this.explode(req);

    if (req.uri.kind !== 'sip' || req.uri.user === undefined) return { status: 404, result: 'not_found' };
    // RFC 3261 §10.3 step 5's canonical form, the one the registrar indexes bindings by.
    return this.route(req, addressOfRecord(req.uri));
  }

  /**
   * A multiple-recipient MESSAGE (RFC 5365): one MESSAGE per intended
   * recipient (§7.2, §7.3), each routed as any MESSAGE to that user (delivered,
   * or stored), in parallel; then 202 to the sender (§7: whatever became of the
   * copies). The 202 comes after every copy was delivered or stored, so that a
   * 202 is never answered for copies a crash could lose. Above the configured
   * number of recipients: 403, nothing sent.
   */
  private async explode(req: SipRequest): Promise<Answer> {
    const list = parseRecipientListMessage(req, this.d.limits.maxRecipients);
    if (!list.ok) return { status: list.status, reason: list.reason, result: list.status === 403 ? 'too_many_recipients' : 'bad_list' };
    const { recipients, otherParts } = list.value;
    const history = recipientHistory(recipients);
    await Promise.all(
      recipients.map(async (r) => {
        const copy = recipientCopy(req, r, otherParts, history);
        if (copy === undefined || copy.uri.kind !== 'sip' || copy.uri.user === undefined) {
          this.copies?.inc({ result: 'not_found' });
          return;
        }
        try {
          const a = await this.route(copy, addressOfRecord(copy.uri));
          this.copies?.inc({ result: a.result });
          if (a.result !== 'delivered' && a.result !== 'stored') this.d.log.info({ to: r.aor, status: a.status }, 'recipient-list copy not delivered');
        } catch (err) {
          this.copies?.inc({ result: 'failed' });
          this.d.log.warn({ err, to: r.aor }, 'recipient-list copy failed');
        }
      }),
    );
    return { status: 202, result: 'exploded' };
  }

  /** Delivers a MESSAGE to a local AOR, or stores it (RFC 3428 §6, §7). */
  private async route(req: SipRequest, aor: string): Promise<Answer> {
    if (!(await this.d.userExists(aor))) return { status: 404, result: 'not_found' };

    const composing = isComposing(req);
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
    this.notifyStored(req, aor);
    // RFC 3428 §7: accepted by a store-and-forward relay, delivery not guaranteed.
    return { status: 202, result: 'stored' };
  }

  /**
   * RFC 5438 §8.1, §12.2: an IM stored for later delivery whose sender asked
   * for "processing" notifications gets one, with status "stored", sent back
   * like any MESSAGE (delivered, or stored for the sender) after the answer.
   * Only "processing": for "positive-delivery" an intermediary MUST NOT
   * report delivery (§12.2), and one IMDN per disposition type (§8.1), so a
   * stored IM gets no "processed" as well.
   */
  private notifyStored(req: SipRequest, aor: string): void {
    this.notify(req, aor, 'processing', { kind: 'processing', status: 'stored' });
  }

  /**
   * Sends an IMDN about `req` (an IM to `aor`) when its sender asked for
   * `disposition`, in the background; routed like any MESSAGE.
   */
  private notify(req: SipRequest, aor: string, disposition: string, what: ImdnStatus): void {
    const cpim = cpimOf(req);
    const want = cpim === undefined ? undefined : imdnRequest(cpim);
    if (want === undefined || !want.dispositions.has(disposition)) return;
    const n = imdnNotification(req, want, what, `sip:${aor}`, new Date());
    if (n === undefined || n.uri.kind !== 'sip' || n.uri.user === undefined) {
      this.notifications?.inc({ result: 'no_route' });
      return;
    }
    const to = addressOfRecord(n.uri);
    const p = this.route(n, to)
      .then((a) => {
        this.notifications?.inc({ result: a.result });
        if (a.result !== 'delivered' && a.result !== 'stored') this.d.log.info({ to, status: a.status }, 'IMDN not delivered');
      })
      .catch((err: unknown) => {
        this.notifications?.inc({ result: 'failed' });
        this.d.log.warn({ err, to }, 'IMDN failed');
      });
    this.background.add(p);
    void p.finally(() => this.background.delete(p));
  }

  /** Resolves when the notifications started so far are delivered or stored. */
  async idle(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
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
    // Every registration (refreshes included) lands here: look before taking the lease, most users have nothing stored.
    // Looking again after an emptied stream: a message stored while the lease was held, after the holder found the
    // stream empty, would otherwise wait for the next registration.
    while ((await this.d.store.count(aor)) > 0) {
      const r = await this.drainOnce(aor);
      total += r.delivered;
      if (!r.emptied) return total;
    }
    return total;
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
          // RFC 5438 §8.2, §12.2: the sender got 202 for it; "negative-delivery" asked → a "failed" delivery notification.
          this.notify(parsed.value, aor, 'negative-delivery', { kind: 'delivery', status: 'failed' });
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

/**
 * RFC 3994 §4 is-composing, also when wrapped in CPIM (RFC 3862): the routing
 * decision (never stored) needs the type of the encapsulated content.
 */
function isComposing(req: SipRequest): boolean {
  const type = contentTypeOf(req);
  if (type === IS_COMPOSING) return true;
  if (type !== 'message/cpim') return false;
  const cpim = cpimOf(req);
  return cpim !== undefined && (cpimMimeHeader(cpim, 'Content-type') ?? '').split(';')[0]?.trim().toLowerCase() === IS_COMPOSING;
}

function contentTypeOf(req: SipRequest): string | undefined {
  const ct = req.headers.typed(H.contentType);
  return ct.ok && ct.value !== undefined ? mediaTypeName(ct.value).toLowerCase() : undefined;
}
