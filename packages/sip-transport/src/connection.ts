import type { Flow } from './flow.js';

/**
 * One connection of a connection-oriented transport (TCP, TLS, WS, WSS): a flow
 * in the sense of RFC 5626 §2.1, shared by client and server transactions
 * (RFC 3261 §18).
 */
export interface Connection {
  readonly flow: Flow;
  /** Whether this side opened the connection (as opposed to accepting it). */
  readonly outbound: boolean;
  /** Whether data can still be written. */
  readonly isOpen: boolean;
  /** Clock time of the last byte sent or received, for the idle timeout. */
  readonly lastActivity: number;
  /** Writes one whole SIP message (or keep-alive). Resolves once handed to the socket. */
  send(data: Buffer): Promise<void>;
  /** Closes the connection; idempotent. */
  close(): void;
}
