import type { ClockTimer } from '@simple/clock';
import type { EventPackage, NotifyBody, SubscriptionChange, WatcherContext } from './event-package.js';
import { notifyVerdict, type NotifyVerdict } from './notify-failure.js';
import { buildNotify } from './notify-request.js';
import type { NotifierConfig } from './notifier-options.js';
import { SipEventsError } from './sip-events-error.js';
import type { Subscription } from './subscription.js';
import { formatSubscriptionStateHeader } from './subscription-state-header.js';
import type { BeginResult, EndOutcome, SubscriptionStore } from './subscription-store.js';
import type { NotifyOutcome } from './notify-transport.js';

/** A body composed before the lease was taken (fan-out), and the change (`wanted` value) it covers. */
export interface Precomposed {
  readonly covers: number;
  readonly body: Promise<NotifyBody | undefined>;
}

/** How a delivery run ended. */
export interface DeliveryResult {
  /** NOTIFYs sent in this run. */
  readonly sent: number;
  /** The verdict on the last one sent. */
  readonly lastVerdict: NotifyVerdict | undefined;
  readonly end: 'idle' | 'busy' | 'throttled' | 'removed' | 'gone' | 'retry' | 'lost';
}

/**
 * Sends what a subscription is owed, in order (README.md, "NOTIFY order"): it
 * takes the subscription's sender lease, allocates CSeq and version, composes
 * the latest state, sends, waits for the final response, records what that
 * NOTIFY covered, and goes round again while changes came meanwhile. Another
 * replica that finds the lease taken leaves its change to the holder.
 */
export class NotifySender {
  private readonly timers = new Map<string, ClockTimer>();
  private readonly tracked = new Set<Promise<unknown>>();
  private runs = 0;
  private stopped = false;

  constructor(
    private readonly config: NotifierConfig,
    private readonly store: SubscriptionStore,
    /** This replica's id; lease tokens start with it. */
    private readonly owner: string,
  ) {}

  /**
   * A fresh lease token. Each delivery run holds the lease under its own token,
   * not the replica's: two runs for one subscription on one replica must
   * exclude each other as much as runs on two replicas do.
   */
  newToken(): string {
    this.runs = (this.runs + 1) % Number.MAX_SAFE_INTEGER;
    return `${this.owner}:${this.runs.toString(36)}`;
  }

  /**
   * Runs deliveries for one subscription until nothing is owed or another run
   * holds the lease. `heldToken`: the lease was taken already under that token
   * (the SUBSCRIBE handler takes it when it stores the subscription).
   */
  async deliver(id: string, eventPackage: string, options: { readonly precomposed?: Precomposed; readonly heldToken?: string } = {}): Promise<DeliveryResult> {
    const c = this.config;
    const token = options.heldToken ?? this.newToken();
    if (!c.packages.has(eventPackage.toLowerCase())) throw new SipEventsError('unknown-package', `no event package "${eventPackage}" here`);
    let sent = 0;
    let lastVerdict: NotifyVerdict | undefined;
    let pre = options.precomposed;
    for (;;) {
      const now = c.clock.now();
      const b = await this.store.begin(id, token, c.senderLeaseMs, now, pre?.covers);
      const body = pre?.body;
      pre = undefined;
      if (b.kind === 'busy') {
        // The holder sends what is owed when its NOTIFY completes; should it die
        // meanwhile, this entry makes a sweeper look again once its lease has run out.
        await this.store.defer(eventPackage, id, now + b.leaseLeftMs + 100);
        return { sent, lastVerdict, end: 'busy' };
      }
      if (b.kind === 'throttled') {
        await this.store.defer(eventPackage, id, b.dueAt);
        this.wakeAt(eventPackage, id, b.dueAt);
        return { sent, lastVerdict, end: 'throttled' };
      }
      if (b.kind !== 'go') return { sent, lastVerdict, end: b.kind };

      const sub = b.subscription;
      const terminal = sub.state === 'terminated';
      const attempt = await this.attempt(b, b.precomposed ? body : undefined);
      const outcome = attempt.outcome;
      if (attempt.verdict !== undefined) {
        sent++;
        lastVerdict = attempt.verdict;
      }
      const e = await this.store.end(id, token, c.senderLeaseMs, c.clock.now(), outcome, terminal && outcome !== 'retry' && outcome !== 'skipped');
      switch (e) {
        case 'again':
          continue;
        case 'removed': {
          await this.store.unindex(sub);
          const change: SubscriptionChange = { kind: 'terminated', reason: terminal ? (sub.termination?.reason ?? 'timeout') : 'notify-failed' };
          this.announce(sub, change);
          return { sent, lastVerdict, end: 'removed' };
        }
        case 'retry': {
          const at = c.clock.now() + c.retryDelayMs;
          await this.store.defer(eventPackage, id, at);
          this.wakeAt(eventPackage, id, at);
          return { sent, lastVerdict, end: 'retry' };
        }
        case 'lost':
          c.onError(new SipEventsError('lease-lost', `sender lease of subscription ${id} ran out during a NOTIFY transaction; raise senderLeaseMs above the transport timeout`));
          return { sent, lastVerdict, end: 'lost' };
        default:
          return { sent, lastVerdict, end: e };
      }
    }
  }

  /**
   * One NOTIFY under the lease: compose (unless a body composed in advance is
   * current), filter, build, send, and read the outcome. Nothing here throws:
   * a failure becomes an outcome that END records.
   */
  private async attempt(b: Extract<BeginResult, { kind: 'go' }>, precomposed: Promise<NotifyBody | undefined> | undefined): Promise<{ outcome: EndOutcome; verdict?: NotifyVerdict }> {
    const c = this.config;
    const sub = b.subscription;
    const pkg = c.packages.get(sub.eventPackage.toLowerCase());
    const terminal = sub.state === 'terminated';
    const ctx = watcherContext(sub, b.version, b.mandatory);
    let body: NotifyBody | undefined;
    // A subscription refused after the fact learns nothing of the resource (RFC 6665 §4.2.1.3, RFC 3856 §6.7).
    if (pkg !== undefined && !(terminal && sub.termination?.reason === 'rejected')) {
      const composed = await this.compose(pkg, sub, ctx, precomposed);
      // No state to send (a package hook failed): give the CSeq back and try later.
      // A final NOTIFY goes out anyway, without state.
      if (!composed.ok && !terminal) return { outcome: 'retry' };
      body = composed.ok ? composed.body : undefined;
      if (pkg.filter !== undefined && composed.ok) {
        const filtered = await this.filter(pkg, body, ctx);
        if (filtered === 'skip') {
          if (!b.mandatory) return { outcome: 'skipped' };
        } else {
          body = filtered;
        }
      }
    }
    let request;
    try {
      request = buildNotify(sub, { cseq: b.cseq, subscriptionState: this.subscriptionState(sub, c.clock.now()), body, maxForwards: c.maxForwards });
    } catch (err) {
      // A stored dialog that cannot make a request (cannot happen with records this package wrote).
      c.onError(err);
      return { outcome: terminal ? 'terminate' : 'skipped' };
    }
    let result: NotifyOutcome;
    try {
      result = await c.transport.send(request, sub.flow);
    } catch (err) {
      result = { kind: 'error', detail: err instanceof Error ? err.message : String(err) };
    }
    const read = notifyVerdict(result);
    const verdict = read === 'failed' && pkg?.endOnFailedNotify === true ? 'terminate' : read;
    if (verdict === 'delivered' && body?.delivered !== undefined) {
      // Under the lease still: the next compose of this subscription sees what the subscriber has.
      await body.delivered().catch(c.onError);
    }
    return { outcome: verdict === 'delivered' ? 'delivered' : verdict, verdict };
  }

  /** Claims a deferred entry and delivers it (a rate-control interval ended, a retry is due). */
  async deliverDeferred(id: string, eventPackage: string): Promise<DeliveryResult | undefined> {
    if (!(await this.store.claimDeferred(eventPackage, id))) return undefined;
    return this.deliver(id, eventPackage);
  }

  /** Tells the package of a change, without holding up the SIP exchange. */
  announce(sub: Subscription, change: SubscriptionChange): void {
    const pkg = this.config.packages.get(sub.eventPackage.toLowerCase());
    const hook = pkg?.onSubscriptionChange;
    if (pkg === undefined || hook === undefined) return;
    this.track(Promise.resolve().then(() => hook.call(pkg, sub, change)));
  }

  /** Keeps a background task so that `idle()` can wait for it; its failure goes to `onError`. */
  track(p: Promise<unknown>): void {
    const t = p.catch(this.config.onError).finally(() => this.tracked.delete(t));
    this.tracked.add(t);
  }

  /** Resolves when no background task (a hook, a timer's delivery) runs. */
  async idle(): Promise<void> {
    while (this.tracked.size > 0) await Promise.all([...this.tracked]);
  }

  /** Whether a background task runs. */
  get busy(): boolean {
    return this.tracked.size > 0;
  }

  /** Local timers pending (rate control, retries). */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Clears the local timers and sets no more: what they would have done is owed in Redis, for the sweepers. */
  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) this.config.clock.clearTimeout(t);
    this.timers.clear();
  }

  /**
   * Wakes this replica when a deferred NOTIFY falls due, so that it goes out
   * on time; the sweeper is the fallback should this replica die first.
   */
  private wakeAt(eventPackage: string, id: string, at: number): void {
    const key = `${eventPackage}\u0000${id}`;
    if (this.stopped || this.timers.has(key)) return;
    const c = this.config;
    const timer = c.clock.setTimeout(() => {
      this.timers.delete(key);
      this.track(this.deliverDeferred(id, eventPackage));
    }, Math.max(0, at - c.clock.now()));
    this.timers.set(key, timer);
  }

  private async compose(pkg: EventPackage, sub: Subscription, ctx: WatcherContext, precomposed: Promise<NotifyBody | undefined> | undefined): Promise<{ ok: true; body: NotifyBody | undefined } | { ok: false }> {
    if (precomposed !== undefined) {
      try {
        return { ok: true, body: await precomposed };
      } catch {
        // The shared compose failed; try once more for this watcher alone.
      }
    }
    try {
      return { ok: true, body: await pkg.compose(sub.resource, ctx) };
    } catch (err) {
      this.config.onError(new SipEventsError('compose', `compose failed for ${sub.eventPackage} ${sub.resource}`, { cause: err }));
      return { ok: false };
    }
  }

  private async filter(pkg: EventPackage, body: NotifyBody | undefined, ctx: WatcherContext): Promise<NotifyBody | undefined | 'skip'> {
    try {
      return (await pkg.filter?.(body, ctx)) ?? undefined;
    } catch (err) {
      this.config.onError(new SipEventsError('compose', `filter failed for ${ctx.subscription.eventPackage} ${ctx.subscription.resource}`, { cause: err }));
      return body;
    }
  }

  private subscriptionState(sub: Subscription, now: number): string {
    if (sub.state === 'terminated') {
      // RFC 6665 §4.2.1.4: expiry and unsubscription end with reason=timeout.
      return formatSubscriptionStateHeader({ state: 'terminated', reason: sub.termination?.reason ?? 'timeout', retryAfter: sub.termination?.retryAfter });
    }
    return formatSubscriptionStateHeader({
      state: sub.state,
      expires: (sub.expiresAt - now) / 1000,
      maxRateIntervalMs: this.config.rateControl.honorMaxRate ? sub.minIntervalMs : undefined,
    });
  }
}

/** What `compose` and `filter` see for one NOTIFY. */
export function watcherContext(sub: Subscription, version: number, mandatory: boolean): WatcherContext {
  return {
    subscription: sub,
    contentType: sub.contentType,
    authorization: sub.authorization,
    state: sub.state,
    reason: sub.state === 'terminated' ? (sub.termination?.reason ?? 'timeout') : undefined,
    version,
    mandatory,
  };
}
