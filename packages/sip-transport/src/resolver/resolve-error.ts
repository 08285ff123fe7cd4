import type { ResolvedTarget } from './resolve-target.js';

/**
 * The codes a resolution fails with. Every code but `INVALID_CONFIG` comes back in
 * a {@link ResolveResult}; `INVALID_CONFIG` is thrown by the `SipResolver`
 * constructor, which checks its options once.
 */
export const RESOLVE_ERROR_CODES = {
  /** The host, maddr or port of the target is malformed. */
  INVALID_TARGET: 'INVALID_TARGET',
  /** The transport parameter is unknown, not enabled, or impossible for a SIPS URI. */
  UNSUPPORTED_TRANSPORT: 'UNSUPPORTED_TRANSPORT',
  /** DNS says that the domain does not exist. */
  NXDOMAIN: 'NXDOMAIN',
  /** The domain exists but yields no address for an enabled transport. */
  NO_RECORDS: 'NO_RECORDS',
  /** The SRV records say that the service is decidedly not available (target "."). */
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  /** A query failed (SERVFAIL, timeout, refused...) and nothing else was found: worth a retry. */
  DNS_FAILURE: 'DNS_FAILURE',
  /** The resolver's options are wrong (thrown by the constructor only). */
  INVALID_CONFIG: 'INVALID_CONFIG',
} as const;

export type ResolveErrorCode = (typeof RESOLVE_ERROR_CODES)[keyof typeof RESOLVE_ERROR_CODES];

/** Why a target could not be resolved. `dnsCode` is node's code of the query that failed. */
export class ResolveError extends Error {
  override readonly name = 'ResolveError';
  constructor(
    readonly code: ResolveErrorCode,
    message: string,
    /** The TARGET (maddr or host) being resolved, when there is one. */
    readonly target?: string,
    /** node:dns error code (`ESERVFAIL`, `ETIMEOUT`...) behind a `DNS_FAILURE`. */
    readonly dnsCode?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The outcome of a resolution: a failover list, or why there is none. Never thrown. */
export type ResolveResult =
  | { readonly ok: true; readonly value: ResolvedTarget[] }
  | { readonly ok: false; readonly error: ResolveError };
