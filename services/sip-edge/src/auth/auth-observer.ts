import type { AuthKind } from './auth-outcome.js';

/**
 * Why a request was not authenticated, for logs and metrics only: the client
 * sees the same challenge for `unknown-user` and `wrong-password`.
 */
export type AuthFailureCause =
  /** No Digest credentials for our realm (none, another scheme or realm, a placeholder, an algorithm not offered): challenged. */
  | 'no-credentials'
  /** A nonce that is not ours (bad MAC, another realm or secret): challenged. */
  | 'invalid-nonce'
  /** A right digest on an expired nonce: challenged with stale=true. */
  | 'stale-nonce'
  /** No such user in the domain: challenged. */
  | 'unknown-user'
  /** The digest does not match the user's HA1: challenged. */
  | 'wrong-password'
  /** A right digest with an nc not above the highest seen for the nonce: challenged with stale=true. */
  | 'replay'
  /** A defective Authorization/Proxy-Authorization, From/To or digest uri: 400. */
  | 'malformed'
  /** Valid credentials of a user other than the From (To for REGISTER) user: 403. */
  | 'wrong-user'
  /** The From (To) URI is not a sip: URI with a user part of a provisioned domain: 403. */
  | 'foreign-domain';

export interface AuthFailure {
  readonly cause: AuthFailureCause;
  readonly kind: AuthKind;
  readonly method: string;
  readonly realm?: string;
  /**
   * The username the client claimed, when there was one. Untrusted, and it
   * may be a password typed into the wrong field (RFC 7616 §3.4: careful with
   * "a cleartext password (e.g., entered into the username field)"): never a
   * metric label, and log it with care.
   */
  readonly username?: string;
}

/**
 * Told of every refusal (RFC 7616 §3.4: "If the response is invalid, then a
 * login failure SHOULD be logged, since repeated login failures from a single
 * client may indicate an attacker attempting to guess passwords").
 */
export interface AuthObserver {
  rejected(failure: AuthFailure): void;
}
