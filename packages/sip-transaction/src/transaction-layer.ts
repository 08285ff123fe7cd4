import type { SipParseError, SipRequest, SipResponse } from '@simple/sip-message';
import { newBranch } from './branch.js';
import { ClientTransactionTable } from './client-transaction-table.js';
import { systemClock, type Clock } from '@simple/clock';
import { InviteClientTransaction } from './invite-client-transaction.js';
import { InviteServerTransaction, type AckDisposition } from './invite-server-transaction.js';
import { NonInviteClientTransaction } from './non-invite-client-transaction.js';
import { NonInviteServerTransaction } from './non-invite-server-transaction.js';
import { ServerTransactionTable } from './server-transaction-table.js';
import { resolveTimerConfig, TRYING_DELAY_MS, type TimerConfig } from './timers.js';
import { TransactionTableFullError, TransactionUsageError } from './transaction-error.js';
import { readTransactionFields } from './transaction-fields.js';
import { bindChannel, type TransactionTransport } from './transaction-transport.js';
import type { ClientTransaction, ClientTransactionUser, ServerTransaction, TransactionUser } from './transaction-user.js';

/** Default bound of each transaction table. */
export const DEFAULT_MAX_TRANSACTIONS = 100_000;

export interface TransactionLayerOptions<Target> {
  readonly transport: TransactionTransport<Target>;
  /** The UA or proxy core: receives new requests, ACKs for 2xx, and server transaction failures. */
  readonly user: TransactionUser<Target>;
  /** Defaults to the system clock. */
  readonly clock?: Clock;
  /** T1, T2 and T4 (RFC 3261 Appendix A); defaults 500 ms, 4 s, 5 s. */
  readonly timers?: Partial<TimerConfig>;
  /** Delay of the automatic 100 (Trying) to an INVITE (RFC 3261 §17.2.1); 200 ms. */
  readonly tryingDelayMs?: number;
  /** Bound of the server transaction table; new requests beyond it are refused. */
  readonly maxServerTransactions?: number;
  /** Bound of the client transaction table; `sendRequest` beyond it throws. */
  readonly maxClientTransactions?: number;
}

/** What `receiveRequest` did with a request. */
export type RequestOutcome =
  /** A new server transaction; the request went to the TU. */
  | { readonly kind: 'new'; readonly transaction: ServerTransaction }
  /** A retransmission, absorbed by its transaction (which may have resent its last response). */
  | { readonly kind: 'retransmission'; readonly transaction: ServerTransaction }
  /** An ACK that matched an INVITE server transaction; 'for-tu' ones went to the TU. */
  | { readonly kind: 'ack'; readonly transaction: InviteServerTransaction; readonly disposition: AckDisposition }
  /** An ACK that matched no transaction (an ACK for a 2xx); it went to the TU. */
  | { readonly kind: 'stray-ack' }
  /** The server table is full; no transaction was created and the TU saw nothing (the caller may answer 503). */
  | { readonly kind: 'refused'; readonly error: TransactionTableFullError }
  /** The request lacks a header matching needs. */
  | { readonly kind: 'invalid'; readonly error: SipParseError };

/** What `receiveResponse` did with a response. */
export type ResponseOutcome =
  | { readonly kind: 'matched'; readonly transaction: ClientTransaction }
  /** No client transaction matched: dropped (RFC 6026 §8.9), reported to `onStrayResponse`. */
  | { readonly kind: 'stray' }
  | { readonly kind: 'invalid'; readonly error: SipParseError };

/**
 * The transaction layer (RFC 3261 §17): creates client transactions for the
 * TU's requests, matches responses to them (§17.1.3), matches requests to
 * server transactions or creates them (§17.2.3), and drops transactions from
 * its tables when they terminate.
 */
export class TransactionLayer<Target = unknown> {
  private readonly transport: TransactionTransport<Target>;
  private readonly user: TransactionUser<Target>;
  private readonly clock: Clock;
  private readonly timers: TimerConfig;
  private readonly tryingDelayMs: number;
  private readonly maxServer: number;
  private readonly maxClient: number;
  private readonly clients = new ClientTransactionTable();
  private readonly servers = new ServerTransactionTable();

  constructor(options: TransactionLayerOptions<Target>) {
    this.transport = options.transport;
    this.user = options.user;
    this.clock = options.clock ?? systemClock;
    this.timers = resolveTimerConfig(options.timers);
    this.tryingDelayMs = options.tryingDelayMs ?? TRYING_DELAY_MS;
    this.maxServer = options.maxServerTransactions ?? DEFAULT_MAX_TRANSACTIONS;
    this.maxClient = options.maxClientTransactions ?? DEFAULT_MAX_TRANSACTIONS;
  }

  get serverTransactionCount(): number {
    return this.servers.size;
  }

  get clientTransactionCount(): number {
    return this.clients.size;
  }

  /** The client transaction of a branch and method, if it still exists. */
  findClientTransaction(branch: string, method: string): ClientTransaction | undefined {
    return this.clients.get(branch, method);
  }

  /** Every live server transaction (a snapshot). */
  serverTransactions(): ServerTransaction[] {
    return this.servers.values();
  }

  /** Every live client transaction (a snapshot). */
  clientTransactions(): ClientTransaction[] {
    return this.clients.values();
  }

  /** A message from the transport: requests with the flow they came on, responses alone. */
  receive(message: SipRequest | SipResponse, source: Target): RequestOutcome | ResponseOutcome {
    return message.kind === 'request' ? this.receiveRequest(message, source) : this.receiveResponse(message);
  }

  /**
   * A request from the transport and the flow (or source) it arrived on.
   * RFC 6026 §8.10: "If a matching server transaction is found, the request is passed to that transaction for processing.
   * If no match is found, the request is passed to the core, which may decide to construct a new server transaction".
   * The layer constructs it: every request but ACK gets one.
   */
  receiveRequest(request: SipRequest, source: Target): RequestOutcome {
    const read = readTransactionFields(request);
    if (!read.ok) return { kind: 'invalid', error: read.error };
    const fields = read.value;

    if (request.method === 'ACK') {
      const invite = this.servers.matchAck(request, fields);
      if (invite === undefined) {
        // RFC 3261 §17: "If the response was a 2xx, the ACK is not considered part of the transaction": an ACK matching
        // no transaction goes to the core.
        this.user.onAck(request, { source, transaction: undefined });
        return { kind: 'stray-ack' };
      }
      const disposition = invite.receiveAck(request);
      // RFC 6026 §8.7: "If an ACK is received while the INVITE server transaction is in the "Accepted" state, then the
      // ACK must be passed up to the TU." (§6: also for RFC 2543 ACKs, which match the INVITE's transaction.)
      if (disposition === 'for-tu') this.user.onAck(request, { source, transaction: invite });
      return { kind: 'ack', transaction: invite, disposition };
    }

    const existing = this.servers.match(request, fields);
    if (existing !== undefined) {
      // RFC 3261 §17.2.1, §17.2.2: a retransmission is absorbed by its transaction, never passed to the TU again.
      existing.receiveRequest(request);
      return { kind: 'retransmission', transaction: existing };
    }

    if (this.servers.size >= this.maxServer) return { kind: 'refused', error: new TransactionTableFullError('server', this.maxServer) };

    const cancels = request.method === 'CANCEL' ? this.servers.matchCancelled(request, fields) : undefined;
    const options = {
      channel: bindChannel(this.transport, source),
      clock: this.clock,
      timers: this.timers,
      onTerminated: () => this.servers.remove(transaction),
    };
    const transaction: ServerTransaction =
      request.method === 'INVITE'
        ? new InviteServerTransaction(request, this.user, { ...options, tryingDelayMs: this.tryingDelayMs })
        : new NonInviteServerTransaction(request, this.user, options);
    this.servers.add(transaction, fields);
    transaction.start();
    // RFC 3261 §17.2.1: "The request MUST be passed to the TU." §17.2.2: "This request is passed up to the TU."
    this.user.onRequest(transaction, request, { source, cancels });
    return { kind: 'new', transaction };
  }

  /** A response from the transport, matched by RFC 3261 §17.1.3. */
  receiveResponse(response: SipResponse): ResponseOutcome {
    const read = readTransactionFields(response);
    if (!read.ok) return { kind: 'invalid', error: read.error };
    const { topVia, cseq } = read.value;
    const branch = topVia.branch;
    const transaction = branch === undefined ? undefined : this.clients.get(branch, cseq.method);
    if (transaction === undefined) {
      // RFC 6026 §8.9: "If there is a match, the response MUST be passed to that transaction. Otherwise, any element other
      // than a stateless proxy MUST silently discard the response."
      this.user.onStrayResponse?.(response);
      return { kind: 'stray' };
    }
    transaction.receiveResponse(response);
    return { kind: 'matched', transaction };
  }

  /**
   * Creates a client transaction for a request and sends it to `destination`
   * (RFC 3261 §17.1: the TU "passes it the SIP request to send and an IP
   * address, port, and transport to which to send it").
   *
   * The top Via must be there (the TU knows its sent-by). Its branch is kept
   * if it starts with the magic cookie (a CANCEL reuses its INVITE's branch,
   * RFC 3261 §9.1); otherwise a fresh one is written into the request.
   * Throws TransactionUsageError for an ACK (RFC 3261 §17.1: "There is no
   * client transaction for ACK"), a request without the headers matching
   * needs, or a branch and method already in use; TransactionTableFullError
   * when the client table is full.
   */
  sendRequest(request: SipRequest, destination: Target, user: ClientTransactionUser): ClientTransaction {
    if (request.method === 'ACK') {
      throw new TransactionUsageError('There is no client transaction for ACK (RFC 3261 §17.1): send it through the transport');
    }
    const read = readTransactionFields(request);
    if (!read.ok) throw new TransactionUsageError(`Request unfit for a client transaction: ${read.error.reason}`);
    if (read.value.cseq.method !== request.method) {
      // RFC 3261 §8.1.1.5: "The method MUST match that of the request."
      throw new TransactionUsageError(`CSeq method ${read.value.cseq.method} differs from ${request.method}`);
    }
    let via = read.value.topVia;
    if (!via.rfc3261Branch) {
      // RFC 3261 §8.1.1.7: "The branch parameter value MUST be unique across space and time for all requests sent by the
      // UA" and "MUST always begin with the characters "z9hG4bK"".
      via = via.clone();
      via.params.set('branch', newBranch());
      request.setTopVia(via);
    }
    const branch = via.branch ?? '';
    if (this.clients.has(branch, request.method)) {
      throw new TransactionUsageError(`A client transaction for branch ${branch} and ${request.method} exists`);
    }
    if (this.clients.size >= this.maxClient) throw new TransactionTableFullError('client', this.maxClient);

    const options = {
      channel: bindChannel(this.transport, destination),
      clock: this.clock,
      timers: this.timers,
      onTerminated: () => this.clients.remove(branch, request.method, transaction),
    };
    const transaction: ClientTransaction =
      request.method === 'INVITE' ? new InviteClientTransaction(request, user, options) : new NonInviteClientTransaction(request, user, options);
    this.clients.add(branch, request.method, transaction);
    transaction.start();
    return transaction;
  }

  /** Destroys every transaction without telling the TU (shutdown); the tables are empty afterwards. */
  close(): void {
    for (const t of this.clients.values()) t.dispose();
    for (const t of this.servers.values()) t.dispose();
  }
}
