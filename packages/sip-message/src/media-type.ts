import type { Params } from './params.js';
import { fail, ok, type Result } from './result.js';
import { Scanner, scanParams, unquote } from './scanner.js';

/** m-type SLASH m-subtype *( SEMI m-parameter ) (RFC 3261 §20.15, §25.1). */
export interface MediaType {
  readonly type: string;
  readonly subtype: string;
  readonly params: Params;
}

function scanMediaType(s: Scanner, header: string, allowWild: boolean): Result<MediaType> {
  s.skipWs();
  const type = allowWild && s.peek() === 0x2a ? (s.pos++, '*') : s.token();
  if (type.length === 0 || !s.eat(0x2f)) return fail(`Bad ${header}: expected type/subtype`, header.toLowerCase());
  const subtype = allowWild && s.peek() === 0x2a ? (s.pos++, '*') : s.token();
  if (subtype.length === 0) return fail(`Bad ${header}: expected type/subtype`, header.toLowerCase());
  const params = scanParams(s, header);
  if (!params.ok) return params;
  return ok({ type: type.toLowerCase(), subtype: subtype.toLowerCase(), params: params.value });
}

export function parseContentType(value: string): Result<MediaType> {
  const s = new Scanner(value);
  const mt = scanMediaType(s, 'Content-Type', false);
  if (!mt.ok) return mt;
  s.skipWs();
  return s.eof() ? mt : fail('Bad Content-Type: trailing characters', 'content-type');
}

/** Accept = [ accept-range *(COMMA accept-range) ]; an empty Accept accepts nothing (§20.1). */
export function parseAccept(values: readonly string[]): Result<MediaType[]> {
  const out: MediaType[] = [];
  for (const value of values) {
    if (value.trim().length === 0) continue;
    const s = new Scanner(value);
    for (;;) {
      const mt = scanMediaType(s, 'Accept', true);
      if (!mt.ok) return mt;
      out.push(mt.value);
      s.skipWs();
      if (s.eof()) break;
      if (!s.eat(0x2c)) return fail('Bad Accept: expected ","', 'accept');
    }
  }
  return ok(out);
}

/** "type/subtype" in lower case, without parameters. */
export function mediaTypeName(mt: MediaType): string {
  return `${mt.type}/${mt.subtype}`;
}

/** A parameter's value with quotes removed (e.g. multipart boundary). */
export function mediaParam(mt: MediaType, name: string): string | undefined {
  const v = mt.params.get(name);
  return v === undefined || v === null ? undefined : unquote(v);
}

/** Whether an Accept range (possibly with wildcards) covers a media type. */
export function acceptsMediaType(range: MediaType, type: string): boolean {
  const [t, st] = type.toLowerCase().split('/');
  return (range.type === '*' || range.type === t) && (range.subtype === '*' || range.subtype === st);
}

export interface ContentDisposition {
  readonly type: string;
  readonly params: Params;
}

/** Content-Disposition = disp-type *( SEMI disp-param ) (RFC 3261 §20.11). */
export function parseContentDisposition(value: string): Result<ContentDisposition> {
  const s = new Scanner(value);
  s.skipWs();
  const type = s.token();
  if (type.length === 0) return fail('Bad Content-Disposition: missing type', 'content-disposition');
  const params = scanParams(s, 'Content-Disposition');
  if (!params.ok) return params;
  s.skipWs();
  if (!s.eof()) return fail('Bad Content-Disposition: trailing characters', 'content-disposition');
  return ok({ type: type.toLowerCase(), params: params.value });
}
