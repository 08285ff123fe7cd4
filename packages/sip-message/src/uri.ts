import { HNV, PARAMCHAR, PASSWORD, USER, allIn, inClass } from './char-classes.js';
import { escapesValid } from './escape.js';
import { Params } from './params.js';
import { fail, ok, type Result } from './result.js';

/** A sip: or sips: URI (RFC 3261 §19.1). Components keep their escaped form. */
export class SipUri {
  readonly kind = 'sip' as const;
  constructor(
    public scheme: 'sip' | 'sips',
    public host: string,
    public port?: number,
    public user?: string,
    public password?: string,
    public params: Params = new Params(),
    /** URI headers (`?name=value&...`), RFC 3261 §19.1.1. */
    public headers: Params = new Params(),
  ) {}

  /** host[:port], with IPv6 references in brackets. */
  get hostport(): string {
    return this.port === undefined ? this.host : `${this.host}:${this.port}`;
  }

  /** `user@host` (or just host): the address-of-record form, no parameters. */
  get aor(): string {
    return this.user === undefined ? this.host.toLowerCase() : `${this.user}@${this.host.toLowerCase()}`;
  }

  clone(): SipUri {
    return new SipUri(this.scheme, this.host, this.port, this.user, this.password, this.params.clone(), this.headers.clone());
  }

  toString(): string {
    let s = this.scheme + ':';
    if (this.user !== undefined) {
      s += this.user;
      if (this.password !== undefined) s += ':' + this.password;
      s += '@';
    }
    s += this.hostport + this.params.toString();
    if (this.headers.size > 0) {
      s += '?' + this.headers.entries().map(([n, v]) => `${n}=${v ?? ''}`).join('&');
    }
    return s;
  }
}

/** A tel: URI (RFC 3966): the number and its parameters. */
export class TelUri {
  readonly kind = 'tel' as const;
  readonly scheme = 'tel' as const;
  constructor(
    public number: string,
    public params: Params = new Params(),
  ) {}
  clone(): TelUri {
    return new TelUri(this.number, this.params.clone());
  }
  toString(): string {
    return `tel:${this.number}${this.params.toString()}`;
  }
}

/** Any other absoluteURI (RFC 3261 §25.1), kept opaque. */
export class AbsoluteUri {
  readonly kind = 'absolute' as const;
  constructor(
    public scheme: string,
    public opaque: string,
  ) {}
  clone(): AbsoluteUri {
    return new AbsoluteUri(this.scheme, this.opaque);
  }
  toString(): string {
    return `${this.scheme}:${this.opaque}`;
  }
}

export type Uri = SipUri | TelUri | AbsoluteUri;

const SCHEME = /^[A-Za-z][A-Za-z0-9+\-.]*$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6_BODY = /^[0-9A-Fa-f:.]+$/;
const HOSTNAME = /^([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\.)*[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\.?$/;
/** RFC 3966 global-number-digits / local-number-digits, loosely: digits, hex, visual separators, * # + */
const TEL_NUMBER = /^\+?[0-9A-Fa-f*#\-.()]+$/;
/** absoluteURI characters after the scheme: no whitespace, angle brackets or quotes. */
const OPAQUE = /^[^\s<>"]+$/;

export function isIpv4(host: string): boolean {
  return IPV4.test(host);
}

/** An IPv6 reference: "[" IPv6address "]". */
export function isIpv6Reference(host: string): boolean {
  return host.length > 2 && host.startsWith('[') && host.endsWith(']') && IPV6_BODY.test(host.slice(1, -1)) && host.includes(':');
}

/** RFC 3261 §25.1: host = hostname / IPv4address / IPv6reference. */
export function isValidHost(host: string): boolean {
  return IPV4.test(host) || isIpv6Reference(host) || HOSTNAME.test(host);
}

function parseParamList(text: string, cls: Uint8Array, what: string): Result<Params> {
  const params = new Params();
  if (text.length === 0) return ok(params);
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? null : part.slice(eq + 1);
    if (!allIn(cls, name) || !escapesValid(name)) return fail(`Bad ${what} parameter name "${name}"`);
    if (value !== null && (!allIn(cls, value) || !escapesValid(value))) return fail(`Bad ${what} parameter value "${value}"`);
    params.set(name, value);
  }
  return ok(params);
}

function parseSipUri(scheme: 'sip' | 'sips', rest: string): Result<SipUri> {
  let user: string | undefined;
  let password: string | undefined;
  let hostPart = rest;
  const at = rest.indexOf('@');
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    hostPart = rest.slice(at + 1);
    const colon = userinfo.indexOf(':');
    user = colon < 0 ? userinfo : userinfo.slice(0, colon);
    if (colon >= 0) password = userinfo.slice(colon + 1);
    if (!allIn(USER, user) || !escapesValid(user)) return fail('Bad URI: invalid user part');
    if (password !== undefined && !(password.length === 0 || (allIn(PASSWORD, password) && escapesValid(password)))) {
      return fail('Bad URI: invalid password');
    }
  }
  let headersText = '';
  const q = hostPart.indexOf('?');
  if (q >= 0) {
    headersText = hostPart.slice(q + 1);
    hostPart = hostPart.slice(0, q);
  }
  let paramsText = '';
  const semi = hostPart.indexOf(';');
  if (semi >= 0) {
    paramsText = hostPart.slice(semi + 1);
    hostPart = hostPart.slice(0, semi);
  }
  let host = hostPart;
  let port: number | undefined;
  const close = hostPart.lastIndexOf(']');
  const colon = hostPart.lastIndexOf(':');
  if (colon > close && !(close < 0 && hostPart.startsWith('['))) {
    host = hostPart.slice(0, colon);
    const portText = hostPart.slice(colon + 1);
    if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) return fail('Bad URI: invalid port');
    port = Number(portText);
  }
  if (!isValidHost(host)) return fail('Bad URI: invalid host');
  const params = parseParamList(paramsText, PARAMCHAR, 'URI');
  if (!params.ok) return params;
  const headers = new Params();
  if (q >= 0) {
    for (const h of headersText.split('&')) {
      const eq = h.indexOf('=');
      if (eq <= 0) return fail('Bad URI: malformed header component');
      const name = h.slice(0, eq);
      const value = h.slice(eq + 1);
      if (!allIn(HNV, name) || !(value.length === 0 || allIn(HNV, value)) || !escapesValid(h)) {
        return fail('Bad URI: invalid header component');
      }
      headers.set(name, value);
    }
  }
  return ok(new SipUri(scheme, host, port, user, password, params.value, headers));
}

function parseTelUri(rest: string): Result<TelUri> {
  const semi = rest.indexOf(';');
  const number = semi < 0 ? rest : rest.slice(0, semi);
  if (!TEL_NUMBER.test(number)) return fail('Bad URI: invalid telephone number');
  const params = parseParamList(semi < 0 ? '' : rest.slice(semi + 1), PARAMCHAR, 'tel');
  if (!params.ok) return params;
  return ok(new TelUri(number, params.value));
}

/**
 * Parses a URI: sip, sips (RFC 3261 §19.1), tel (RFC 3966), or any other
 * absoluteURI, which is kept opaque so that a UAS can answer 416 (RFC 3261 §8.2.2.1).
 */
export function parseUri(text: string): Result<Uri> {
  const colon = text.indexOf(':');
  if (colon <= 0) return fail('Bad URI: no scheme');
  const scheme = text.slice(0, colon);
  if (!SCHEME.test(scheme)) return fail('Bad URI: invalid scheme');
  const rest = text.slice(colon + 1);
  const lower = scheme.toLowerCase();
  if (lower === 'sip' || lower === 'sips') return parseSipUri(lower, rest);
  if (lower === 'tel') return parseTelUri(rest);
  if (!OPAQUE.test(rest)) return fail('Bad URI: invalid characters');
  return ok(new AbsoluteUri(scheme, rest));
}

/** Characters that may stand unescaped in a URI parameter (for builders). */
export function isParamChar(code: number): boolean {
  return inClass(PARAMCHAR, code);
}
