/**
 * Every error the provisioning store reports, with the HTTP status a
 * provisioning API should answer with. One registry, so that callers map codes,
 * never messages.
 */
export const USER_STORE_ERRORS = {
  INVALID_DOMAIN: { status: 400, message: 'not a valid domain name' },
  INVALID_REALM: { status: 400, message: 'not a valid realm' },
  INVALID_AOR: { status: 400, message: 'not a valid address of record' },
  INVALID_USER: { status: 400, message: 'not a valid user part' },
  INVALID_PASSWORD: { status: 400, message: 'not a valid password' },
  DOMAIN_NOT_FOUND: { status: 404, message: 'no such domain' },
  DOMAIN_EXISTS: { status: 409, message: 'the domain exists with another realm' },
  DOMAIN_NOT_EMPTY: { status: 409, message: 'the domain still has users' },
  USER_NOT_FOUND: { status: 404, message: 'no such user' },
  USER_EXISTS: { status: 409, message: 'the user exists' },
} as const;

export type UserStoreErrorCode = keyof typeof USER_STORE_ERRORS;

/** A refused provisioning operation or invalid input; `code` says which. */
export class UserStoreError extends Error {
  override readonly name = 'UserStoreError';
  /** HTTP status for a provisioning API (400, 404 or 409). */
  readonly status: number;

  constructor(
    readonly code: UserStoreErrorCode,
    /** What was refused, for the message (never a password). */
    detail?: string,
    options?: { cause?: unknown },
  ) {
    super(detail === undefined ? USER_STORE_ERRORS[code].message : `${USER_STORE_ERRORS[code].message}: ${detail}`, options);
    this.status = USER_STORE_ERRORS[code].status;
  }
}
