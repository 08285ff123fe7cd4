import type { EnvelopeFlow } from '@simple/contracts';
import type { Authorization } from './event-package.js';

/** The substate values of RFC 6665 §8.2.3 that this notifier sends. */
export type SubscriptionStateValue = 'active' | 'pending' | 'terminated';

/** The reason codes of RFC 6665 §4.1.3 (registry of §7.2), plus RFC 4660's. */
export const TERMINATION_REASONS = ['deactivated', 'probation', 'rejected', 'timeout', 'giveup', 'noresource', 'invariant', 'badfilter'] as const;
export type TerminationReason = (typeof TERMINATION_REASONS)[number];

/**
 * The dialog of one subscription, the notifier being its UAS (RFC 3261
 * §12.1.1): what every NOTIFY is built from (§12.2.1.1).
 */
export interface SubscriptionDialog {
  readonly callId: string;
  /** Our tag: the To tag of the 200 to the SUBSCRIBE. */
  readonly localTag: string;
  /** The subscriber's From tag; RFC 3261 §12.1.1 allows none (null). */
  readonly remoteTag: string | undefined;
  /** The From of our NOTIFYs: the SUBSCRIBE's To, with our tag. */
  readonly localUri: string;
  /** The To of our NOTIFYs: the SUBSCRIBE's From, with its tag. */
  readonly remoteUri: string;
  /** The Contact URI of the latest SUBSCRIBE (SUBSCRIBE is a target refresh request, RFC 6665 §3.1). */
  readonly remoteTarget: string;
  /** The Record-Route URIs of the initial SUBSCRIBE, in order (RFC 3261 §12.1.1); usually empty. */
  readonly routeSet: readonly string[];
  /** The CSeq of the latest SUBSCRIBE in this dialog. */
  readonly remoteCseq: number;
  /** The CSeq of the latest NOTIFY sent (0: none yet). */
  readonly localCseq: number;
  /** Our Contact URI (where in-dialog SUBSCRIBEs are sent). */
  readonly contact: string;
}

/** How a subscription ends, once it is ending. */
export interface Termination {
  readonly reason: TerminationReason;
  /** Seconds; RFC 6665 §4.1.3 gives it meaning with probation, giveup, invariant and no reason. */
  readonly retryAfter: number | undefined;
}

/** One subscription as stored in Redis (`subscriptionKeys.subscription(id)`). */
export interface Subscription {
  /** The dialog id (see `dialogId`). */
  readonly id: string;
  readonly eventPackage: string;
  /** The Event header's `id` parameter, echoed in every NOTIFY (RFC 6665 §4.5.2, RFC 3265 §3.2.1). */
  readonly eventId: string | undefined;
  readonly resource: string;
  /** The Request-URI of the initial SUBSCRIBE. */
  readonly resourceUri: string;
  readonly watcher: string;
  readonly watcherUri: string;
  readonly identity: string | undefined;
  readonly dialog: SubscriptionDialog;
  /** The edge flow the SUBSCRIBE came in on; NOTIFYs leave over it (RFC 5626 §5.3). */
  readonly flow: EnvelopeFlow;
  readonly contentType: string;
  /** The Accept values of the latest SUBSCRIBE that had one (empty: none was given). */
  readonly accept: readonly string[];
  /** Ms since the epoch. */
  readonly expiresAt: number;
  readonly state: SubscriptionStateValue;
  readonly authorization: Exclude<Authorization, 'rejected'>;
  readonly termination: Termination | undefined;
  /** RFC 6446 `max-rate` as the subscriber asked (notifications per second). */
  readonly maxRate: number | undefined;
  /** The minimum interval between two NOTIFYs that rate control keeps (0: none). */
  readonly minIntervalMs: number;
  /**
   * The Event header's parameters other than `id`, names in lower case, of
   * the latest SUBSCRIBE (e.g. RFC 5875 §4.3 `diff-processing`); a parameter
   * without a value is ''.
   */
  readonly eventParams: Readonly<Record<string, string>>;
  /** The SUBSCRIBE's body, when the package accepts one (e.g. a filter); a refresh with a body replaces it (RFC 5875 §4.4). */
  readonly subscribeBody: { readonly contentType: string; readonly body: Buffer } | undefined;
  readonly createdAt: number;
  /** The version of the latest NOTIFY (-1: none yet). */
  readonly version: number;
}

/** The fields a Subscription is stored as; counters (cseq, version, wanted...) are kept by the store's scripts. */
export function encodeSubscription(s: Subscription): string[] {
  const d = s.dialog;
  const f: Array<[string, string]> = [
    ['pkg', s.eventPackage],
    ['eventId', s.eventId ?? ''],
    ['resource', s.resource],
    ['resourceUri', s.resourceUri],
    ['watcher', s.watcher],
    ['watcherUri', s.watcherUri],
    ['identity', s.identity ?? ''],
    ['callId', d.callId],
    ['localTag', d.localTag],
    ['remoteTag', d.remoteTag ?? ''],
    ['localUri', d.localUri],
    ['remoteUri', d.remoteUri],
    ['remoteTarget', d.remoteTarget],
    ['routeSet', JSON.stringify(d.routeSet)],
    ['remoteCseq', String(d.remoteCseq)],
    ['contact', d.contact],
    ['flow', JSON.stringify(s.flow)],
    ['contentType', s.contentType],
    ['accept', JSON.stringify(s.accept)],
    ['expiresAt', String(s.expiresAt)],
    ['state', s.state],
    ['authorization', s.authorization],
    ['reason', s.termination?.reason ?? ''],
    ['retryAfter', s.termination?.retryAfter === undefined ? '' : String(s.termination.retryAfter)],
    ['maxRate', s.maxRate === undefined ? '' : String(s.maxRate)],
    ['eventParams', JSON.stringify(s.eventParams)],
    ['intervalMs', String(s.minIntervalMs)],
    ['bodyType', s.subscribeBody?.contentType ?? ''],
    ['body', s.subscribeBody?.body.toString('base64') ?? ''],
    ['createdAt', String(s.createdAt)],
  ];
  return f.flat();
}

/** A flat [field, value, ...] array (HGETALL as a script returns it) as a record. */
export function fieldsToRecord(flat: readonly unknown[], from = 0): Record<string, string> {
  const r: Record<string, string> = {};
  for (let i = from; i + 1 < flat.length; i += 2) r[String(flat[i])] = String(flat[i + 1]);
  return r;
}

const STATES: ReadonlySet<string> = new Set(['active', 'pending', 'terminated']);
const AUTHS: ReadonlySet<string> = new Set(['active', 'pending', 'polite-block']);
const REASONS: ReadonlySet<string> = new Set(TERMINATION_REASONS);

/** A stored record back as a Subscription; undefined when it is missing or not one of ours. */
export function decodeSubscription(id: string, r: Record<string, string>): Subscription | undefined {
  const num = (k: string): number | undefined => {
    const v = r[k];
    if (v === undefined || v === '') return undefined;
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  };
  const opt = (k: string): string | undefined => (r[k] === undefined || r[k] === '' ? undefined : r[k]);
  const state = r.state ?? '';
  const authorization = r.authorization ?? '';
  if (r.pkg === undefined || r.callId === undefined || !STATES.has(state) || !AUTHS.has(authorization)) return undefined;
  let routeSet: string[];
  let flow: Subscription['flow'];
  let accept: string[];
  let eventParams: Record<string, string>;
  try {
    routeSet = JSON.parse(r.routeSet ?? '[]') as string[];
    flow = JSON.parse(r.flow ?? 'null') as Subscription['flow'];
    accept = JSON.parse(r.accept ?? '[]') as string[];
    eventParams = stringRecord(JSON.parse(r.eventParams ?? '{}'));
  } catch {
    return undefined;
  }
  if (flow === null || typeof flow !== 'object') return undefined;
  const reason = opt('reason');
  const bodyType = opt('bodyType');
  return {
    id,
    eventPackage: r.pkg,
    eventId: opt('eventId'),
    resource: r.resource ?? '',
    resourceUri: r.resourceUri ?? '',
    watcher: r.watcher ?? '',
    watcherUri: r.watcherUri ?? '',
    identity: opt('identity'),
    dialog: {
      callId: r.callId,
      localTag: r.localTag ?? '',
      remoteTag: opt('remoteTag'),
      localUri: r.localUri ?? '',
      remoteUri: r.remoteUri ?? '',
      remoteTarget: r.remoteTarget ?? '',
      routeSet,
      remoteCseq: num('remoteCseq') ?? 0,
      localCseq: num('cseq') ?? 0,
      contact: r.contact ?? '',
    },
    flow,
    contentType: r.contentType ?? '',
    accept,
    expiresAt: num('expiresAt') ?? 0,
    state: state as SubscriptionStateValue,
    authorization: authorization as Subscription['authorization'],
    termination: reason !== undefined && REASONS.has(reason) ? { reason: reason as TerminationReason, retryAfter: num('retryAfter') } : undefined,
    maxRate: num('maxRate'),
    minIntervalMs: num('intervalMs') ?? 0,
    eventParams,
    subscribeBody: bodyType !== undefined ? { contentType: bodyType, body: Buffer.from(r.body ?? '', 'base64') } : undefined,
    createdAt: num('createdAt') ?? 0,
    version: num('version') ?? -1,
  };
}

/** A stored JSON object of strings, read back without trusting it; anything else is an empty record. */
function stringRecord(v: unknown): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return out;
  for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

/** The Event header's parameters as a subscription keeps them (`Subscription.eventParams`); names come off the wire, so no prototype. */
export function eventParamsOf(params: Iterable<readonly [string, string | null]>): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  for (const [name, value] of params) {
    const n = name.toLowerCase();
    if (n !== 'id') out[n] = value ?? '';
  }
  return out;
}
