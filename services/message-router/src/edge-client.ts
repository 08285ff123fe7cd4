import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { ENVELOPE_HEADERS, subjects, writeFlow, type EnvelopeFlow } from '@simple/contracts';
import { parseMessage } from '@simple/sip-message';

/**
 * The outcome of one delivery: the final response's status, or a local
 * failure mapped to the status the sender would see from a proxy (RFC 3261
 * §16.7, §16.8): no answer in time → 408; the edge or its flow is gone
 * (no responders, 430 from the edge) → 430; an edge that could not send → 500.
 */
export interface DeliveryResult {
  readonly status: number;
  /** True when the contact could not be reached at all (store-and-forward may apply). */
  readonly unreachable: boolean;
}

/** Sends one request to a client through the edge that owns its flow. */
export interface EdgeClient {
  send(flow: EnvelopeFlow, request: Buffer, timeoutMs: number): Promise<DeliveryResult>;
}

/** Statuses that say "this contact cannot be reached now", not "the user refused". */
const UNREACHABLE = new Set([408, 430, 480, 503]);

export function deliveryResult(status: number): DeliveryResult {
  return { status, unreachable: UNREACHABLE.has(status) };
}

/**
 * Request/reply on `simple.v1.sip.edge.<edgeId>` with the flow in the
 * envelope; the edge adds its Via, runs the client transaction and replies
 * with the final response, or 430 Flow Failed when the flow is gone
 * (RFC 5626 §11.5), or a `Simple-Error` header when it could not try.
 */
export class NatsEdgeClient implements EdgeClient {
  constructor(private readonly nc: NatsConnection) {}

  async send(flow: EnvelopeFlow, request: Buffer, timeoutMs: number): Promise<DeliveryResult> {
    const h = natsHeaders();
    writeFlow(h, flow);
    h.set(ENVELOPE_HEADERS.timeoutMs, String(timeoutMs));
    let data: Uint8Array;
    try {
      const reply = await this.nc.request(subjects.sipToEdge(flow.edgeId), request, { timeout: timeoutMs, headers: h });
      if (reply.headers?.get(ENVELOPE_HEADERS.error)) return deliveryResult(500);
      data = reply.data;
    } catch (err) {
      // NATS 503 "no responders": that edge instance is gone, and so is the flow.
      const msg = err instanceof Error ? `${err.name} ${err.message} ${String((err as { code?: unknown }).code ?? '')}` : String(err);
      return deliveryResult(/no.?responders|503/i.test(msg) ? 430 : 408);
    }
    const parsed = parseMessage(Buffer.from(data));
    if (!parsed.ok || parsed.value.kind !== 'response') return deliveryResult(500);
    return deliveryResult(parsed.value.status);
  }
}
