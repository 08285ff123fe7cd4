/**
 * An ordered list of `;name[=value]` parameters. Names compare
 * case-insensitively (RFC 3261 §7.3.1); order and spelling are kept so that a
 * message re-serializes as it arrived.
 */
export class Params {
  private readonly list: Array<[name: string, value: string | null]>;

  constructor(entries: Iterable<readonly [string, string | null]> = []) {
    this.list = [];
    for (const [n, v] of entries) this.list.push([n, v]);
  }

  private index(name: string): number {
    const lower = name.toLowerCase();
    for (let i = 0; i < this.list.length; i++) {
      const entry = this.list[i];
      if (entry !== undefined && entry[0].toLowerCase() === lower) return i;
    }
    return -1;
  }

  has(name: string): boolean {
    return this.index(name) >= 0;
  }

  /** The value; `null` for a parameter without value; `undefined` when absent. */
  get(name: string): string | null | undefined {
    const i = this.index(name);
    return i < 0 ? undefined : (this.list[i]?.[1] ?? null);
  }

  set(name: string, value: string | null): this {
    const i = this.index(name);
    if (i < 0) this.list.push([name, value]);
    else this.list[i] = [this.list[i]?.[0] ?? name, value];
    return this;
  }

  delete(name: string): this {
    const i = this.index(name);
    if (i >= 0) this.list.splice(i, 1);
    return this;
  }

  get size(): number {
    return this.list.length;
  }

  entries(): ReadonlyArray<readonly [string, string | null]> {
    return this.list;
  }

  clone(): Params {
    return new Params(this.list);
  }

  /** `;a=1;b` (empty when there are none). */
  toString(): string {
    let out = '';
    for (const [n, v] of this.list) out += v === null ? `;${n}` : `;${n}=${v}`;
    return out;
  }
}
