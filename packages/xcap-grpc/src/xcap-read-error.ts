import { status } from '@grpc/grpc-js';

/**
 * A read the XCAP server refused or could not answer: the gRPC status as data
 * (INVALID_ARGUMENT for a bad AUID, XUI or path; DEADLINE_EXCEEDED; UNAVAILABLE).
 */
export class XcapReadError extends Error {
  override readonly name = 'XcapReadError';

  constructor(
    readonly code: status,
    readonly details: string,
    options?: ErrorOptions,
  ) {
    super(`xcap ${statusName(code)}: ${details}`, options);
  }

  get codeName(): string {
    return statusName(this.code);
  }
}

export function statusName(code: number): string {
  return status[code] ?? `CODE_${code}`;
}
