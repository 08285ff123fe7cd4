import type { XcapDocumentResult } from './xcap-document.js';

/** What a cache holds for a document: the document, or the fact that it does not exist. */
export type CachedDocument = Extract<XcapDocumentResult, { kind: 'document' } | { kind: 'not-found' }>;

/** A read in flight for one key: stale once the key was dropped after the read began. */
export interface ReadTicket {
  readonly key: string;
  stale: boolean;
}

/**
 * A bounded cache of document reads, least recently used out first. A read that
 * was in flight while its document changed may carry the old version, so it is
 * not stored: `begin()` before the read, `complete()` with its answer, which
 * stores it only if no `drop()` of that key (or `clear()`) came in between.
 */
export class DocumentCache {
  private readonly entries = new Map<string, CachedDocument>();
  private readonly pending = new Map<string, Set<ReadTicket>>();
  private live = true;

  constructor(readonly maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError('maxEntries must be a positive integer');
  }

  get size(): number {
    return this.entries.size;
  }

  /** The cached read, made most recently used; undefined when absent. */
  get(key: string): CachedDocument | undefined {
    const v = this.entries.get(key);
    if (v === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, v);
    return v;
  }

  /** A read of `key` starts now. */
  begin(key: string): ReadTicket {
    const ticket: ReadTicket = { key, stale: !this.live };
    const set = this.pending.get(key) ?? new Set<ReadTicket>();
    set.add(ticket);
    this.pending.set(key, set);
    return ticket;
  }

  /** The read's answer: stored unless the document changed meanwhile or the cache is suspended. */
  complete(ticket: ReadTicket, value: CachedDocument): void {
    this.abandon(ticket);
    if (ticket.stale || !this.live) return;
    this.entries.delete(ticket.key);
    this.entries.set(ticket.key, value);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
  }

  /** The read failed: nothing to store. */
  abandon(ticket: ReadTicket): void {
    const set = this.pending.get(ticket.key);
    set?.delete(ticket);
    if (set?.size === 0) this.pending.delete(ticket.key);
  }

  /** A document changed: forget it, and whatever reads of it are in flight. */
  drop(key: string): void {
    this.entries.delete(key);
    for (const t of this.pending.get(key) ?? []) t.stale = true;
  }

  /** Forget everything; while suspended (change events may be missed), store nothing. */
  clear(suspend = false): void {
    this.entries.clear();
    for (const set of this.pending.values()) for (const t of set) t.stale = true;
    if (suspend) this.live = false;
  }

  /** Change events flow again: store reads again. */
  resume(): void {
    this.live = true;
  }
}
