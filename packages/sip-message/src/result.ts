/** The outcome of parsing untrusted input: a value, or an error that says why. */
export type Result<T, E = SipParseError> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

import { SipParseError } from './sip-parse-error.js';

export function ok<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

export function fail(reason: string, header?: string, status = 400): { readonly ok: false; readonly error: SipParseError } {
  return { ok: false, error: new SipParseError(status, reason, header) };
}
