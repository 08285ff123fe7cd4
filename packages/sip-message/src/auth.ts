import { fail, ok, type Result } from './result.js';
import { Scanner, quote, unquote } from './scanner.js';

/**
 * A challenge (WWW-Authenticate, Proxy-Authenticate) or credentials
 * (Authorization, Proxy-Authorization): auth-scheme followed by a comma list
 * of auth-param (RFC 3261 §20.7, §20.27, §20.28, §20.44; RFC 7616 §3.3-3.4).
 * Parameter names are lower-cased; values are unquoted.
 */
export interface AuthHeader {
  readonly scheme: string;
  readonly params: ReadonlyMap<string, string>;
}

export function parseAuthHeader(value: string, header: string): Result<AuthHeader> {
  const s = new Scanner(value);
  s.skipWs();
  const scheme = s.token();
  if (scheme.length === 0) return fail(`Bad ${header}: missing scheme`, header.toLowerCase());
  const params = new Map<string, string>();
  s.skipWs();
  while (!s.eof()) {
    const name = s.token().toLowerCase();
    if (name.length === 0 || !s.eat(0x3d)) return fail(`Bad ${header}: malformed auth-param`, header.toLowerCase());
    let v: string;
    if (s.peek() === 0x22) {
      const q = s.quoted();
      if (!q.ok) return fail(`Bad ${header}: unterminated quoted value`, header.toLowerCase());
      v = unquote(q.value);
    } else {
      v = s.token();
      if (v.length === 0) return fail(`Bad ${header}: empty value for ${name}`, header.toLowerCase());
    }
    if (params.has(name)) return fail(`Bad ${header}: duplicate parameter ${name}`, header.toLowerCase());
    params.set(name, v);
    s.skipWs();
    if (s.eof()) break;
    if (!s.eat(0x2c)) return fail(`Bad ${header}: expected ","`, header.toLowerCase());
  }
  return ok({ scheme, params });
}

/** Parameters written as tokens, not quoted strings (RFC 7616 §3.3: algorithm, stale, qop in credentials, nc). */
const UNQUOTED = new Set(['algorithm', 'stale', 'nc', 'qop-token']);

export function formatAuthHeader(scheme: string, params: Iterable<readonly [string, string]>, unquoted: ReadonlySet<string> = UNQUOTED): string {
  const parts: string[] = [];
  for (const [n, v] of params) parts.push(`${n}=${unquoted.has(n) ? v : quote(v)}`);
  return `${scheme} ${parts.join(', ')}`;
}
