import { canonicalName, isListHeader } from './header-names.js';
import { ok, type Result } from './result.js';
import { splitList } from './scanner.js';

/** One header field as it appeared: canonical name, spelling on the wire, unfolded value. */
export interface HeaderField {
  /** Lower-case long form: "via", "call-id", "x-unknown". */
  readonly name: string;
  /** The name as received (or as first set), written back for unknown headers. */
  readonly rawName: string;
  readonly value: string;
}

const NONE: readonly string[] = [];

/** How to turn the values of one header into a typed value; specs live in header-specs.ts. */
export interface HeaderSpec<T> {
  /** Canonical name. */
  readonly name: string;
  /** Receives every field value in order (list headers already split at commas). */
  parse(values: readonly string[]): Result<T>;
}

/**
 * The ordered header fields of a message. Typed values are parsed on first
 * use and cached until a field of that name changes.
 */
export class SipHeaders implements Iterable<HeaderField> {
  private readonly list: HeaderField[];
  private readonly cache = new Map<string, Result<unknown>>();
  /** Field values by canonical name, built on first lookup and dropped on any change. */
  private index: Map<string, string[]> | undefined;

  constructor(fields: HeaderField[] = []) {
    this.list = fields;
  }

  private lookup(name: string): readonly string[] {
    if (this.index === undefined) {
      const idx = new Map<string, string[]>();
      for (const f of this.list) {
        const v = idx.get(f.name);
        if (v === undefined) idx.set(f.name, [f.value]);
        else v.push(f.value);
      }
      this.index = idx;
    }
    return this.index.get(name) ?? NONE;
  }

  [Symbol.iterator](): Iterator<HeaderField> {
    return this.list[Symbol.iterator]();
  }

  get size(): number {
    return this.list.length;
  }

  /** The first field value of a header (canonical or compact name, any case). */
  get(name: string): string | undefined {
    return this.lookup(canonicalName(name))[0];
  }

  /** Every field value of a header, in order, as written (not split). */
  getAll(name: string): string[] {
    return this.lookup(canonicalName(name)).slice();
  }

  /** Every value of a header: list headers split at their commas (RFC 3261 §7.3.1). */
  values(name: string): string[] {
    const n = canonicalName(name);
    const all = this.lookup(n);
    if (!isListHeader(n)) return all.slice();
    const out: string[] = [];
    for (const v of all) for (const part of splitList(v)) out.push(part);
    return out;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  count(name: string): number {
    return this.lookup(canonicalName(name)).length;
  }

  /** Replaces every field of this name with the given values, where the first one stood. */
  set(name: string, value: string | readonly string[]): this {
    const n = canonicalName(name);
    const values = typeof value === 'string' ? [value] : value;
    let at = this.list.findIndex((f) => f.name === n);
    const rawName = at >= 0 ? (this.list[at]?.rawName ?? name) : name;
    this.removeAll(n);
    if (at < 0 || at > this.list.length) at = this.list.length;
    this.list.splice(at, 0, ...values.map((v) => ({ name: n, rawName, value: v })));
    this.index = undefined;
    return this;
  }

  append(name: string, value: string): this {
    const n = canonicalName(name);
    this.list.push({ name: n, rawName: name, value });
    this.cache.delete(n);
    this.index = undefined;
    return this;
  }

  /** Adds a field before any other of the same name (Via, Record-Route: RFC 3261 §16.6). */
  prepend(name: string, value: string): this {
    const n = canonicalName(name);
    const at = this.list.findIndex((f) => f.name === n);
    this.list.splice(at < 0 ? this.list.length : at, 0, { name: n, rawName: name, value });
    this.cache.delete(n);
    this.index = undefined;
    return this;
  }

  remove(name: string): this {
    this.removeAll(canonicalName(name));
    return this;
  }

  private removeAll(n: string): void {
    for (let i = this.list.length - 1; i >= 0; i--) if (this.list[i]?.name === n) this.list.splice(i, 1);
    this.cache.delete(n);
    this.index = undefined;
  }

  /**
   * The typed value of a header, parsed once and cached; `undefined` when absent.
   * Do not mutate the returned object: write changes back with `setTyped`.
   */
  typed<T>(spec: HeaderSpec<T>): Result<T | undefined> {
    const hit = this.cache.get(spec.name) as Result<T> | undefined;
    if (hit !== undefined) return hit;
    const values = this.values(spec.name);
    const r: Result<T | undefined> = values.length === 0 ? ok(undefined) : spec.parse(values);
    this.cache.set(spec.name, r);
    return r;
  }

  /** Writes a typed value back as text (one field per value) and caches it. */
  setTyped<T>(spec: HeaderSpec<T>, value: T, format: (v: T) => string | readonly string[]): this {
    this.set(spec.name, format(value));
    this.cache.set(spec.name, ok(value));
    return this;
  }

  /**
   * Drops the parsed values and the lookup index, keeping the fields: for a
   * message kept only to be sent again (a transaction's request and last
   * response, for up to 32 s), so that the garbage collector has fewer objects
   * to trace. A later read parses again.
   */
  compact(): void {
    this.cache.clear();
    this.index = undefined;
  }

  clone(): SipHeaders {
    return new SipHeaders(this.list.slice());
  }
}
