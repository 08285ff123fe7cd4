import type { EnvelopeFlow } from '@simple/contracts';

/**
 * One binding of the location service: an address of record bound to a
 * contact address (RFC 3261 §10), with the Path vector (RFC 3327 §5.3) and,
 * for an Outbound registration, the instance and flow (RFC 5626 §6).
 */
export interface Binding {
  /**
   * The binding's identity within its AOR: `instance-id + reg-id` for an
   * Outbound binding (RFC 5626 §6), else the normalized Contact URI
   * (RFC 3261 §10.3 step 7, comparison of §19.1.4). See binding-key.ts.
   */
  readonly key: string;
  /** The Contact URI, as registered. */
  readonly contact: string;
  /**
   * The Contact header parameters other than `expires`, as registered
   * (`;q=0.5;reg-id=1;+sip.instance="<urn:...>"`): RFC 5626 §6, "The
   * registrar MUST store in the binding the Contact URI, all the Contact
   * header field parameters, and any Path header field values".
   */
  readonly params: string;
  /** The "q" preference (RFC 3261 §10.2.1.2); 1 when the Contact had none. */
  readonly q: number;
  /** When the binding lapses (ms since the epoch). */
  readonly expiresAt: number;
  /** Call-ID and CSeq of the REGISTER that last wrote it (RFC 3261 §10.3 step 7). */
  readonly callId: string;
  readonly cseq: number;
  /** The path vector, top first, one name-addr per element (RFC 3327 §5.3). */
  readonly path: readonly string[];
  /** The `+sip.instance` URN without quotes and angle brackets (RFC 5626 §4.1). */
  readonly instanceId?: string;
  /** The `reg-id`, when it was honoured (RFC 5626 §6). */
  readonly regId?: number;
  /** The flow the REGISTER arrived on. */
  readonly flow: EnvelopeFlow;
  /** True when Outbound binding rules were applied: requests must go over `flow` (RFC 5626 §7). */
  readonly outbound: boolean;
  /** When the REGISTER that last wrote it was received (ms since the epoch). */
  readonly receivedAt: number;
}

/** Location-service order: q descending, then the most recently registered first. */
export function compareBindings(a: Binding, b: Binding): number {
  return b.q - a.q || b.receivedAt - a.receivedAt || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/** Seconds left before the binding lapses, as the 200 (OK) reports it (RFC 3261 §10.3 step 8). */
export function remainingSeconds(b: Binding, now: number): number {
  return Math.max(0, Math.ceil((b.expiresAt - now) / 1000));
}

/** The Contact header value listing a binding in a 200 (OK): `<uri>;params;expires=N`. */
export function formatBindingContact(b: Binding, now: number): string {
  return `<${b.contact}>${b.params};expires=${remainingSeconds(b, now)}`;
}

/** What decides whether a binding changed beyond a refresh (new flow, new Path, new Contact). */
export function bindingSignature(b: Binding): string {
  return JSON.stringify([b.contact, b.params, b.path, b.flow.edgeId, b.flow.flowId, b.outbound]);
}

export function encodeBinding(b: Binding): string {
  return JSON.stringify(b);
}

const isStr = (v: unknown): v is string => typeof v === 'string';
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function decodeFlow(v: unknown): EnvelopeFlow | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const f = v as Record<string, unknown>;
  if (!isStr(f.edgeId) || !isStr(f.flowId) || !isStr(f.transport) || !isStr(f.remoteAddress) || !isNum(f.remotePort)) return undefined;
  return { edgeId: f.edgeId, flowId: f.flowId, transport: f.transport, remoteAddress: f.remoteAddress, remotePort: f.remotePort };
}

/** Reads a binding stored by {@link encodeBinding}; undefined for anything malformed. */
export function decodeBinding(raw: string): Binding | undefined {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  const flow = decodeFlow(o.flow);
  if (
    !isStr(o.key) || !isStr(o.contact) || !isStr(o.params) || !isNum(o.q) || !isNum(o.expiresAt) || !isStr(o.callId) ||
    !isNum(o.cseq) || !Array.isArray(o.path) || !o.path.every(isStr) || flow === undefined || typeof o.outbound !== 'boolean' ||
    !isNum(o.receivedAt) || (o.instanceId !== undefined && !isStr(o.instanceId)) || (o.regId !== undefined && !isNum(o.regId))
  ) {
    return undefined;
  }
  return {
    key: o.key,
    contact: o.contact,
    params: o.params,
    q: o.q,
    expiresAt: o.expiresAt,
    callId: o.callId,
    cseq: o.cseq,
    path: o.path,
    ...(o.instanceId !== undefined ? { instanceId: o.instanceId } : {}),
    ...(o.regId !== undefined ? { regId: o.regId } : {}),
    flow,
    outbound: o.outbound,
    receivedAt: o.receivedAt,
  };
}
