/**
 * The envelope of a SIP message on NATS: the payload is the SIP message's
 * bytes as they would go on the wire; what the receiver needs beyond the
 * message travels in NATS headers (names below). Request and reply both.
 */

/** Where a message arrived or must leave: one flow of one edge instance (RFC 5626 §2.1). */
export interface EnvelopeFlow {
  /** The edge instance that owns the flow (its `sipToEdge` subject). */
  readonly edgeId: string;
  /** The flow's id within that edge. */
  readonly flowId: string;
  /** UDP, TCP, TLS, WS or WSS. */
  readonly transport: string;
  readonly remoteAddress: string;
  readonly remotePort: number;
}

/** Edge → service. */
export interface InboundEnvelope {
  readonly flow: EnvelopeFlow;
  /** The digest-authenticated address of record, or undefined (trusted peer, or no auth needed). */
  readonly identity: string | undefined;
  /** When the edge received the request (ms since the epoch). */
  readonly receivedAt: number;
}

/** Service → edge: where to send. Either a flow, or a target URI the edge resolves (RFC 3263). */
export interface OutboundEnvelope {
  readonly flow?: EnvelopeFlow;
  /** How long the service waits for the final response (ms); the edge gives up a little earlier. */
  readonly timeoutMs?: number;
}

export const ENVELOPE_HEADERS = {
  version: 'Simple-Envelope',
  edgeId: 'Simple-Edge',
  flowId: 'Simple-Flow',
  transport: 'Simple-Transport',
  remote: 'Simple-Remote',
  identity: 'Simple-Identity',
  receivedAt: 'Simple-Received-At',
  timeoutMs: 'Simple-Timeout-Ms',
  /** On a reply: set when the edge or service could not produce a SIP response. */
  error: 'Simple-Error',
} as const;

export const ENVELOPE_VERSION = '1';

/** A header map as NATS headers expose it (get/set by name). */
export interface HeaderMap {
  get(name: string): string;
  set(name: string, value: string): void;
}

export function writeFlow(h: HeaderMap, flow: EnvelopeFlow): void {
  h.set(ENVELOPE_HEADERS.version, ENVELOPE_VERSION);
  h.set(ENVELOPE_HEADERS.edgeId, flow.edgeId);
  h.set(ENVELOPE_HEADERS.flowId, flow.flowId);
  h.set(ENVELOPE_HEADERS.transport, flow.transport);
  h.set(ENVELOPE_HEADERS.remote, `${flow.remoteAddress.includes(':') ? `[${flow.remoteAddress}]` : flow.remoteAddress}:${flow.remotePort}`);
}

export function readFlow(h: HeaderMap): EnvelopeFlow | undefined {
  const edgeId = h.get(ENVELOPE_HEADERS.edgeId);
  const flowId = h.get(ENVELOPE_HEADERS.flowId);
  const transport = h.get(ENVELOPE_HEADERS.transport);
  const remote = h.get(ENVELOPE_HEADERS.remote);
  if (!edgeId || !flowId || !transport || !remote) return undefined;
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(remote);
  if (m === null) return undefined;
  return { edgeId, flowId, transport, remoteAddress: m[1] ?? '', remotePort: Number(m[2]) };
}

export function writeInbound(h: HeaderMap, env: InboundEnvelope): void {
  writeFlow(h, env.flow);
  if (env.identity !== undefined) h.set(ENVELOPE_HEADERS.identity, env.identity);
  h.set(ENVELOPE_HEADERS.receivedAt, String(env.receivedAt));
}

export function readInbound(h: HeaderMap): InboundEnvelope | undefined {
  const flow = readFlow(h);
  if (flow === undefined) return undefined;
  const identity = h.get(ENVELOPE_HEADERS.identity);
  const at = Number(h.get(ENVELOPE_HEADERS.receivedAt));
  return { flow, identity: identity === '' ? undefined : identity, receivedAt: Number.isFinite(at) ? at : 0 };
}
