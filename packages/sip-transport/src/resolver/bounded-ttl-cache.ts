/**
 * A map whose entries expire and whose size is bounded: when full, the entry used
 * least recently goes. Time is passed in, so that tests drive it.
 */
export class BoundedTtlCache<V> {
  readonly #entries = new Map<string, { readonly value: V; readonly expiresAt: number }>();

  constructor(readonly maxEntries: number) {}

  get size(): number {
    return this.#entries.size;
  }

  get(key: string, now: number): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    if (entry.expiresAt <= now) return undefined;
    this.#entries.set(key, entry); // most recently used goes last
    return entry.value;
  }

  set(key: string, value: V, ttlMs: number, now: number): void {
    this.#entries.delete(key);
    if (ttlMs <= 0 || this.maxEntries <= 0) return;
    this.#entries.set(key, { value, expiresAt: now + ttlMs });
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.maxEntries) break;
      this.#entries.delete(oldest);
    }
  }

  clear(): void {
    this.#entries.clear();
  }
}
