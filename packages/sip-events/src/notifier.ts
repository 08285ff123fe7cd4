import { randomBytes } from 'node:crypto';
import type { ClockTimer } from '@simple/clock';
import type { InboundEnvelope } from '@simple/contracts';
import type { SipRequest } from '@simple/sip-message';
import type { Authorization, EventPackage, NotifyBody } from './event-package.js';
import { resolveNotifierOptions, type NotifierConfig, type NotifierOptions } from './notifier-options.js';
import { NotifySender, watcherContext, type Precomposed } from './notify-sender.js';
import { SendQueue } from './send-queue.js';
import { SipEventsError } from './sip-events-error.js';
import { SubscribeHandler, type Respond, type SubscribeOutcome } from './subscribe-handler.js';
import type { Subscription, TerminationReason } from './subscription.js';
import { SubscriptionStore } from './subscription-store.js';
import { SubscriptionSweeper, type SweepResult } from './subscription-sweeper.js';

/** What `notifyResource` did. */
export interface FanOutResult {
  /** Subscriptions to the resource. */
  readonly subscriptions: number;
  /** Active ones whose NOTIFY was queued. */
  readonly queued: number;
  /** Active ones owed in Redis instead, this replica's queue being full. */
  readonly deferred: number;
  /** Ones that get no NOTIFY for a state change (pending, or ending). */
  readonly skipped: number;
}

/**
 * The RFC 6665 notifier (§4.2), for any number of event packages: the
 * SUBSCRIBE handler, NOTIFY on state change, expiry, termination. Stateless
 * in memory: every subscription lives in Redis, so that any replica can
 * answer a refresh, send a NOTIFY or sweep an expiry, and a replica that dies
 * loses nothing (README.md).
 */
export class Notifier {
  /** This replica's id in Redis leases. */
  readonly owner = randomBytes(8).toString('hex');
  private readonly config: NotifierConfig;
  private readonly store: SubscriptionStore;
  private readonly sender: NotifySender;
  private readonly queue: SendQueue;
  private readonly sweeper: SubscriptionSweeper;
  private readonly subscribe: SubscribeHandler;
  private sweepTimer: ClockTimer | undefined;
  private started = false;

  constructor(options: NotifierOptions) {
    this.config = resolveNotifierOptions(options);
    this.store = new SubscriptionStore(this.config.redis);
    this.sender = new NotifySender(this.config, this.store, this.owner);
    this.queue = new SendQueue(this.config.concurrency, this.config.maxQueued, this.config.onError);
    this.sweeper = new SubscriptionSweeper(this.config, this.store, this.sender, this.queue, this.owner);
    this.subscribe = new SubscribeHandler(this.config, this.store, this.sender, (id, reason) => this.terminate(id, reason));
  }

  /** The event packages served, as `Allow-Events` lists them. */
  get allowEvents(): string[] {
    return [...this.config.packages.values()].map((p) => p.name);
  }

  /**
   * Handles a SUBSCRIBE the edge handed over: computes the response, passes it
   * to `respond` (which sends it back to the edge), and only then sends the
   * immediate NOTIFY (RFC 6665 §4.2.1.2) that a 200 promises. Resolves when
   * that NOTIFY's transaction has completed (or been left to another replica).
   */
  handleSubscribe(request: SipRequest, inbound: InboundEnvelope, respond: Respond): Promise<SubscribeOutcome> {
    return this.subscribe.handle(request, inbound, respond);
  }

  /**
   * The state of a resource changed (on any replica): NOTIFY every active
   * subscription to it (RFC 6665 §4.2.2: "When a change in the subscribed
   * state occurs, the notifier SHOULD immediately construct and send a NOTIFY
   * request"). Composes once per watcher class, queues the deliveries (bounded)
   * and returns without waiting for subscribers; a subscription whose NOTIFY
   * is already in flight on another replica gets the latest state from that
   * replica when its transaction completes.
   */
  async notifyResource(eventPackage: string, resource: string): Promise<FanOutResult> {
    const pkg = this.packageOf(eventPackage);
    const ids = await this.store.members(pkg.name, resource);
    const marks = await this.store.mark(ids);
    const byClass = new Map<string, Promise<NotifyBody | undefined>>();
    let queued = 0;
    let deferred = 0;
    let skipped = 0;
    const now = this.config.clock.now();
    for (const m of marks) {
      if (m.kind === 'missing') {
        this.sender.track(this.store.dropStale(pkg.name, resource, m.id));
        continue;
      }
      if (m.kind === 'inactive') {
        skipped++;
        continue;
      }
      // The body is composed after the mark, so it covers the change marked (README.md).
      const cls = pkg.watcherClass?.(m.subscription);
      let body: Promise<NotifyBody | undefined> | undefined;
      if (cls !== undefined) {
        body = byClass.get(cls);
        if (body === undefined) {
          body = pkg.compose(resource, watcherContext(m.subscription, m.subscription.version + 1, false));
          body.catch(() => undefined); // read (and retried) by each delivery
          byClass.set(cls, body);
        }
      }
      const pre: Precomposed | undefined = body === undefined ? undefined : { covers: m.wanted, body };
      if (this.queue.offer(() => this.sender.deliver(m.id, pkg.name, { precomposed: pre }))) queued++;
      else {
        deferred++;
        this.sender.track(this.store.defer(pkg.name, m.id, now + this.config.retryDelayMs));
      }
    }
    return { subscriptions: ids.length, queued, deferred, skipped };
  }

  /**
   * Authorization policy changed for a resource (RFC 6665 §4.2.1.3, RFC 3856
   * §6.7): asks the package again for each subscription and applies what
   * changed (see `setAuthorization`). Returns how many changed.
   */
  async reauthorize(eventPackage: string, resource: string): Promise<number> {
    const pkg = this.packageOf(eventPackage);
    let changed = 0;
    for (const id of await this.store.members(pkg.name, resource)) {
      const sub = await this.store.load(id);
      if (sub === undefined || sub.state === 'terminated') continue;
      const decision = await pkg.authorize({
        eventPackage: pkg.name,
        resource: sub.resource,
        watcher: sub.watcher,
        watcherUri: sub.watcherUri,
        identity: sub.identity,
        subscriptionId: sub.id,
        request: undefined,
      });
      if (await this.applyAuthorization(sub, decision)) changed++;
    }
    return changed;
  }

  /**
   * A new decision for one subscription:
   * - pending → active / polite-block: the state goes out at once, exempt from
   *   rate control (RFC 3856 §6.7 "a NOTIFY SHOULD be sent and SHOULD contain
   *   ... the current state"; RFC 6446 §5.2);
   * - rejected: "sending a NOTIFY request containing a "Subscription-State"
   *   header field with a value of "terminated" and a reason parameter of
   *   "rejected"" (RFC 6665 §4.2.1.3);
   * - active ↔ polite-block: a NOTIFY with what the watcher may now see;
   * - back to pending: ignored (§4.2.2's state machine has no such move).
   * Returns whether anything changed.
   */
  async setAuthorization(id: string, decision: Authorization): Promise<boolean> {
    const sub = await this.store.load(id);
    if (sub === undefined || sub.state === 'terminated') return false;
    return this.applyAuthorization(sub, decision);
  }

  /**
   * Ends a subscription with a final NOTIFY `terminated;reason=<reason>`
   * (RFC 6665 §4.2.2, §4.1.3: deactivated, probation, rejected, timeout,
   * giveup, noresource, invariant...). `retryAfter` is sent where §4.1.3 gives
   * it meaning; `invariant` gets one year by default. Resolves after the final
   * NOTIFY's transaction; false when there was no such live subscription.
   */
  async terminate(id: string, reason: TerminationReason, options: { readonly retryAfter?: number } = {}): Promise<boolean> {
    const sub = await this.store.load(id);
    if (sub === undefined) return false;
    const r = await this.store.update(id, {
      fields: [['state', 'terminated'], ['reason', reason], ['retryAfter', options.retryAfter === undefined ? '' : String(options.retryAfter)]],
      urgent: true,
    });
    if (r.kind !== 'ok') return false;
    await this.sender.deliver(id, sub.eventPackage);
    return true;
  }

  /** Ends every subscription to a resource (e.g. `noresource` when it is gone, `deactivated` to migrate). */
  async terminateResource(eventPackage: string, resource: string, reason: TerminationReason, options: { readonly retryAfter?: number } = {}): Promise<number> {
    const pkg = this.packageOf(eventPackage);
    const ids = await this.store.members(pkg.name, resource);
    const done = await Promise.all(ids.map((id) => this.terminate(id, reason, options)));
    return done.filter(Boolean).length;
  }

  async subscription(id: string): Promise<Subscription | undefined> {
    return this.store.load(id);
  }

  /** The live subscriptions of one package to one resource. */
  async subscriptions(eventPackage: string, resource: string): Promise<Subscription[]> {
    const pkg = this.packageOf(eventPackage);
    const subs = await Promise.all((await this.store.members(pkg.name, resource)).map((id) => this.store.load(id)));
    return subs.filter((s): s is Subscription => s !== undefined);
  }

  /** One sweep of expiries and deferred NOTIFYs (what `start` runs every `sweepIntervalMs`). */
  sweep(): Promise<SweepResult> {
    return this.sweeper.tick();
  }

  /** Starts sweeping on the configured clock. */
  start(): void {
    if (this.started) return;
    this.started = true;
    const loop = (): void => {
      this.sweepTimer = this.config.clock.setTimeout(() => {
        this.sender.track(this.sweeper.tick().finally(() => this.started && loop()));
      }, this.config.sweepIntervalMs);
    };
    loop();
  }

  /** Stops sweeping and local timers, gives the sweep leases up, and waits for deliveries under way. */
  async stop(): Promise<void> {
    this.started = false;
    if (this.sweepTimer !== undefined) this.config.clock.clearTimeout(this.sweepTimer);
    await this.idle();
    this.sender.stop();
    await this.sweeper.release();
  }

  /** Resolves when this replica has no delivery running or queued and no hook pending. */
  async idle(): Promise<void> {
    while (this.queue.size > 0 || this.sender.busy) {
      await this.queue.idle();
      await this.sender.idle();
    }
  }

  /** NOTIFY deliveries running or queued here. */
  get inFlight(): number {
    return this.queue.size;
  }

  private packageOf(name: string): EventPackage {
    const pkg = this.config.packages.get(name.toLowerCase());
    if (pkg === undefined) throw new SipEventsError('unknown-package', `no event package "${name}" here`);
    return pkg;
  }

  private async applyAuthorization(sub: Subscription, decision: Authorization): Promise<boolean> {
    if (decision === 'rejected') return this.terminate(sub.id, 'rejected');
    const to = decision === 'pending' ? sub.authorization : decision;
    if (to === sub.authorization) return false;
    const r = await this.store.update(sub.id, {
      fields: [['authorization', to], ['state', 'active']],
      urgent: sub.authorization === 'pending',
      guard: { kind: 'authorization', value: sub.authorization },
    });
    if (r.kind !== 'ok') return false;
    this.sender.announce({ ...sub, authorization: to, state: 'active' }, { kind: 'authorization', from: sub.authorization, to });
    await this.sender.deliver(sub.id, sub.eventPackage);
    return true;
  }
}
