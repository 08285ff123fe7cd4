import type { Clock, ClockTimer } from '@simple/clock';

import type { Connection } from './connection.js';
import { remoteKey } from './flow.js';
import type { TransportProtocol } from './transport-protocol.js';

export interface ConnectionTableOptions {
  readonly clock: Clock;
  /** Connections allowed at once (inbound and outbound together). */
  readonly maxConnections: number;
  /** A connection with no traffic for this long is closed. */
  readonly idleTimeoutMs: number;
  /** Told when the idle timeout closes a connection. */
  readonly onIdleClose?: (connection: Connection) => void;
}

interface Entry {
  readonly connection: Connection;
  timer: ClockTimer | undefined;
}

/**
 * The connection index of RFC 3261 §18: "connections are indexed by the tuple
 * formed from the address, port, and transport protocol at the far end of the
 * connection" — set to the destination for connections this side opens and to
 * the source for accepted ones — so that client and server transports share
 * them. Connections are also indexed by flow id (RFC 5626), so that a response
 * or a request for a registered flow goes back on the very connection.
 *
 * RFC 3261 §18: connections SHOULD be kept open some time after the last message
 * (at least 64*T1); here, for `idleTimeoutMs` after the last byte either way.
 * The table is bounded: `reserve()` fails once `maxConnections` are open or
 * being opened.
 */
export class ConnectionTable {
  private readonly byFlowId = new Map<string, Entry>();
  private readonly byRemote = new Map<string, Connection>();
  private reserved = 0;

  constructor(private readonly options: ConnectionTableOptions) {}

  /** Connections in the table. */
  get size(): number {
    return this.byFlowId.size;
  }

  get maxConnections(): number {
    return this.options.maxConnections;
  }

  /**
   * Claims a slot for a connection about to be accepted or opened; false when the
   * table is full. A claimed slot is given back by `add` or `release`.
   */
  reserve(): boolean {
    if (this.byFlowId.size + this.reserved >= this.options.maxConnections) return false;
    this.reserved++;
    return true;
  }

  /** Gives back a slot claimed by `reserve` that was not used. */
  release(): void {
    if (this.reserved > 0) this.reserved--;
  }

  /** Adds a connection in place of a slot claimed by `reserve`. */
  add(connection: Connection): void {
    this.release();
    const entry: Entry = { connection, timer: undefined };
    this.byFlowId.set(connection.flow.id, entry);
    const { protocol, remote } = connection.flow;
    this.byRemote.set(remoteKey(protocol, remote.address, remote.port), connection);
    this.arm(entry, this.options.idleTimeoutMs);
  }

  /** Removes a closed connection; another connection to the same far end, if any, takes over its index entry. */
  remove(connection: Connection): void {
    const entry = this.byFlowId.get(connection.flow.id);
    if (entry?.connection !== connection) return;
    if (entry.timer !== undefined) this.options.clock.clearTimeout(entry.timer);
    this.byFlowId.delete(connection.flow.id);
    const { protocol, remote } = connection.flow;
    const key = remoteKey(protocol, remote.address, remote.port);
    if (this.byRemote.get(key) === connection) {
      this.byRemote.delete(key);
      for (const other of this.byFlowId.values()) {
        const f = other.connection.flow;
        if (remoteKey(f.protocol, f.remote.address, f.remote.port) === key && other.connection.isOpen) {
          this.byRemote.set(key, other.connection);
          break;
        }
      }
    }
  }

  /** The open connection with this flow id. */
  getByFlowId(flowId: string): Connection | undefined {
    const c = this.byFlowId.get(flowId)?.connection;
    return c?.isOpen === true ? c : undefined;
  }

  /** An open connection to this far end (RFC 3261 §18.1.1: RECOMMENDED to reuse it). */
  getByRemote(protocol: TransportProtocol, address: string, port: number): Connection | undefined {
    const c = this.byRemote.get(remoteKey(protocol, address, port));
    return c?.isOpen === true ? c : undefined;
  }

  /** All connections in the table. */
  connections(): Connection[] {
    return [...this.byFlowId.values()].map((e) => e.connection);
  }

  /** Closes every connection and cancels every timer. */
  closeAll(): void {
    for (const entry of [...this.byFlowId.values()]) {
      if (entry.timer !== undefined) this.options.clock.clearTimeout(entry.timer);
      entry.timer = undefined;
      entry.connection.close();
    }
    this.byFlowId.clear();
    this.byRemote.clear();
    this.reserved = 0;
  }

  private arm(entry: Entry, ms: number): void {
    entry.timer = this.options.clock.setTimeout(() => this.check(entry), ms);
  }

  /** One timer per connection, re-armed for the remainder rather than reset on every message. */
  private check(entry: Entry): void {
    entry.timer = undefined;
    if (this.byFlowId.get(entry.connection.flow.id) !== entry) return;
    const idle = this.options.clock.now() - entry.connection.lastActivity;
    if (idle >= this.options.idleTimeoutMs) {
      this.remove(entry.connection);
      entry.connection.close();
      this.options.onIdleClose?.(entry.connection);
      return;
    }
    this.arm(entry, this.options.idleTimeoutMs - idle);
  }
}
