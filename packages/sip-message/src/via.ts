import { Params } from './params.js';
import { fail, ok, type Result } from './result.js';
import { Scanner, scanParams } from './scanner.js';
import { isValidHost } from './uri.js';

/** The magic cookie of RFC 3261 §8.1.1.7 branches. */
export const BRANCH_COOKIE = 'z9hG4bK';

/** One Via value: sent-protocol sent-by *( SEMI via-params ) (RFC 3261 §20.42). */
export class Via {
  constructor(
    /** Upper-case transport token: UDP, TCP, TLS, SCTP, WS, WSS or an extension. */
    public transport: string,
    public host: string,
    public port?: number,
    public params: Params = new Params(),
    public protocol = 'SIP/2.0',
  ) {}

  get branch(): string | undefined {
    return this.params.get('branch') ?? undefined;
  }

  /** RFC 3261 §17.2.3: the branch starts with the magic cookie (an RFC 3261 peer). */
  get rfc3261Branch(): boolean {
    const b = this.branch;
    return b !== undefined && b.startsWith(BRANCH_COOKIE);
  }

  get received(): string | undefined {
    return this.params.get('received') ?? undefined;
  }

  /** RFC 3581: `undefined` if absent, `null` if present without value, else the port. */
  get rport(): number | null | undefined {
    const r = this.params.get('rport');
    if (r === undefined) return undefined;
    return r === null ? null : Number(r);
  }

  get maddr(): string | undefined {
    return this.params.get('maddr') ?? undefined;
  }

  get sentBy(): string {
    return this.port === undefined ? this.host : `${this.host}:${this.port}`;
  }

  clone(): Via {
    return new Via(this.transport, this.host, this.port, this.params.clone(), this.protocol);
  }

  toString(): string {
    return `${this.protocol}/${this.transport} ${this.sentBy}${this.params.toString()}`;
  }
}

function scanVia(s: Scanner): Result<Via> {
  s.skipWs();
  const name = s.token();
  if (!s.eat(0x2f)) return fail('Bad Via: malformed sent-protocol', 'via');
  const version = s.token();
  if (!s.eat(0x2f)) return fail('Bad Via: malformed sent-protocol', 'via');
  const transport = s.token();
  if (name.length === 0 || version.length === 0 || transport.length === 0) return fail('Bad Via: malformed sent-protocol', 'via');
  s.skipWs();
  let host: string;
  if (s.peek() === 0x5b) {
    const close = s.text.indexOf(']', s.pos);
    if (close < 0) return fail('Bad Via: unterminated IPv6 reference', 'via');
    host = s.text.slice(s.pos, close + 1);
    s.pos = close + 1;
  } else {
    const start = s.pos;
    while (!s.eof()) {
      const c = s.peek();
      if (c === 0x3a || c === 0x3b || c === 0x2c || c === 0x20 || c === 0x09) break;
      s.pos++;
    }
    host = s.text.slice(start, s.pos);
  }
  if (!isValidHost(host)) return fail('Bad Via: invalid sent-by host', 'via');
  let port: number | undefined;
  if (s.eat(0x3a)) {
    const digits = s.run(DIGITS);
    if (digits.length === 0 || digits.length > 5 || Number(digits) > 65535) return fail('Bad Via: invalid sent-by port', 'via');
    port = Number(digits);
  }
  const params = scanParams(s, 'Via');
  if (!params.ok) return params;
  const rport = params.value.get('rport');
  if (rport !== undefined && rport !== null && !/^\d{1,5}$/.test(rport)) return fail('Bad Via: invalid rport', 'via');
  const protocol = `${name.toUpperCase()}/${version}`;
  return ok(new Via(transport.toUpperCase(), host, port, params.value, protocol));
}

const DIGITS = (() => {
  const t = new Uint8Array(128);
  for (let c = 0x30; c <= 0x39; c++) t[c] = 1;
  return t;
})();

/** Parses every Via value of every Via header field, top first. */
export function parseVias(values: readonly string[]): Result<Via[]> {
  const out: Via[] = [];
  for (const value of values) {
    const s = new Scanner(value);
    for (;;) {
      const via = scanVia(s);
      if (!via.ok) return via;
      out.push(via.value);
      s.skipWs();
      if (s.eof()) break;
      if (!s.eat(0x2c)) return fail(`Bad Via: unexpected "${s.rest().slice(0, 20)}"`, 'via');
    }
  }
  if (out.length === 0) return fail('Missing Via header', 'via');
  return ok(out);
}
