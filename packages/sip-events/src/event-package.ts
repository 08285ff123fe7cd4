import type { InboundEnvelope } from '@simple/contracts';
import type { SipRequest } from '@simple/sip-message';
import type { Subscription, SubscriptionStateValue, TerminationReason } from './subscription.js';

/**
 * The outcome of authorizing a watcher (RFC 3856 §6.6.2 maps every decision
 * onto rejected, successful and pending; RFC 5025 §3.2.1 adds polite-block).
 *
 * - `active`: 200, `Subscription-State: active`, the watcher gets state.
 * - `pending`: 200 (RFC 6665 §8.3.1: never 202), `Subscription-State: pending`;
 *   no NOTIFY on state changes until the decision becomes `active`.
 * - `rejected`: 403 (or the package's `rejectStatus`) to a SUBSCRIBE; a
 *   subscription that becomes rejected is ended with `reason=rejected`.
 * - `polite-block`: looks `active` to the watcher (RFC 3856 §6.6.2: "200 OK to
 *   the subscription even though it has been rejected"); `compose` is told, so
 *   that it returns neutral state that reveals nothing.
 */
export type Authorization = 'active' | 'pending' | 'rejected' | 'polite-block';

/** A body for a NOTIFY: bytes and their media type (one the watcher accepts). */
export interface NotifyBody {
  readonly contentType: string;
  readonly body: Buffer;
  /**
   * Called once the subscriber has answered this NOTIFY with a 2xx, before the
   * subscription's next NOTIFY is composed. For packages whose next body
   * depends on what the subscriber has seen (RFC 5875 §4.7 patches, RFC 5263
   * partial notifications): a NOTIFY that is answered otherwise, or tried
   * again later, leaves their record as it was. A failure goes to `onError`.
   */
  readonly delivered?: () => Promise<void>;
}

/** Who asks, as `authorize` sees it: at SUBSCRIBE time, and again on `reauthorize`. */
export interface AuthorizationRequest {
  readonly eventPackage: string;
  readonly resource: string;
  /** The watcher: the authenticated identity, or else the From URI's `user@host`. */
  readonly watcher: string;
  /** The From URI of the SUBSCRIBE. */
  readonly watcherUri: string;
  /** The identity the edge authenticated (undefined for a trusted peer). */
  readonly identity: string | undefined;
  /** Set when the subscription exists already (a refresh, or `reauthorize`). */
  readonly subscriptionId: string | undefined;
  /** The SUBSCRIBE being processed, when there is one. */
  readonly request: SipRequest | undefined;
}

/** What `compose` and `filter` are told about the watcher that the NOTIFY is for. */
export interface WatcherContext {
  readonly subscription: Subscription;
  /** The negotiated body type (RFC 6665 §3.2.1: one the SUBSCRIBE accepted, or the package default). */
  readonly contentType: string;
  readonly authorization: Exclude<Authorization, 'rejected'>;
  /** The Subscription-State this NOTIFY carries. */
  readonly state: SubscriptionStateValue;
  /** With `state: 'terminated'`: why (RFC 6665 §4.1.3). */
  readonly reason: TerminationReason | undefined;
  /**
   * The subscription's NOTIFY version: 0 for its first NOTIFY, +1 for each one
   * after, never reused (for packages whose documents carry a version, e.g.
   * RFC 3858 watcherinfo, RFC 4662 RLMI). When the package groups watchers in
   * classes (`watcherClass`), one compose serves a class and this is only the
   * first subscription's likely next version: such packages must not put it
   * in the body.
   */
  readonly version: number;
  /**
   * A NOTIFY that must go out whatever `filter` says: the one after a
   * SUBSCRIBE (RFC 6665 §4.2.1.2), after pending → active, and the final one.
   */
  readonly mandatory: boolean;
}

/** Why a subscription changed, for `onSubscriptionChange` (e.g. RFC 3857 watcherinfo events). */
export type SubscriptionChange =
  | { readonly kind: 'created' }
  | { readonly kind: 'refreshed' }
  | { readonly kind: 'authorization'; readonly from: Authorization; readonly to: Authorization }
  | { readonly kind: 'terminated'; readonly reason: TerminationReason | 'notify-failed' };

/**
 * One event package (RFC 6665 §5.4): a plugin of the framework. The framework
 * runs the SUBSCRIBE pipeline, keeps the dialogs and sends the NOTIFYs; the
 * package says what a resource is, who may watch it and what its state looks
 * like. It knows nothing of PIDF.
 */
export interface EventPackage {
  /** The Event header's event-type (RFC 6665 §8.2.1), e.g. `presence`, `presence.winfo`. */
  readonly name: string;
  /**
   * Body types this package can produce, most preferred first. The first is
   * the default used when the SUBSCRIBE has no Accept (RFC 6665 §5.4.5; for
   * presence, RFC 3856 §6.7: `application/pidf+xml`).
   */
  readonly contentTypes: readonly string[];
  /** Expiry bounds in seconds (RFC 6665 §5.4.4 and §3.1.1: the package defines the default). */
  readonly minExpires: number;
  readonly maxExpires: number;
  readonly defaultExpires: number;
  /** Media types of SUBSCRIBE bodies the package understands (e.g. filters); others are refused with 415. */
  readonly subscribeBodyTypes?: readonly string[];
  /**
   * Checks a SUBSCRIBE body of one of `subscribeBodyTypes` (initial or
   * refresh): a defect, named for the 400 reason phrase, or undefined.
   */
  checkSubscribeBody?(body: Buffer, contentType: string): string | undefined;
  /**
   * RFC 5875 §4.7 (and RFC 5263 §6): "a notifier MUST NOT send a new NOTIFY request to the same
   * dialog unless a successful 200-response has been received for the last sent NOTIFY
   * request". True: a NOTIFY answered otherwise (one that RFC 6665 would let the subscription
   * survive) ends the subscription, with no further NOTIFY. Default false.
   */
  readonly endOnFailedNotify?: boolean;
  /** The status for a refused subscription: 403 (default) or 603 (RFC 6665 §4.2.1.3). */
  readonly rejectStatus?: 403 | 603;

  /**
   * The resource a SUBSCRIBE is for, from its Request-URI (RFC 6665 §3.1.2);
   * undefined means "no such resource" (404). Default: the URI's `user@host`.
   */
  resolveResource?(request: SipRequest, inbound: InboundEnvelope): string | undefined;

  /** RFC 6665 §4.2.1.3: the authorization decision. Must not wait for a user (§4.2.1.1). */
  authorize(request: AuthorizationRequest): Promise<Authorization>;

  /**
   * The resource's state for one NOTIFY, or undefined when there is none (a
   * NOTIFY without a body: RFC 6665 §4.2.1.2 allows an empty or neutral body).
   * Called for every NOTIFY, at the moment it is built, so that it reads the
   * latest state.
   */
  compose(resource: string, watcher: WatcherContext): Promise<NotifyBody | undefined>;

  /**
   * The watcher class (DESIGN.md, "Fan-out is the hot path"): subscriptions of
   * one resource with the same class get the same composed body, so `compose`
   * runs once per class on a state change. Undefined (or no hook): compose per
   * subscription, e.g. when the body carries the per-subscription version.
   */
  watcherClass?(subscription: Subscription): string | undefined;

  /**
   * Per-watcher filter applied after `compose` (RFC 4660 filters, pres-rules
   * transformations): returns the body to send, or `'skip'` when this change
   * means nothing to this watcher (ignored for a mandatory NOTIFY).
   */
  filter?(composed: NotifyBody | undefined, watcher: WatcherContext): Promise<NotifyBody | undefined | 'skip'>;

  /** Told after a subscription is created, refreshed, re-authorized or removed (never awaited by the SIP exchange). */
  onSubscriptionChange?(subscription: Subscription, change: SubscriptionChange): void | Promise<void>;
}
