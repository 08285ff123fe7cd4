import type { InboundEnvelope } from '@simple/contracts';
import { H, SipUri, createResponse, newTag, type EventHeader, type SipRequest, type SipResponse, type Uri } from '@simple/sip-message';
import { negotiateContentType } from './accept-negotiation.js';
import { dialogId } from './dialog-id.js';
import type { Authorization, AuthorizationRequest, EventPackage } from './event-package.js';
import { grantExpiry } from './expiry-policy.js';
import { notifyVerdict } from './notify-failure.js';
import { buildNotify } from './notify-request.js';
import type { NotifierConfig } from './notifier-options.js';
import { watcherContext, type DeliveryResult, type NotifySender } from './notify-sender.js';
import { minNotifyInterval, parseMaxRate } from './rate-control.js';
import { eventParamsOf, type Subscription } from './subscription.js';
import { formatSubscriptionStateHeader } from './subscription-state-header.js';
import type { SubscriptionStore } from './subscription-store.js';

/** What became of one SUBSCRIBE. */
export interface SubscribeOutcome {
  /** The status answered. */
  readonly status: number;
  readonly kind: 'rejected' | 'created' | 'fetched' | 'refreshed' | 'unsubscribed';
  readonly subscriptionId: string | undefined;
  /** The immediate NOTIFY (RFC 6665 §4.2.1.2), when there was one. */
  readonly delivery: DeliveryResult | undefined;
}

/** Sends the response on its way (to the edge, over NATS); the NOTIFY follows only after it returns. */
export type Respond = (response: SipResponse) => void | Promise<void>;

type Header = readonly [string, string];

/** The one computed result of the pipeline, answered at its one exit. */
type Decision =
  | { readonly kind: 'reject'; readonly status: number; readonly reason?: string; readonly headers?: readonly Header[] }
  | { readonly kind: 'created'; readonly sub: Subscription; readonly expires: number; readonly headers: readonly Header[]; readonly token: string }
  | { readonly kind: 'fetch'; readonly sub: Subscription; readonly headers: readonly Header[] }
  | {
      readonly kind: 'refreshed' | 'unsubscribed';
      readonly sub: Subscription;
      readonly expires: number;
      readonly from: Authorization;
      readonly headers: readonly Header[];
    }
  /** A refresh whose watcher is no longer authorized: refused, then ended with reason=rejected. */
  | { readonly kind: 'refresh-refused'; readonly sub: Subscription; readonly status: number };

const reject = (status: number, reason?: string, headers?: readonly Header[]): Decision => ({ kind: 'reject', status, reason, headers });

/**
 * The SUBSCRIBE pipeline (STYLE.md habit 7): each step passes the request on
 * or decides one status; nothing is stored before every check has passed;
 * the response goes out at one exit, and the NOTIFY only after it.
 *
 * Initial: method → Event (489) → Contact, Record-Route → resource (404) →
 * body (415) → Accept (406) → Expires (423) → authorize (403/603) → persist →
 * 200 → NOTIFY. Refresh: method → Event (489) → dialog (481, 403 for a second
 * subscription in the dialog) → CSeq (500) → Contact → Accept (406) → Expires
 * (423; 0 unsubscribes) → authorize → persist → 200 → NOTIFY.
 */
export class SubscribeHandler {
  constructor(
    private readonly config: NotifierConfig,
    private readonly store: SubscriptionStore,
    private readonly sender: NotifySender,
    private readonly terminate: (id: string, reason: 'rejected') => Promise<boolean>,
  ) {}

  async handle(request: SipRequest, inbound: InboundEnvelope, respond: Respond): Promise<SubscribeOutcome> {
    let decision: Decision;
    try {
      decision = await this.decide(request, inbound);
    } catch (err) {
      this.config.onError(err);
      decision = reject(503, undefined, [['Retry-After', String(this.config.retryAfterSeconds)]]);
    }
    const response = this.respondTo(request, decision);
    try {
      await respond(response);
    } catch (err) {
      // The 200 never left: the subscriber will not expect our NOTIFYs.
      if (decision.kind === 'created') await this.store.discard(decision.sub).catch(this.config.onError);
      throw err;
    }
    return this.follow(decision, response.status);
  }

  /** The one exit: the response for a decision. */
  private respondTo(request: SipRequest, d: Decision): SipResponse {
    switch (d.kind) {
      case 'reject':
        return createResponse(request, d.status, { reason: d.reason, headers: d.headers });
      case 'refresh-refused':
        return createResponse(request, d.status);
      case 'created':
      case 'fetch':
        // RFC 3261 §12.1.1: our tag in To, a Contact, the Record-Route copied in order.
        return createResponse(request, 200, { toTag: d.sub.dialog.localTag, headers: d.headers });
      default:
        return createResponse(request, 200, { headers: d.headers });
    }
  }

  /** After the response: the NOTIFY it promises (RFC 6665 §4.2.1.2), and the package's hook. */
  private async follow(d: Decision, status: number): Promise<SubscribeOutcome> {
    switch (d.kind) {
      case 'reject':
        return { status, kind: 'rejected', subscriptionId: undefined, delivery: undefined };
      case 'refresh-refused':
        await this.terminate(d.sub.id, 'rejected');
        return { status, kind: 'rejected', subscriptionId: d.sub.id, delivery: undefined };
      case 'fetch':
        return { status, kind: 'fetched', subscriptionId: undefined, delivery: await this.sendFetch(d.sub) };
      case 'created': {
        this.sender.announce(d.sub, { kind: 'created' });
        const delivery = await this.sender.deliver(d.sub.id, d.sub.eventPackage, { heldToken: d.token });
        return { status, kind: 'created', subscriptionId: d.sub.id, delivery };
      }
      default: {
        if (d.kind === 'refreshed') {
          this.sender.announce(d.sub, { kind: 'refreshed' });
          if (d.from !== d.sub.authorization) this.sender.announce(d.sub, { kind: 'authorization', from: d.from, to: d.sub.authorization });
        }
        const delivery = await this.sender.deliver(d.sub.id, d.sub.eventPackage);
        return { status, kind: d.kind, subscriptionId: d.sub.id, delivery };
      }
    }
  }

  private async decide(req: SipRequest, inbound: InboundEnvelope): Promise<Decision> {
    const c = this.config;
    if (req.method !== 'SUBSCRIBE') return reject(405, undefined, [['Allow', 'SUBSCRIBE']]);

    // RFC 6665 §4.2.1.1: "The notifier SHOULD check that the event package
    // specified in the "Event" header field is understood. If not, the notifier
    // SHOULD return a 489 (Bad Event) response"; §4.2.3: the same for a
    // SUBSCRIBE with no Event at all (no PINT here).
    const allowEvents: Header = ['Allow-Events', [...c.packages.values()].map((p) => p.name).join(', ')];
    const ev = req.headers.typed(H.event);
    if (!ev.ok) return reject(400, ev.error.reason);
    if (ev.value === undefined) return reject(489, 'Bad Event (no Event header)', [allowEvents]);
    const pkg = c.packages.get(ev.value.type);
    if (pkg === undefined) return reject(489, undefined, [allowEvents]);

    const toTag = req.to.tag;
    return toTag === undefined ? this.decideInitial(req, inbound, pkg, ev.value, allowEvents) : this.decideRefresh(req, inbound, pkg, ev.value, toTag);
  }

  private async decideInitial(req: SipRequest, inbound: InboundEnvelope, pkg: EventPackage, ev: EventHeader, allowEvents: Header): Promise<Decision> {
    const c = this.config;
    // RFC 3261 §12.1.1: the remote target is the Contact; the route set, the Record-Route in order.
    const contact = req.headers.typed(H.contact);
    if (!contact.ok) return reject(400, contact.error.reason);
    if (contact.value === undefined || contact.value.star || contact.value.contacts.length !== 1) {
      return reject(400, 'Bad Request (a SUBSCRIBE needs exactly one Contact)');
    }
    const remoteTarget = contact.value.contacts[0]?.uri;
    const rr = req.headers.typed(H.recordRoute);
    if (!rr.ok) return reject(400, rr.error.reason);
    const routeSet = (rr.value ?? []).map((r) => r.uri.toString());

    const resource = pkg.resolveResource !== undefined ? pkg.resolveResource(req, inbound) : defaultResource(req.uri);
    if (resource === undefined || remoteTarget === undefined) return reject(404);

    const bodyCheck = this.checkBody(req, pkg);
    if (bodyCheck !== undefined) return bodyCheck;

    const accepted = negotiateContentType(pkg.contentTypes, req);
    if (!accepted.ok) return accepted.status === 406 ? reject(406, undefined, [['Accept', pkg.contentTypes.join(', ')]]) : reject(400, accepted.reason);

    const expiresHeader = req.headers.typed(H.expires);
    if (!expiresHeader.ok) return reject(400, expiresHeader.error.reason);
    const granted = grantExpiry(expiresHeader.value, pkg);
    if (granted.kind === 'too-brief') return reject(423, undefined, [['Min-Expires', String(granted.minExpires)]]);

    const watcherUri = req.from.uri;
    const watcher = inbound.identity ?? defaultResource(watcherUri) ?? watcherUri.toString();
    const decision = await pkg.authorize(authorizationRequest(pkg, resource, watcher, watcherUri, inbound, undefined, req));
    // RFC 6665 §4.2.1.3: "the notifier SHOULD reply to the request with a 403 (Forbidden) or 603 (Decline)".
    if (decision === 'rejected') return reject(pkg.rejectStatus ?? 403);

    const now = c.clock.now();
    const localTag = newTag();
    const maxRate = parseMaxRate(ev.params.get('max-rate'));
    const contactUri = localContact(req, pkg, routeSet);
    const from = req.from;
    const sub: Subscription = {
      id: dialogId(req.callId, localTag, from.tag),
      eventPackage: pkg.name,
      eventId: ev.id,
      resource,
      resourceUri: req.uri.toString(),
      watcher,
      watcherUri: watcherUri.toString(),
      identity: inbound.identity,
      dialog: {
        callId: req.callId,
        localTag,
        remoteTag: from.tag,
        localUri: withTag(req.headers.get('to') ?? '', localTag),
        remoteUri: req.headers.get('from') ?? '',
        remoteTarget: remoteTarget.toString(),
        routeSet,
        remoteCseq: req.cseq.seq,
        localCseq: 0,
        contact: contactUri,
      },
      flow: inbound.flow,
      contentType: accepted.contentType ?? pkg.contentTypes[0] ?? '',
      accept: accepted.accept,
      expiresAt: now + granted.seconds * 1000,
      // RFC 6665 §8.3.1: 200, never 202, whatever the decision; the NOTIFY says pending.
      state: decision === 'pending' ? 'pending' : 'active',
      authorization: decision,
      termination: undefined,
      maxRate,
      minIntervalMs: minNotifyInterval(c.rateControl, maxRate, granted.seconds),
      eventParams: eventParamsOf(ev.params.entries()),
      subscribeBody: req.body.length > 0 ? { contentType: req.contentType ?? '', body: req.body } : undefined,
      createdAt: now,
      version: -1,
    };
    const headers: Header[] = [
      ['Expires', String(granted.seconds)],
      ['Contact', `<${contactUri}>`],
      ...req.headers.getAll('record-route').map((v): Header => ['Record-Route', v]),
      // RFC 6665 §4.4.4: Allow-Events in responses that initiate dialogs.
      allowEvents,
    ];
    // RFC 6665 §4.4.3: Expires 0 is a fetch: one NOTIFY, terminated;reason=timeout.
    // Nothing else will ever know this dialog, so nothing is stored.
    if (granted.seconds === 0) return { kind: 'fetch', sub: { ...sub, state: 'terminated', termination: { reason: 'timeout', retryAfter: undefined } }, headers };

    // Persist, holding the sender lease: no NOTIFY of this subscription
    // (from a state change racing us) can leave before the 200 has.
    const ttl = granted.seconds * 1000 + c.recordGraceMs;
    const token = this.sender.newToken();
    if (!(await this.store.create(sub, token, c.senderLeaseMs, ttl))) return reject(500, 'Server Internal Error (dialog exists)');
    try {
      await this.store.index(sub);
    } catch (err) {
      await this.store.discard(sub).catch(() => undefined);
      throw err;
    }
    return { kind: 'created', sub, expires: granted.seconds, headers, token };
  }

  private async decideRefresh(req: SipRequest, inbound: InboundEnvelope, pkg: EventPackage, ev: EventHeader, toTag: string): Promise<Decision> {
    const c = this.config;
    const id = dialogId(req.callId, toTag, req.from.tag);
    const sub = await this.store.load(id);
    // RFC 6665 §4.1.2.2 / RFC 3265 §3.1.4.2: a refresh of a subscription we do not have is answered 481.
    if (sub === undefined || sub.state === 'terminated') return reject(481, 'Subscription Does Not Exist');
    // RFC 6665 §4.5.2: a new subscription in an existing dialog (dialog reuse)
    // "MAY" be refused with 403, whose text "SHOULD indicate that dialog
    // sharing is not supported". RFC 8.2.1 matching: event-type and id, byte by byte.
    if (sub.eventPackage !== pkg.name || sub.eventId !== ev.id) return reject(403, 'Forbidden (dialog sharing not supported)');
    // RFC 3261 §12.2.2: a lower CSeq than the last one is out of order.
    if (req.cseq.seq <= sub.dialog.remoteCseq) return reject(500, 'Server Internal Error (out-of-order SUBSCRIBE)');

    // SUBSCRIBE is a target refresh request (RFC 6665 §3.1): a Contact replaces the remote target.
    const contact = req.headers.typed(H.contact);
    if (!contact.ok) return reject(400, contact.error.reason);
    let remoteTarget = sub.dialog.remoteTarget;
    if (contact.value !== undefined) {
      if (contact.value.star || contact.value.contacts.length !== 1) return reject(400, 'Bad Request (one Contact expected)');
      remoteTarget = contact.value.contacts[0]?.uri.toString() ?? remoteTarget;
    }

    const bodyCheck = this.checkBody(req, pkg);
    if (bodyCheck !== undefined) return bodyCheck;

    // No Accept in a refresh keeps the type already negotiated.
    const accepted = negotiateContentType(pkg.contentTypes, req);
    if (!accepted.ok) return accepted.status === 406 ? reject(406, undefined, [['Accept', pkg.contentTypes.join(', ')]]) : reject(400, accepted.reason);

    const expiresHeader = req.headers.typed(H.expires);
    if (!expiresHeader.ok) return reject(400, expiresHeader.error.reason);
    // RFC 6665 §4.2.1.4: "If the duration specified in a SUBSCRIBE request is
    // unacceptably short, the notifier SHOULD respond with a 423".
    const granted = grantExpiry(expiresHeader.value, pkg);
    if (granted.kind === 'too-brief') return reject(423, undefined, [['Min-Expires', String(granted.minExpires)]]);

    const now = c.clock.now();
    const headers: Header[] = [['Expires', String(granted.seconds)], ['Contact', `<${sub.dialog.contact}>`]];
    const common: Array<[string, string]> = [
      ['remoteCseq', String(req.cseq.seq)],
      ['remoteTarget', remoteTarget],
      ['flow', JSON.stringify(inbound.flow)],
    ];
    if (granted.seconds === 0) {
      // RFC 6665 §4.2.1.4: unsubscribing ends like an expiry: a final NOTIFY,
      // terminated;reason=timeout; it may carry state (§4.1.2.3).
      const r = await this.store.update(id, {
        fields: [...common, ['state', 'terminated'], ['reason', 'timeout'], ['retryAfter', '']],
        urgent: true,
        guard: { kind: 'cseq', value: req.cseq.seq },
      });
      if (r.kind !== 'ok') return r.kind === 'stale' ? reject(500, 'Server Internal Error (out-of-order SUBSCRIBE)') : reject(481, 'Subscription Does Not Exist');
      return { kind: 'unsubscribed', sub, expires: 0, from: sub.authorization, headers };
    }

    // RFC 6665 §4.2.1.4: "assuming that the subscriber is still authorized".
    const decision = await pkg.authorize(authorizationRequest(pkg, sub.resource, sub.watcher, req.from.uri, inbound, sub.id, req));
    if (decision === 'rejected') return { kind: 'refresh-refused', sub, status: pkg.rejectStatus ?? 403 };
    // RFC 6665 §4.2.2's state machine has no way back from active to pending.
    const authorization = decision === 'pending' && sub.authorization !== 'pending' ? sub.authorization : decision;
    const maxRate = parseMaxRate(ev.params.get('max-rate'));
    const expiresAt = now + granted.seconds * 1000;
    const contentType = accepted.contentType ?? sub.contentType;
    const eventParams = eventParamsOf(ev.params.entries());
    // RFC 5875 §4.4: a refresh may carry a new body (the list it watches), which replaces the old one.
    const subscribeBody = req.body.length > 0 ? { contentType: req.contentType ?? '', body: req.body } : sub.subscribeBody;
    const r = await this.store.update(id, {
      fields: [
        ...common,
        ['expiresAt', String(expiresAt)],
        ['contentType', contentType],
        ['accept', JSON.stringify(accepted.contentType === undefined ? sub.accept : accepted.accept)],
        ['authorization', authorization],
        ['state', authorization === 'pending' ? 'pending' : 'active'],
        ['maxRate', maxRate === undefined ? '' : String(maxRate)],
        ['intervalMs', String(minNotifyInterval(c.rateControl, maxRate, granted.seconds))],
        ['eventParams', JSON.stringify(eventParams)],
        ...(req.body.length > 0
          ? ([
              ['bodyType', req.contentType ?? ''],
              ['body', req.body.toString('base64')],
            ] as Array<[string, string]>)
          : []),
      ],
      // RFC 6446 §5.2: the NOTIFY upon a SUBSCRIBE is exempt from rate control.
      urgent: true,
      ttlMs: granted.seconds * 1000 + c.recordGraceMs,
      guard: { kind: 'cseq', value: req.cseq.seq },
    });
    if (r.kind !== 'ok') return r.kind === 'stale' ? reject(500, 'Server Internal Error (out-of-order SUBSCRIBE)') : reject(481, 'Subscription Does Not Exist');
    await this.store.reschedule(sub, expiresAt);
    const updated: Subscription = { ...sub, expiresAt, contentType, authorization, state: authorization === 'pending' ? 'pending' : 'active', maxRate, eventParams, subscribeBody };
    return { kind: 'refreshed', sub: updated, expires: granted.seconds, from: sub.authorization, headers };
  }

  /**
   * RFC 3261 §8.2.3: a body of a type the UAS does not understand is refused
   * with 415 and an Accept listing what it does. A package that takes no
   * bodies (most: RFC 3856 §6.3 "Subscriptions will normally not contain
   * bodies") lists none.
   */
  private checkBody(req: SipRequest, pkg: EventPackage): Decision | undefined {
    if (req.body.length === 0) return undefined;
    const types = pkg.subscribeBodyTypes ?? [];
    const ct = req.contentType;
    if (ct === undefined || !types.includes(ct)) return reject(415, undefined, [['Accept', types.join(', ')]]);
    const defect = pkg.checkSubscribeBody?.(req.body, ct);
    return defect === undefined ? undefined : reject(400, `Bad Request (${defect})`);
  }

  /** RFC 6665 §4.4.3: the one NOTIFY of a fetch, in the dialog the 200 made; CSeq 1, version 0. */
  private async sendFetch(sub: Subscription): Promise<DeliveryResult> {
    const pkg = this.config.packages.get(sub.eventPackage.toLowerCase());
    let body;
    try {
      body = await pkg?.compose(sub.resource, watcherContext(sub, 0, true));
    } catch (err) {
      this.config.onError(err);
    }
    const request = buildNotify(sub, {
      cseq: 1,
      subscriptionState: formatSubscriptionStateHeader({ state: 'terminated', reason: 'timeout' }),
      body,
      maxForwards: this.config.maxForwards,
    });
    const verdict = notifyVerdict(await this.config.transport.send(request, sub.flow));
    return { sent: 1, lastVerdict: verdict, end: 'removed' };
  }
}

function authorizationRequest(pkg: EventPackage, resource: string, watcher: string, watcherUri: Uri, inbound: InboundEnvelope, subscriptionId: string | undefined, request: SipRequest | undefined): AuthorizationRequest {
  return { eventPackage: pkg.name, resource, watcher, watcherUri: watcherUri.toString(), identity: inbound.identity, subscriptionId, request };
}

/** The resource a URI names by default: `user@host` (lower-case host) for sip/sips, the number for tel. */
export function defaultResource(uri: Uri): string | undefined {
  if (uri.kind === 'sip') return uri.aor;
  if (uri.kind === 'tel') return uri.number;
  return undefined;
}

/** A header value with a tag parameter added (the To of a SUBSCRIBE, as the From of our NOTIFYs). */
function withTag(nameAddr: string, tag: string): string {
  return `${nameAddr};tag=${tag}`;
}

/**
 * Our Contact for the dialog: `sip:<package>@<host[:port] of the
 * SUBSCRIBE's Request-URI>`, an address that reaches the edge, which routes
 * in-dialog SUBSCRIBEs to the package's service by their Event header. A sips
 * URI when RFC 3261 §12.1.1 asks for one (a sips Request-URI, or top
 * Record-Route, or Contact when there is no Record-Route). Not a GRUU:
 * RFC 6665 §4.5.1 wants notifiers to use one (README.md, "Left out").
 */
function localContact(req: SipRequest, pkg: EventPackage, routeSet: readonly string[]): string {
  const ruri = req.uri;
  const contactUri = req.headers.typed(H.contact);
  const firstContact = contactUri.ok && contactUri.value !== undefined && !contactUri.value.star ? contactUri.value.contacts[0]?.uri : undefined;
  const secure =
    (ruri.kind === 'sip' && ruri.scheme === 'sips') ||
    (routeSet[0]?.startsWith('sips:') ?? false) ||
    (routeSet.length === 0 && firstContact?.kind === 'sip' && firstContact.scheme === 'sips');
  const at = ruri.kind === 'sip' ? ruri : req.to.uri.kind === 'sip' ? req.to.uri : undefined;
  return new SipUri(secure ? 'sips' : 'sip', at?.host ?? 'invalid.invalid', at?.port, pkg.name).toString();
}
