import type { Params } from './params.js';
import { fail, ok, type Result } from './result.js';
import { Scanner, scanParams } from './scanner.js';

/** Retry-After = delta-seconds [ comment ] *( SEMI retry-param ) (RFC 3261 §20.33). */
export interface RetryAfter {
  readonly seconds: number;
  readonly comment: string | undefined;
  readonly params: Params;
}

export function parseRetryAfter(value: string): Result<RetryAfter> {
  const s = new Scanner(value);
  s.skipWs();
  const start = s.pos;
  while (!s.eof() && s.peek() >= 0x30 && s.peek() <= 0x39) s.pos++;
  const digits = s.text.slice(start, s.pos);
  if (digits.length === 0 || digits.replace(/^0+/, '').length > 10 || Number(digits) > 0xffffffff) {
    return fail('Bad Retry-After: delta-seconds out of range', 'retry-after');
  }
  s.skipWs();
  let comment: string | undefined;
  if (s.peek() === 0x28) {
    // comment = LPAREN *(ctext / quoted-pair / comment) RPAREN, nesting allowed.
    let depth = 0;
    const cStart = s.pos;
    while (!s.eof()) {
      const c = s.peek();
      s.pos++;
      if (c === 0x5c) s.pos++;
      else if (c === 0x28) depth++;
      else if (c === 0x29 && --depth === 0) break;
    }
    if (depth !== 0) return fail('Bad Retry-After: unterminated comment', 'retry-after');
    comment = s.text.slice(cStart + 1, s.pos - 1);
  }
  const params = scanParams(s, 'Retry-After');
  if (!params.ok) return params;
  s.skipWs();
  if (!s.eof()) return fail('Bad Retry-After: trailing characters', 'retry-after');
  const duration = params.value.get('duration');
  if (duration !== undefined && (duration === null || !/^\d{1,10}$/.test(duration))) {
    return fail('Bad Retry-After: invalid duration', 'retry-after');
  }
  return ok({ seconds: Number(digits), comment, params: params.value });
}
