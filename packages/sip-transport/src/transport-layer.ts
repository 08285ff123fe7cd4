import { lookup } from 'node:dns/promises';

import {
  createErrorResponse,
  parseMessage,
  serializeMessage,
  type SipMessage,
  type SipRequest,
  type SipResponse,
  type Via,
} from '@simple/sip-message';

import { formatHostPort, normalizeAddress } from './endpoint.js';
import type { Flow } from './flow.js';
import { udpFlowId } from './flow.js';
import { responseDestination } from './response-destination.js';
import type { RawMessageSink, SendTarget } from './transport.js';
import { TransportError } from './transport-error.js';
import type { TransportMetrics } from './transport-metrics.js';
import { noMetrics } from './transport-metrics.js';
import type { TransportProtocol } from './transport-protocol.js';
import { defaultPort, toTransportProtocol } from './transport-protocol.js';
import { TransportSet, type TransportSetConfig } from './transport-set.js';
import type { TransportUser } from './transport-user.js';
import { withReceived } from './via-received.js';

/** Resolves a sent-by host name to an address (RFC 3261 §18.2.2 → RFC 3263 §5). */
export type SentByResolver = (host: string, port: number | undefined, protocol: TransportProtocol) => Promise<SendTarget>;

export interface TransportLayerConfig extends TransportSetConfig {
  /**
   * Path MTU in bytes (RFC 3261 §18.1.1). A request over UDP larger than
   * `pathMtu - 200` is sent over TCP when possible. Default 1500 (so > 1300 bytes).
   */
  readonly pathMtu?: number;
  /** Add a valueless "rport" to the top Via of requests sent (RFC 3581 §3). Default true. */
  readonly addRport?: boolean;
  /**
   * Resolves a host name found in a Via when a response must be sent to it.
   * Default: an A/AAAA lookup with the Via port or the transport's default
   * port; plug in the RFC 3263 resolver for the full §5 procedure.
   */
  readonly resolveSentBy?: SentByResolver;
  /** Told of exceptions thrown by the TransportUser (which are caught and counted as `userErrors`). */
  readonly onUserError?: (error: unknown) => void;
}

export const DEFAULT_PATH_MTU = 1500;

/** Where to send a request: a protocol and address (as given by the RFC 3263 resolver). */
export interface RequestTarget extends SendTarget {
  readonly protocol: TransportProtocol;
  /**
   * Whether the target may be reached over TCP when RFC 3261 §18.1.1 moves a
   * large request off UDP. Default true (§18: every element MUST implement TCP).
   */
  readonly tcpAllowed?: boolean;
}

/** A request goes to a target, or over an existing flow (RFC 5626 §5.3, §7). */
export type RequestDestination = RequestTarget | { readonly flow: Flow };

/**
 * The SIP transport layer at message level (RFC 3261 §18). It parses what the
 * transports deliver and hands requests and responses up to a
 * {@link TransportUser} with their flow; it answers unparsable requests itself;
 * it sends requests (Via sent-by and transport filled, §18.1.1 size rule) and
 * responses (§18.2.2 routing).
 */
export class TransportLayer {
  /** The byte level: listeners, connection table, flows. */
  readonly transports: TransportSet;
  private readonly metrics: TransportMetrics;
  private readonly pathMtu: number;
  private readonly addRport: boolean;
  private readonly resolveSentBy: SentByResolver;

  constructor(
    private readonly config: TransportLayerConfig,
    private readonly user: TransportUser,
  ) {
    this.metrics = config.metrics ?? noMetrics;
    this.pathMtu = config.pathMtu ?? DEFAULT_PATH_MTU;
    this.addRport = config.addRport ?? true;
    this.resolveSentBy = config.resolveSentBy ?? lookupSentBy;
    const sink: RawMessageSink = {
      onData: (data, flow) => this.receive(data, flow),
      onFlowClosed: (flow) => this.guard(flow.protocol, () => this.user.onFlowClosed?.(flow)),
    };
    this.transports = new TransportSet(config, sink);
  }

  /** Binds every listener. */
  start(): Promise<void> {
    return this.transports.start();
  }

  /** Closes every listener and connection. */
  stop(): Promise<void> {
    return this.transports.stop();
  }

  // ---- receiving ---------------------------------------------------------

  private receive(data: Buffer, flow: Flow): void {
    try {
      this.receiveUnsafe(data, flow);
    } catch {
      // Nothing received may take a socket handler down.
      this.metrics.increment('messagesDropped', flow.protocol);
    }
  }

  private receiveUnsafe(data: Buffer, flow: Flow): void {
    const protocol = flow.protocol;
    this.metrics.increment('messagesReceived', protocol);
    // Stream messages were framed by Content-Length; datagrams and WebSocket
    // messages are whole (RFC 3261 §18.3, RFC 7118 §5).
    const parsed = parseMessage(data, { datagram: protocol !== 'TCP' && protocol !== 'TLS' });
    if (!parsed.ok) {
      this.metrics.increment('parseErrors', protocol);
      // RFC 3261 §18.3 / §8.2.2: answer a defective request (400, or 505 for a bad
      // version) with a reason phrase naming the defect, when it can be answered.
      const response = createErrorResponse(parsed.error);
      if (response === undefined) {
        this.metrics.increment('messagesDropped', protocol);
        return;
      }
      // Sent straight back to the source: the Via of a defective request is not to be trusted.
      this.transports
        .sendOnFlow(flow, serializeMessage(response))
        .then((sent) => {
          if (sent) {
            this.metrics.increment('parseErrorResponsesSent', protocol);
            this.metrics.increment('messagesSent', protocol);
          }
        })
        .catch(() => undefined);
      return;
    }
    const message = parsed.value;
    if (message.kind === 'request') {
      this.metrics.increment('requestsReceived', protocol);
      // RFC 3261 §18.2.1 and RFC 3581 §4: received and rport.
      const updated = withReceived(message.topVia, flow.remote);
      if (updated !== undefined) message.setTopVia(updated);
      this.guard(protocol, () => this.user.onRequest(message, flow));
      return;
    }
    this.metrics.increment('responsesReceived', protocol);
    // RFC 3261 §18.1.2: a response whose top Via sent-by is not ours MUST be silently discarded.
    const via = message.topVia;
    const viaProtocol = toTransportProtocol(via.transport) ?? protocol;
    if (!this.transports.isOwnSentBy(via.host, via.port ?? defaultPort(viaProtocol), flow)) {
      this.metrics.increment('responsesDiscarded', protocol);
      return;
    }
    this.guard(protocol, () => this.user.onResponse(message, flow));
  }

  /** Calls the user; an exception must not escape into a socket handler. */
  private guard(protocol: TransportProtocol, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.metrics.increment('userErrors', protocol);
      this.config.onUserError?.(err);
    }
  }

  // ---- sending requests --------------------------------------------------

  /**
   * Sends a request (RFC 3261 §18.1.1). Its top Via must exist (the transaction
   * layer puts the branch there); this layer sets its transport and sent-by, and
   * "rport" unless configured not to. A UDP request within 200 bytes of the path
   * MTU goes over TCP when the target allows it (the Via transport follows); if
   * that TCP connection is refused, it is sent over UDP after all. Resolves with
   * the flow used — whose protocol tells whether the transport became reliable.
   */
  async sendRequest(request: SipRequest, destination: RequestDestination): Promise<Flow> {
    if ('flow' in destination) {
      const flow = destination.flow;
      if (!this.transports.isFlowOpen(flow)) {
        this.metrics.increment('sendFailures', flow.protocol);
        throw new TransportError('flow-closed', `Flow ${flow.id} is closed`);
      }
      this.stampVia(request, flow.protocol, flow);
      await this.sendBytesOnFlow(flow, serializeMessage(request));
      return flow;
    }
    const target = destination;
    if (target.protocol === 'UDP') {
      const udpFlow = await this.transports.connect('UDP', target);
      this.stampVia(request, 'UDP', udpFlow);
      const data = serializeMessage(request);
      if (data.length > this.pathMtu - 200 && (target.tcpAllowed ?? true) && this.transports.supports('TCP')) {
        const viaBefore = request.topVia;
        try {
          const flow = await this.transports.connect('TCP', target);
          this.stampVia(request, 'TCP', flow);
          await this.sendBytesOnFlow(flow, serializeMessage(request));
          this.metrics.increment('mtuTcpSwitches', 'UDP');
          return flow;
        } catch (err) {
          // §18.1.1: on a TCP reset (or ICMP protocol not supported) the element SHOULD retry using UDP.
          if (!isRefusal(err)) throw err;
          request.setTopVia(viaBefore);
        }
      }
      await this.sendBytesOnFlow(udpFlow, data);
      return udpFlow;
    }
    const flow = await this.transports.connect(target.protocol, target);
    this.stampVia(request, target.protocol, flow);
    await this.sendBytesOnFlow(flow, serializeMessage(request));
    return flow;
  }

  /** RFC 3261 §18.1.1: "the client transport MUST insert a value of the sent-by field into the Via header field". */
  private stampVia(request: SipRequest, protocol: TransportProtocol, flow: Flow): void {
    const top = topViaOf(request);
    const sentBy = this.transports.sentByFor(protocol, flow);
    const via = top.clone();
    via.transport = protocol;
    via.host = formatHostPort(normalizeAddress(sentBy.host));
    via.port = sentBy.port;
    if (this.addRport && !via.params.has('rport')) via.params.set('rport', null);
    request.setTopVia(via);
  }

  // ---- sending responses -------------------------------------------------

  /**
   * Sends a response where RFC 3261 §18.2.2 (and RFC 3581 §4) says: back on
   * `flow` — the flow its request arrived on — when that is a connection still
   * open; else to "received"/sent-by (reliable), maddr, received + rport or
   * received + sent-by port (unreliable, from the socket the request came in on),
   * or the resolved sent-by. Resolves with the flow used.
   */
  async sendResponse(response: SipResponse, flow?: Flow): Promise<Flow> {
    const via = topViaOf(response);
    const data = serializeMessage(response);
    let open = flow !== undefined && this.transports.isFlowOpen(flow);
    for (let attempt = 0; attempt < 2; attempt++) {
      const dest = responseDestination(via, flow, open);
      switch (dest.kind) {
        case 'flow':
          if (await this.transports.sendOnFlow(dest.flow, data)) {
            this.metrics.increment('messagesSent', dest.flow.protocol);
            return dest.flow;
          }
          open = false; // closed meanwhile: fall back to the Via
          continue;
        case 'address': {
          const target = { address: dest.address, port: dest.port };
          if (dest.fromFlow !== undefined) {
            const from = dest.fromFlow;
            const out: Flow = { id: udpFlowId(from.local, target), protocol: 'UDP', local: from.local, remote: target };
            await this.sendBytesOnFlow(out, data);
            return out;
          }
          return this.sendBytes(dest.protocol, target, data);
        }
        case 'resolve': {
          const target = await this.resolveSentBy(dest.host, dest.port, dest.protocol);
          return this.sendBytes(dest.protocol, target, data);
        }
        case 'none':
          this.metrics.increment('sendFailures', flow?.protocol ?? 'UDP');
          throw new TransportError('no-destination', dest.reason);
      }
    }
    throw new TransportError('flow-closed', 'Flow closed while sending');
  }

  private async sendBytes(protocol: TransportProtocol, target: SendTarget, data: Buffer): Promise<Flow> {
    const flow = await this.transports.send(protocol, target, data);
    this.metrics.increment('messagesSent', protocol);
    return flow;
  }

  private async sendBytesOnFlow(flow: Flow, data: Buffer): Promise<void> {
    if (!(await this.transports.sendOnFlow(flow, data))) {
      this.metrics.increment('sendFailures', flow.protocol);
      throw new TransportError('flow-closed', `Flow ${flow.id} is closed`);
    }
    this.metrics.increment('messagesSent', flow.protocol);
  }
}

function topViaOf(message: SipMessage): Via {
  try {
    return message.topVia;
  } catch (err) {
    throw new TransportError('invalid-message', 'The message has no usable top Via', { cause: err });
  }
}

/** A TCP reset / refusal while connecting (RFC 3261 §18.1.1 fallback to UDP). */
function isRefusal(err: unknown): boolean {
  if (!(err instanceof TransportError) || err.code !== 'connect-failed') return false;
  const code = (err.cause as { code?: unknown } | undefined)?.code;
  return code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EPROTONOSUPPORT';
}

const lookupSentBy: SentByResolver = async (host, port, protocol) => {
  const { address } = await lookup(host).catch((err: unknown) => {
    throw new TransportError('no-destination', `Cannot resolve ${host}`, { cause: err });
  });
  return { address, port: port ?? defaultPort(protocol), serverName: host };
};
