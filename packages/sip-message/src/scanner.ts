import { TOKEN } from './char-classes.js';
import { Params } from './params.js';
import { fail, ok, type Result } from './result.js';

/**
 * A cursor over one header value (already unfolded: RFC 3261 §7.3.1 line
 * folding has been replaced by a single space). Methods follow the §25.1
 * grammar's LWS rules: whitespace is skipped around separators.
 */
export class Scanner {
  pos = 0;
  constructor(readonly text: string) {}

  eof(): boolean {
    return this.pos >= this.text.length;
  }

  peek(): number {
    return this.text.charCodeAt(this.pos);
  }

  skipWs(): void {
    while (this.pos < this.text.length) {
      const c = this.text.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x09) break;
      this.pos++;
    }
  }

  /** Consumes `ch` (with surrounding whitespace when `lws`) and says whether it was there. */
  eat(ch: number, lws = true): boolean {
    const save = this.pos;
    if (lws) this.skipWs();
    if (this.text.charCodeAt(this.pos) === ch) {
      this.pos++;
      if (lws) this.skipWs();
      return true;
    }
    this.pos = save;
    return false;
  }

  /** Reads a run of characters of a class; empty string if none. */
  run(cls: Uint8Array): string {
    const start = this.pos;
    while (this.pos < this.text.length) {
      const c = this.text.charCodeAt(this.pos);
      if (c >= 128 || cls[c] !== 1) break;
      this.pos++;
    }
    return this.text.slice(start, this.pos);
  }

  token(): string {
    return this.run(TOKEN);
  }

  /**
   * quoted-string = SWS DQUOTE *(qdtext / quoted-pair) DQUOTE. Returns the raw
   * text including the quotes, so that it re-serializes byte for byte.
   */
  quoted(): Result<string> {
    const start = this.pos;
    if (this.text.charCodeAt(this.pos) !== 0x22) return fail('Expected quoted string');
    this.pos++;
    while (this.pos < this.text.length) {
      const c = this.text.charCodeAt(this.pos);
      if (c === 0x5c) {
        // quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F)
        if (this.pos + 1 >= this.text.length) break;
        this.pos += 2;
        continue;
      }
      this.pos++;
      if (c === 0x22) return ok(this.text.slice(start, this.pos));
    }
    return fail('Unterminated quoted string');
  }

  rest(): string {
    return this.text.slice(this.pos);
  }
}

/** Removes the quotes and quoted-pair escapes of a quoted-string. */
export function unquote(raw: string): string {
  if (raw.length < 2 || raw.charCodeAt(0) !== 0x22) return raw;
  const inner = raw.slice(1, -1);
  return inner.indexOf('\\') < 0 ? inner : inner.replace(/\\([\s\S])/g, '$1');
}

/** Makes a quoted-string of any text. */
export function quote(text: string): string {
  return '"' + text.replace(/(["\\])/g, '\\$1') + '"';
}

/** gen-value = token / host / quoted-string (RFC 3261 §25.1). */
const GEN_VALUE = (() => {
  const t = new Uint8Array(128);
  for (let i = 0; i < 128; i++) t[i] = TOKEN[i] ?? 0;
  for (const ch of '[]:') t[ch.charCodeAt(0)] = 1;
  return t;
})();

/**
 * Header parameters: *( SEMI generic-param ) with generic-param = token [ EQUAL gen-value ].
 * Stops before a comma or the end. An empty parameter (";;") is an error (RFC 4475 §3.1.2.1).
 */
export function scanParams(s: Scanner, what: string): Result<Params> {
  const params = new Params();
  for (;;) {
    if (!s.eat(0x3b)) return ok(params);
    const name = s.token();
    if (name.length === 0) return fail(`Bad ${what}: empty parameter`);
    let value: string | null = null;
    if (s.eat(0x3d)) {
      if (s.peek() === 0x22) {
        const q = s.quoted();
        if (!q.ok) return fail(`Bad ${what}: ${q.error.reason} in parameter ${name}`);
        value = q.value;
      } else {
        value = s.run(GEN_VALUE);
        if (value.length === 0) return fail(`Bad ${what}: parameter ${name} has no value`);
      }
    }
    params.set(name, value);
  }
}

/**
 * Splits a header value at the commas that separate list elements, not at
 * commas inside quoted strings or angle brackets (RFC 3261 §7.3.1).
 */
export function splitList(value: string): string[] {
  const out: string[] = [];
  let start = 0;
  let inQuote = false;
  let inAngle = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (inQuote) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inQuote = false;
    } else if (c === 0x22) inQuote = true;
    else if (c === 0x3c) inAngle = true;
    else if (c === 0x3e) inAngle = false;
    else if (c === 0x2c && !inAngle) {
      out.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(value.slice(start).trim());
  return out;
}
