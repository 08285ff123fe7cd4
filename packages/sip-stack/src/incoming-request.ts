import { createResponse, type ResponseOptions, type SipRequest, type SipResponse } from '@simple/sip-message';
import type { ServerTransaction } from '@simple/sip-transaction';
import type { Flow } from '@simple/sip-transport';

/**
 * A request handed to the transaction user, with its server transaction. The
 * TU answers through it; the transaction absorbs retransmissions and resends
 * the last response (RFC 3261 §17.2), so a request reaches the TU once.
 */
export class IncomingRequest {
  constructor(
    readonly request: SipRequest,
    readonly transaction: ServerTransaction,
    /** The flow the request arrived on (RFC 5626 §2.1): transport, both ends. */
    readonly flow: Flow,
  ) {}

  /** Sends a response built from the request (RFC 3261 §8.2.6). False if the transaction refused it. */
  respond(status: number, options?: ResponseOptions): boolean {
    return this.respondWith(createResponse(this.request, status, options));
  }

  respondWith(response: SipResponse): boolean {
    return this.transaction.respond(response);
  }

  /** True once a final response was sent. */
  get answered(): boolean {
    return this.transaction.finalResponse !== undefined;
  }
}
