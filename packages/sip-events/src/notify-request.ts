import { SipHeaders, SipRequest, parseUri, type Uri } from '@simple/sip-message';
import type { NotifyBody } from './event-package.js';
import type { Subscription } from './subscription.js';

export interface NotifyParts {
  readonly cseq: number;
  /** The Subscription-State value (see `formatSubscriptionStateHeader`). */
  readonly subscriptionState: string;
  readonly body: NotifyBody | undefined;
  readonly maxForwards: number;
}

function uri(text: string, what: string): Uri {
  const r = parseUri(text);
  if (!r.ok) throw new Error(`sip-events: stored ${what} "${text}" is not a URI: ${r.error.reason}`);
  return r.value;
}

/**
 * A NOTIFY in the subscription's dialog, the notifier being the dialog's UAS
 * (RFC 3261 §12.2.1.1): To = remote URI and tag, From = local URI and tag,
 * the dialog's Call-ID, the next local CSeq; the Request-URI and Route from the
 * remote target and route set (loose routing, or the strict-routing rewrite
 * when the first route has no `lr`). RFC 6665 §3.2.1: the Event header
 * matches the SUBSCRIBE's, with its `id` (§4.5.2, RFC 3265 §3.2.1); §4.1.3:
 * a Subscription-State in every NOTIFY. No Via: the edge adds its own.
 */
export function buildNotify(s: Subscription, n: NotifyParts): SipRequest {
  const d = s.dialog;
  const target = uri(d.remoteTarget, 'remote target');
  const routes = d.routeSet.map((r) => uri(r, 'route'));
  let requestUri: Uri = target;
  let routeValues: string[] = routes.map((r) => `<${r.toString()}>`);
  const first = routes[0];
  if (first !== undefined && !(first.kind === 'sip' && first.params.has('lr'))) {
    // A strict router: it gets the Request-URI, the remote target goes last in Route.
    requestUri = first;
    routeValues = [...routes.slice(1).map((r) => `<${r.toString()}>`), `<${target.toString()}>`];
  }
  const h = new SipHeaders();
  if (routeValues.length > 0) h.append('Route', routeValues.join(', '));
  h.append('Max-Forwards', String(n.maxForwards));
  h.append('From', d.localUri);
  h.append('To', d.remoteUri);
  h.append('Call-ID', d.callId);
  h.append('CSeq', `${n.cseq} NOTIFY`);
  h.append('Contact', `<${d.contact}>`);
  h.append('Event', s.eventId === undefined ? s.eventPackage : `${s.eventPackage};id=${s.eventId}`);
  h.append('Subscription-State', n.subscriptionState);
  if (n.body !== undefined) h.append('Content-Type', n.body.contentType);
  return new SipRequest('NOTIFY', requestUri, h, n.body?.body);
}
