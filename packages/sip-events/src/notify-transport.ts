import type { EnvelopeFlow } from '@simple/contracts';
import type { SipRequest, SipResponse } from '@simple/sip-message';

/** What became of one NOTIFY handed to a transport. */
export type NotifyOutcome =
  /** The final response: the subscriber's, or one the edge made (430 Flow Failed, a local 408/503). */
  | { readonly kind: 'response'; readonly response: SipResponse }
  /** Nobody serves the edge instance the flow belongs to: it is gone, and its flows with it. */
  | { readonly kind: 'no-edge' }
  /** No final response in time. */
  | { readonly kind: 'timeout' }
  /** This replica's bound on NOTIFYs in flight is reached: the request did not leave. */
  | { readonly kind: 'overloaded' }
  /** The edge could not handle the request (`Simple-Error`), or the reply was unreadable. */
  | { readonly kind: 'error'; readonly detail: string };

/**
 * Sends a request to a subscriber over the flow its SUBSCRIBE came in on and
 * returns the final response. Requests carry no Via: the edge that sends them
 * adds its own (docs/architecture.md).
 */
export interface NotifyTransport {
  /** How long `send` waits at most for the final response (ms), when bounded; the sender lease must outlast it. */
  readonly timeoutMs?: number;
  send(request: SipRequest, flow: EnvelopeFlow): Promise<NotifyOutcome>;
}

/** The outcome as a metric label: the response class (`2xx`, `4xx`...) or the kind (`timeout`, `no-edge`...). */
export function outcomeLabel(out: NotifyOutcome): string {
  return out.kind === 'response' ? `${Math.floor(out.response.status / 100)}xx` : out.kind;
}

/** `inner`, telling `count` the outcome of every NOTIFY on its way through (a service's NOTIFY counter). */
export function countingTransport(inner: NotifyTransport, count: (label: string) => void): NotifyTransport {
  return {
    ...(inner.timeoutMs === undefined ? {} : { timeoutMs: inner.timeoutMs }),
    async send(request, flow) {
      let out: NotifyOutcome;
      try {
        out = await inner.send(request, flow);
      } catch (e) {
        count('error');
        throw e;
      }
      count(outcomeLabel(out));
      return out;
    },
  };
}
