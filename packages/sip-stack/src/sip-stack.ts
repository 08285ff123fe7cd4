import { createResponse, SipRequest, validateMessage, type SipResponse, type SipUri } from '@simple/sip-message';
import {
  TransactionLayer,
  type ClientTransaction,
  type ClientTransactionUser,
  type Clock,
  type ServerTransaction,
  type TimerConfig,
  type TransactionTransport,
  type TransactionUser,
  type AckContext,
  type RequestContext,
} from '@simple/sip-transaction';
import {
  SipResolver,
  TransportError,
  TransportLayer,
  toTransportProtocol,
  type Flow,
  type RequestTarget,
  type SipResolverOptions,
  type ListenerConfig,
  type ListenerInfo,
  type TransportLayerConfig,
  type TransportUser,
} from '@simple/sip-transport';
import { IncomingRequest } from './incoming-request.js';
import { newStackStats, type SipStackStats } from './stack-stats.js';
import { targetIsReliable, type StackTarget } from './stack-target.js';
import { checkUasRequest, type UasPolicy } from './uas-request-checks.js';

/** The transaction user of a stack: a UA core, a registrar, an edge proxy. */
export interface RequestHandler {
  /** A new request that passed the §8.2 checks; called once per server transaction. */
  onRequest(incoming: IncomingRequest): void;
  /** An ACK for a 2xx (RFC 3261 §13.3.1.4; RFC 6026 §8.7). */
  onAck?(ack: SipRequest, flow: Flow): void;
  /** A CANCEL matched this INVITE; the stack has answered the CANCEL 200 and the INVITE 487 (§9.2). */
  onCancel?(invite: IncomingRequest): void;
  /** A connection flow closed (RFC 5626): what was registered on it is unreachable. */
  onFlowClosed?(flow: Flow): void;
}

export interface SipStackConfig {
  readonly listeners: readonly ListenerConfig[];
  readonly uas: UasPolicy;
  /**
   * Check every known header before the TU sees a request, answering 400 with
   * the defect (default true). The parser checks the transaction headers anyway.
   */
  readonly strictValidation?: boolean;
  readonly timers?: Partial<TimerConfig>;
  /** Transport options beyond the listeners (path MTU, limits, TLS client options...). */
  readonly transport?: Omit<TransportLayerConfig, 'listeners'>;
  readonly clock?: Clock;
  readonly maxServerTransactions?: number;
  readonly maxClientTransactions?: number;
  /** Retry-After seconds on the 503 sent when the transaction table is full. */
  readonly overloadRetryAfter?: number;
  /** RFC 3263 resolution of request targets and Via sent-by hosts (DNS servers, static overrides). */
  readonly resolver?: SipResolverOptions;
}

export interface SendOptions {
  /** Told of each provisional response. */
  readonly onProvisional?: (response: SipResponse) => void;
}

/**
 * A SIP stack: transport layer (RFC 3261 §18), transaction layer (§17,
 * RFC 6026) and the UAS checks of §8.2, wired to one {@link RequestHandler}.
 */
export class SipStack {
  readonly stats: SipStackStats = newStackStats();
  readonly transport: TransportLayer;
  readonly resolver: SipResolver;
  private readonly transactions: TransactionLayer<StackTarget>;
  private readonly strict: boolean;
  /** The 408s and 503s this stack made up for a timeout or a transport failure (RFC 3261 §8.1.3.1). */
  private readonly localFailures = new WeakSet<SipResponse>();

  constructor(
    private readonly config: SipStackConfig,
    private readonly handler: RequestHandler,
  ) {
    this.strict = config.strictValidation ?? true;
    const transportUser: TransportUser = {
      onRequest: (req, flow) => this.receiveRequest(req, flow),
      onResponse: (res) => {
        this.transactions.receiveResponse(res);
      },
      onFlowClosed: (flow) => this.handler.onFlowClosed?.(flow),
    };
    this.resolver = new SipResolver({ clock: config.clock, ...config.resolver });
    this.transport = new TransportLayer(
      {
        // RFC 3261 §18.2.2: a response to a Via naming a host goes where RFC 3263 §5 says.
        resolveSentBy: async (host, port, protocol) => {
          const r = await this.resolver.resolveSentBy({ host, port, transport: protocol });
          const first = r.ok ? r.value[0] : undefined;
          if (first === undefined) throw new TransportError('no-destination', `cannot resolve sent-by ${host}`);
          return { address: first.address, port: first.port };
        },
        ...config.transport,
        listeners: config.listeners,
        clock: config.clock ?? config.transport?.clock,
      },
      transportUser,
    );
    const lower: TransactionTransport<StackTarget> = {
      isReliable: targetIsReliable,
      send: async (message, target) => {
        if (message.kind === 'response') await this.transport.sendResponse(message, 'flow' in target ? target.flow : undefined);
        else await this.transport.sendRequest(message, target);
      },
    };
    this.transactions = new TransactionLayer<StackTarget>({
      transport: lower,
      user: this.transactionUser(),
      clock: config.clock,
      timers: config.timers,
      maxServerTransactions: config.maxServerTransactions,
      maxClientTransactions: config.maxClientTransactions,
    });
  }

  async start(): Promise<void> {
    await this.transport.start();
  }

  /** Stops listening and drops every transaction (their timers stop). */
  async stop(): Promise<void> {
    this.transactions.close();
    await this.transport.stop();
  }

  /** Live transactions, for a gauge: a table that only grows is a leak. */
  transactionCounts(): { server: number; client: number } {
    return { server: this.transactions.serverTransactionCount, client: this.transactions.clientTransactionCount };
  }

  listeners(): readonly ListenerInfo[] {
    return this.transport.transports.listeners();
  }

  /**
   * Sends a request in a client transaction and resolves with its final
   * response. A timeout resolves as a local 408 and a transport failure as a
   * local 503 (RFC 3261 §8.1.3.1). Rejects only when the request cannot start
   * a transaction (malformed, or the table is full).
   */
  sendRequest(request: SipRequest, destination: StackTarget, options: SendOptions = {}): Promise<SipResponse> {
    return new Promise<SipResponse>((resolve, reject) => {
      let done = false;
      const finish = (res: SipResponse): void => {
        if (!done) {
          done = true;
          resolve(res);
        }
      };
      const user: ClientTransactionUser = {
        receiveResponse: (res: SipResponse, _txn: ClientTransaction) => {
          if (res.status < 200) options.onProvisional?.(res);
          else finish(res);
        },
        onTimeout: () => finish(this.localFailure(request, 408, 'Request Timeout')),
        onTransportError: (err) => finish(this.localFailure(request, 503, `Service Unavailable (${err.message})`)),
      };
      try {
        this.transactions.sendRequest(request, destination, user);
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  /**
   * Sends a request to a SIP URI: RFC 3263 gives the ordered targets, and a
   * timeout or transport failure moves on to the next one with a new branch
   * (RFC 3263 §4.3). Resolves with the first real final response, or the last
   * local failure (408/503) when every target failed.
   */
  async sendRequestToUri(request: SipRequest, uri: SipUri, options: SendOptions = {}): Promise<SipResponse> {
    const transport = uri.params.get('transport');
    const maddr = uri.params.get('maddr');
    const resolved = await this.resolver.resolve({
      scheme: uri.scheme,
      host: uri.host,
      port: uri.port,
      transport: transport ?? undefined,
      maddr: maddr ?? undefined,
    });
    if (!resolved.ok || resolved.value.length === 0) {
      return this.localFailure(request, 503, `Service Unavailable (${resolved.ok ? 'no target' : resolved.error.code})`);
    }
    let last: SipResponse | undefined;
    let attempt = request;
    for (const t of resolved.value) {
      const protocol = toTransportProtocol(t.transport);
      if (protocol === undefined) continue;
      const target: RequestTarget = { protocol, address: t.address, port: t.port, serverName: uri.host };
      last = await this.sendRequest(attempt, target, options);
      if (!this.isLocalFailure(last)) return last;
      // RFC 3263 §4.3: "a new request, which is identical to the previous, but
      // has a different value of the Via branch ID than the previous".
      attempt = withFreshBranch(request);
    }
    return last ?? this.localFailure(request, 503, 'Service Unavailable (no usable target)');
  }

  /** True for a 408/503 that this stack made up rather than received. */
  isLocalFailure(response: SipResponse): boolean {
    return this.localFailures.has(response);
  }

  private localFailure(request: SipRequest, status: number, reason: string): SipResponse {
    const res = createResponse(request, status, { reason });
    this.localFailures.add(res);
    return res;
  }

  private receiveRequest(req: SipRequest, flow: Flow): void {
    const outcome = this.transactions.receiveRequest(req, { flow });
    switch (outcome.kind) {
      case 'retransmission':
        this.stats.retransmissionsAbsorbed++;
        return;
      case 'refused':
        // Overload is answered, not absorbed: 503 with Retry-After, statelessly (RFC 3261 §21.5.4).
        this.stats.requestsRejected++;
        if (req.method !== 'ACK') {
          void this.transport
            .sendResponse(createResponse(req, 503, { headers: [['Retry-After', String(this.config.overloadRetryAfter ?? 5)]] }), flow)
            .catch(() => undefined);
        }
        return;
      case 'invalid':
        this.stats.requestsRejected++;
        if (req.method !== 'ACK') {
          void this.transport.sendResponse(createResponse(req, 400, { reason: outcome.error.reason }), flow).catch(() => undefined);
        }
        return;
      default:
        return;
    }
  }

  private transactionUser(): TransactionUser<StackTarget> {
    return {
      onRequest: (txn: ServerTransaction, req: SipRequest, ctx: RequestContext<StackTarget>) => this.onNewRequest(txn, req, ctx),
      onAck: (ack: SipRequest, ctx: AckContext<StackTarget>) => {
        this.stats.acksToUser++;
        if ('flow' in ctx.source) this.handler.onAck?.(ack, ctx.source.flow);
      },
      onTimeout: () => {
        this.stats.serverTransactionFailures++;
      },
      onTransportError: () => {
        this.stats.serverTransactionFailures++;
      },
      onStrayResponse: () => {
        this.stats.strayResponses++;
      },
    };
  }

  private onNewRequest(txn: ServerTransaction, req: SipRequest, ctx: RequestContext<StackTarget>): void {
    this.stats.requestsReceived++;
    const flow = 'flow' in ctx.source ? ctx.source.flow : undefined;
    if (flow === undefined) return;
    const incoming = new IncomingRequest(req, txn, flow);
    const reject = (status: number, reason?: string, headers: ReadonlyArray<readonly [string, string]> = []): void => {
      this.stats.requestsRejected++;
      incoming.respond(status, { reason, headers });
    };

    if (req.method === 'CANCEL') {
      // RFC 3261 §9.2: "If the UAS did not find a matching transaction for the
      // CANCEL ... it SHOULD respond to the CANCEL with a 481".
      const invite = ctx.cancels;
      if (invite === undefined || invite.method !== 'INVITE') return reject(481);
      incoming.respond(200);
      // "the UAS core ... SHOULD respond to the INVITE with a 487 (Request Terminated)."
      if (invite.finalResponse === undefined) {
        const inviteIncoming = new IncomingRequest(invite.request, invite, flow);
        inviteIncoming.respond(487);
        this.handler.onCancel?.(inviteIncoming);
      }
      return;
    }

    if (this.strict) {
      const bad = validateMessage(req);
      if (bad !== undefined) return reject(bad.status, bad.reason);
    }
    const rejection = checkUasRequest(req, this.config.uas);
    if (rejection !== undefined) return reject(rejection.status, rejection.reason, rejection.headers);

    this.stats.requestsToUser++;
    try {
      this.handler.onRequest(incoming);
    } catch (err) {
      // A TU bug must not leave the client waiting, nor take the process down.
      if (!incoming.answered) incoming.respond(500, { reason: `Server Internal Error (${err instanceof Error ? err.name : 'error'})` });
    }
  }
}

/** A copy of a request whose top Via has no branch, so that a new transaction gets a new one. */
function withFreshBranch(request: SipRequest): SipRequest {
  const copy = new SipRequest(request.method, request.uri, request.headers.clone(), request.body);
  const via = copy.topVia.clone();
  via.params.delete('branch');
  copy.setTopVia(via);
  return copy;
}
