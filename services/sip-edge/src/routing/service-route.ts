import { H, type SipRequest } from '@simple/sip-message';

/** Where the edge sends a request: a service by name, or an answer of its own. */
export type RouteDecision =
  | { readonly kind: 'service'; readonly service: string }
  | { readonly kind: 'reject'; readonly status: number; readonly reason?: string; readonly headers: ReadonlyArray<readonly [string, string]> };

/** Event packages and the service that serves each (DESIGN.md, "How a request flows"). */
export const EVENT_SERVICES: Readonly<Record<string, string>> = {
  presence: 'presence',
  'presence.winfo': 'watcherinfo',
  'xcap-diff': 'xcap-diff',
};

/**
 * Picks the service for a request by method and Event header. SUBSCRIBE,
 * PUBLISH and NOTIFY need a known event package (else 489 Bad Event with
 * Allow-Events, RFC 6665 §8.2.1 / RFC 3903 §4); MESSAGE goes to the message
 * router; INVITE (chat rooms) to chat.
 */
export function routeRequest(req: SipRequest): RouteDecision {
  switch (req.method) {
    case 'SUBSCRIBE':
    case 'PUBLISH':
    case 'NOTIFY': {
      const ev = req.headers.typed(H.event);
      if (!ev.ok) return { kind: 'reject', status: 400, reason: ev.error.reason, headers: [] };
      // RFC 6665 §8.2.1: "Event" is mandatory in SUBSCRIBE and NOTIFY; RFC 3903 §4 for PUBLISH.
      if (ev.value === undefined) return badEvent('Missing Event header');
      // An own property only: `Event: toString` names no package.
      const service = Object.hasOwn(EVENT_SERVICES, ev.value.type) ? EVENT_SERVICES[ev.value.type] : undefined;
      if (service === undefined) return badEvent();
      return { kind: 'service', service };
    }
    case 'MESSAGE':
      return { kind: 'service', service: 'message-router' };
    case 'INVITE':
    case 'BYE':
    case 'UPDATE':
    case 'INFO':
      return { kind: 'service', service: 'chat' };
    default:
      return { kind: 'reject', status: 405, headers: [['Allow', ALLOW]] };
  }
}

function badEvent(reason?: string): RouteDecision {
  // RFC 6665 §7.2.2: a 489 "MUST include an Allow-Events header field".
  return { kind: 'reject', status: reason === undefined ? 489 : 400, reason, headers: [['Allow-Events', Object.keys(EVENT_SERVICES).join(', ')]] };
}

/** The methods the edge takes. */
export const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, SUBSCRIBE, NOTIFY, PUBLISH, MESSAGE, UPDATE, INFO';
