import { WORD, allIn, isToken } from './char-classes.js';
import { fail, ok, type Result } from './result.js';

const MAX_DELTA = 0xffffffff;

/** delta-seconds = 1*DIGIT, at most 2^32-1 (RFC 3261 §20.19, RFC 4475 §3.1.2.4). */
export function parseDeltaSeconds(value: string, header: string): Result<number> {
  const v = value.trim();
  if (!/^\d+$/.test(v)) return fail(`Bad ${header}: expected delta-seconds`, header.toLowerCase());
  if (v.replace(/^0+/, '').length > 10 || Number(v) > MAX_DELTA) return fail(`Bad ${header}: value out of range`, header.toLowerCase());
  return ok(Number(v));
}

/** Max-Forwards = 1*DIGIT, 0-255 (RFC 3261 §20.22, RFC 4475 §3.1.2.4). */
export function parseMaxForwards(value: string): Result<number> {
  const v = value.trim();
  if (!/^\d{1,10}$/.test(v) || Number(v) > 255) return fail('Bad Max-Forwards: not a number in 0-255', 'max-forwards');
  return ok(Number(v));
}

/** Call-ID = word [ "@" word ] (RFC 3261 §20.8). */
export function parseCallId(value: string): Result<string> {
  const v = value.trim();
  const at = v.indexOf('@');
  const ok1 = at < 0 ? allIn(WORD, v) : allIn(WORD, v.slice(0, at)) && allIn(WORD, v.slice(at + 1));
  return ok1 ? ok(v) : fail('Bad Call-ID', 'call-id');
}

/** A comma list of tokens: Supported, Require, Proxy-Require, Unsupported, Allow (RFC 3261 §20). */
export function parseTokenList(values: readonly string[], header: string): Result<string[]> {
  const out: string[] = [];
  for (const value of values) {
    if (value.trim().length === 0) continue; // "Supported:" may be empty (§20.37)
    for (const part of value.split(',')) {
      const t = part.trim();
      if (!isToken(t)) return fail(`Bad ${header}: invalid token "${t.slice(0, 20)}"`, header.toLowerCase());
      out.push(t);
    }
  }
  return ok(out);
}

/** SIP-ETag and SIP-If-Match = entity-tag = token (RFC 3903 §11.3.1). */
export function parseEntityTag(value: string, header: string): Result<string> {
  const v = value.trim();
  return isToken(v) ? ok(v) : fail(`Bad ${header}: invalid entity-tag`, header.toLowerCase());
}

const WKDAY = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const MONTH = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Date = rfc1123-date: wkday "," SP 2DIGIT SP month SP 4DIGIT SP time SP "GMT"
 * (RFC 3261 §20.17: "only the GMT time zone is allowed"; RFC 4475 §3.1.2.12).
 */
export function parseSipDate(value: string): Result<Date> {
  const m = /^(\w{3}), (\d{2}) (\w{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/.exec(value.trim());
  if (m === null || !WKDAY.includes(m[1] ?? '') || !MONTH.includes(m[3] ?? '')) return fail('Bad Date: not an RFC 1123 GMT date', 'date');
  const d = new Date(Date.UTC(Number(m[4]), MONTH.indexOf(m[3] ?? ''), Number(m[2]), Number(m[5]), Number(m[6]), Number(m[7])));
  return Number.isNaN(d.getTime()) ? fail('Bad Date: invalid date', 'date') : ok(d);
}

/** Formats a Date header value. */
export function formatSipDate(d: Date): string {
  return d.toUTCString();
}
