import type { SipRequest, SipResponse } from '@simple/sip-message';

import type { Flow } from './flow.js';

/**
 * The layer above the transport (the transaction layer, or a stateless core):
 * what the transport layer calls up with. Every message comes with the flow it
 * arrived on; answer a request by passing that flow to `sendResponse`.
 */
export interface TransportUser {
  /**
   * A request, with "received"/"rport" already set on its top Via (RFC 3261
   * §18.2.1, RFC 3581 §4).
   */
  onRequest(request: SipRequest, flow: Flow): void;
  /** A response whose top Via sent-by is one of ours (RFC 3261 §18.1.2). */
  onResponse(response: SipResponse, flow: Flow): void;
  /** A connection flow closed (RFC 5626: the flow failed; requests for it can no longer be delivered). */
  onFlowClosed?(flow: Flow): void;
}
