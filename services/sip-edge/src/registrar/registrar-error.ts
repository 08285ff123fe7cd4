/** A header of a response the registrar computes: [name, value]. */
export type ResponseHeader = readonly [name: string, value: string];

/**
 * Why a REGISTER is refused, with the status and headers of the response
 * that says so (RFC 3261 §10.3). Returned, not thrown, by the steps of the
 * registrar's pipeline; `cause` keeps the underlying error (a parse error, a
 * Redis failure).
 */
export class RegistrarError extends Error {
  override readonly name = 'RegistrarError';
  constructor(
    readonly status: number,
    readonly reason: string,
    readonly headers: readonly ResponseHeader[] = [],
    options?: ErrorOptions,
  ) {
    super(`${status} ${reason}`, options);
  }
}

/** A step's outcome: its value, or the refusal that ends the pipeline. */
export type Step<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: RegistrarError };

export function accept<T>(value: T): Step<T> {
  return { ok: true, value };
}

export function refuse(status: number, reason: string, headers: readonly ResponseHeader[] = [], cause?: unknown): Step<never> {
  return { ok: false, error: new RegistrarError(status, reason, headers, cause === undefined ? undefined : { cause }) };
}
