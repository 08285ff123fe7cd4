import type { PidfError } from './pidf-error.js';

/** The outcome of parsing untrusted input: a value, or an error that says why. */
export type Result<T, E = PidfError> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };
