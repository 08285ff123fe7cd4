import { unescape } from './escape.js';
import type { Params } from './params.js';
import type { Uri, SipUri } from './uri.js';

/** RFC 3261 §19.1.4: these parameters, present in one URI, must be in both. */
const MUST_MATCH = ['user', 'ttl', 'method', 'maddr', 'transport'];

function same(a: string | null | undefined, b: string | null | undefined): boolean {
  if (a === b) return true;
  if (a == null || b == null) return false;
  return unescape(a).toLowerCase() === unescape(b).toLowerCase();
}

function paramsMatch(a: Params, b: Params): boolean {
  for (const name of MUST_MATCH) {
    if (a.has(name) !== b.has(name) || !same(a.get(name), b.get(name))) return false;
  }
  // "All other uri-parameters appearing in only one URI are ignored when comparing."
  for (const [name, value] of a.entries()) {
    if (b.has(name) && !same(value, b.get(name))) return false;
  }
  return true;
}

function headersMatch(a: Params, b: Params): boolean {
  // "URI header components are never ignored. Any present header component
  // MUST be present in both URIs and match for the URIs to match."
  if (a.size !== b.size) return false;
  for (const [name, value] of a.entries()) {
    const other = b.get(name);
    if (other === undefined || unescape(other ?? '') !== unescape(value ?? '')) return false;
  }
  return true;
}

function sipUriEquals(a: SipUri, b: SipUri): boolean {
  // "A SIP and SIPS URI are never equivalent."
  if (a.scheme !== b.scheme) return false;
  // "Comparison of the userinfo of SIP and SIPS URIs is case-sensitive", after unescaping.
  if ((a.user === undefined) !== (b.user === undefined)) return false;
  if (a.user !== undefined && unescape(a.user) !== unescape(b.user ?? '')) return false;
  if ((a.password ?? null) !== (b.password ?? null) && unescape(a.password ?? '') !== unescape(b.password ?? '')) return false;
  // Host comparison is case-insensitive; "a URI omitting any component with a
  // default value will not match a URI explicitly containing that component".
  if (a.host.toLowerCase() !== b.host.toLowerCase()) return false;
  if (a.port !== b.port) return false;
  return paramsMatch(a.params, b.params) && headersMatch(a.headers, b.headers);
}

/** URI equivalence by the rules of RFC 3261 §19.1.4 (tel: by RFC 3966 §4, loosely). */
export function uriEquals(a: Uri, b: Uri): boolean {
  if (a.kind === 'sip' && b.kind === 'sip') return sipUriEquals(a, b);
  if (a.kind === 'tel' && b.kind === 'tel') {
    const digits = (n: string): string => n.replace(/[-.()]/g, '').toLowerCase();
    return digits(a.number) === digits(b.number) && paramsMatch(a.params, b.params);
  }
  if (a.kind === 'absolute' && b.kind === 'absolute') {
    return a.scheme.toLowerCase() === b.scheme.toLowerCase() && a.opaque === b.opaque;
  }
  return false;
}
