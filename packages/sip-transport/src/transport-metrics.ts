import type { TransportProtocol } from './transport-protocol.js';

/** The counters this package maintains. See README.md for what each counts. */
export type TransportCounter =
  | 'bytesReceived'
  | 'bytesSent'
  | 'messagesReceived'
  | 'messagesSent'
  | 'requestsReceived'
  | 'responsesReceived'
  /** A received message the parser rejected. */
  | 'parseErrors'
  /** A response sent by the transport itself for an unparsable request (400, 505, ...). */
  | 'parseErrorResponsesSent'
  /** A received message dropped: unparsable and not answerable, or not SIP at all. */
  | 'messagesDropped'
  /** RFC 3261 §18.1.2: a response whose top Via sent-by is not ours, silently discarded. */
  | 'responsesDiscarded'
  /** A stream that could not be framed (missing/bad Content-Length, too large); its connection is closed. */
  | 'framingErrors'
  /** RFC 5626 §3.5.1 double-CRLF pings received (and answered). */
  | 'keepAlivePingsReceived'
  /** Single CRLFs received between messages (pongs). */
  | 'keepAlivePongsReceived'
  | 'connectionsAccepted'
  | 'connectionsOpened'
  | 'connectionsClosed'
  /** Connections closed by the idle timeout. */
  | 'connectionsIdleClosed'
  /** Inbound connections refused because the connection table was full. */
  | 'connectionsRefused'
  /** Outbound connection attempts that failed or timed out. */
  | 'connectFailures'
  /** RFC 7118 §4.1: WebSocket handshakes refused for lack of the "sip" subprotocol. */
  | 'wsSubprotocolRefused'
  /** TLS handshakes that failed on a listener. */
  | 'tlsHandshakeFailures'
  /** Sends that failed (TransportError). */
  | 'sendFailures'
  /** RFC 3261 §18.1.1: requests moved from UDP to TCP for their size. */
  | 'mtuTcpSwitches'
  /** Exceptions thrown by the TransportUser, caught so that they cannot kill a socket. */
  | 'userErrors';

/**
 * Where counters go: a typed sink, so that the service can bridge it to whatever
 * metrics system it uses (this package does not depend on one).
 */
export interface TransportMetrics {
  increment(counter: TransportCounter, protocol: TransportProtocol, by?: number): void;
}

/** A TransportMetrics that drops everything. */
export const noMetrics: TransportMetrics = { increment: () => undefined };

/** A TransportMetrics that keeps the counts in memory, per counter and protocol. */
export class TransportStats implements TransportMetrics {
  private readonly counts = new Map<string, number>();

  increment(counter: TransportCounter, protocol: TransportProtocol, by = 1): void {
    const key = `${counter}|${protocol}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + by);
  }

  /** The count of one counter, for one protocol or summed over all. */
  get(counter: TransportCounter, protocol?: TransportProtocol): number {
    if (protocol !== undefined) return this.counts.get(`${counter}|${protocol}`) ?? 0;
    let sum = 0;
    for (const [key, n] of this.counts) if (key.startsWith(`${counter}|`)) sum += n;
    return sum;
  }

  /** Every non-zero count, as `{ counter: { protocol: n } }`. */
  snapshot(): Partial<Record<TransportCounter, Partial<Record<TransportProtocol, number>>>> {
    const out: Partial<Record<TransportCounter, Partial<Record<TransportProtocol, number>>>> = {};
    for (const [key, n] of this.counts) {
      const [counter, protocol] = key.split('|') as [TransportCounter, TransportProtocol];
      (out[counter] ??= {})[protocol] = n;
    }
    return out;
  }
}
