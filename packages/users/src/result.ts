/** The outcome of checking untrusted input: a value, or an error that says why (docs/conventions.md). */
export type Result<T, E> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };
