import { isToken } from './char-classes.js';
import { Params } from './params.js';
import { fail, ok, type Result } from './result.js';
import { Scanner, quote, scanParams, unquote } from './scanner.js';
import { parseUri, type Uri } from './uri.js';

/**
 * The value of From, To, Contact, Route, Record-Route, Path and similar
 * headers: ( name-addr / addr-spec ) *( SEMI param ) (RFC 3261 §20.10, §25.1).
 */
export class NameAddr {
  constructor(
    public uri: Uri,
    /** The display name, unquoted; undefined when there is none. */
    public displayName?: string,
    public params: Params = new Params(),
  ) {}

  get tag(): string | undefined {
    const t = this.params.get('tag');
    return t === null ? undefined : t;
  }

  set tag(value: string | undefined) {
    if (value === undefined) this.params.delete('tag');
    else this.params.set('tag', value);
  }

  clone(): NameAddr {
    return new NameAddr(this.uri.clone(), this.displayName, this.params.clone());
  }

  /** Always the name-addr form: a URI in angle brackets cannot swallow header parameters. */
  toString(): string {
    let s = '';
    if (this.displayName !== undefined && this.displayName.length > 0) {
      s = (this.displayName.split(' ').every(isToken) ? this.displayName : quote(this.displayName)) + ' ';
    }
    return `${s}<${this.uri.toString()}>${this.params.toString()}`;
  }
}

/** Scans one name-addr or addr-spec with its parameters, leaving the scanner after them. */
export function scanNameAddr(s: Scanner, what: string): Result<NameAddr> {
  s.skipWs();
  let displayName: string | undefined;
  let uriText: string;
  if (s.peek() === 0x22) {
    const q = s.quoted();
    if (!q.ok) return fail(`Bad ${what}: unterminated quoted display name`, what.toLowerCase());
    displayName = unquote(q.value);
    s.skipWs();
    if (s.peek() !== 0x3c) return fail(`Bad ${what}: display name without <URI>`);
  } else {
    // display-name = *(token LWS): look for "<" after a run of tokens.
    const save = s.pos;
    const words: string[] = [];
    for (;;) {
      const w = s.token();
      if (w.length === 0) break;
      words.push(w);
      s.skipWs();
    }
    if (s.peek() === 0x3c) {
      // RFC 4475 §3.1.1.6: accept a token display name with no LWS before "<".
      if (words.length > 0) displayName = words.join(' ');
    } else {
      s.pos = save;
    }
  }
  if (s.peek() === 0x3c) {
    s.pos++;
    const close = s.text.indexOf('>', s.pos);
    if (close < 0) return fail(`Bad ${what}: missing ">"`);
    uriText = s.text.slice(s.pos, close);
    // LAQUOT = SWS "<" and RAQUOT = ">" SWS: no whitespace inside (RFC 4475 §3.1.2.14).
    if (/\s/.test(uriText)) return fail(`Bad ${what}: whitespace inside <URI>`);
    s.pos = close + 1;
  } else {
    // addr-spec: the URI ends at the first ";" (its parameters are the header's),
    // "," or whitespace. RFC 3261 §20.10: a URI with "," "?" or ";" needs <>.
    const start = s.pos;
    while (!s.eof()) {
      const c = s.peek();
      if (c === 0x3b || c === 0x2c || c === 0x20 || c === 0x09) break;
      s.pos++;
    }
    uriText = s.text.slice(start, s.pos);
    if (uriText.includes('?')) return fail(`Bad ${what}: URI with headers must be enclosed in <>`);
  }
  const uri = parseUri(uriText);
  if (!uri.ok) return fail(`Bad ${what} URI: ${uri.error.reason.replace(/^Bad URI: /, '')}`, what.toLowerCase());
  const params = scanParams(s, what);
  if (!params.ok) return params;
  return ok(new NameAddr(uri.value, displayName, params.value));
}

/** Parses a header value holding exactly one name-addr (From, To, Reply-To...). */
export function parseNameAddr(value: string, what: string): Result<NameAddr> {
  const s = new Scanner(value);
  const na = scanNameAddr(s, what);
  if (!na.ok) return na;
  s.skipWs();
  if (!s.eof()) return fail(`Bad ${what}: unexpected "${s.rest().slice(0, 20)}"`);
  return na;
}

/** Parses a comma-separated list of name-addrs (Route, Record-Route, Path, Contact). */
export function parseNameAddrList(values: readonly string[], what: string): Result<NameAddr[]> {
  const out: NameAddr[] = [];
  for (const value of values) {
    const s = new Scanner(value);
    for (;;) {
      const na = scanNameAddr(s, what);
      if (!na.ok) return na;
      out.push(na.value);
      s.skipWs();
      if (s.eof()) break;
      if (!s.eat(0x2c)) return fail(`Bad ${what}: unexpected "${s.rest().slice(0, 20)}"`);
      if (s.eof()) return fail(`Bad ${what}: empty list element`);
    }
  }
  return ok(out);
}
