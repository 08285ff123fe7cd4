// Digest authentication of the edge (RFC 3261 §22, RFC 7616, RFC 8760); see docs/auth.md.
export { DigestAuthenticator, DEFAULT_ALGORITHMS, DEFAULT_NONCE_TTL_SECONDS, type DigestAuthenticatorOptions, type ChallengeAlgorithm } from './digest-authenticator.js';
export type { AuthKind, AuthOutcome } from './auth-outcome.js';
export { StatelessNonce, CLOCK_SKEW_MS, type NonceCheck } from './stateless-nonce.js';
export { NonceCountStore } from './nonce-count-store.js';
export { checkDigestCredentials, type DigestCredentials, type CredentialsCheck } from './digest-credentials.js';
export { computeDigestResponse, type DigestInput } from './digest-response.js';
export type { AuthObserver, AuthFailure, AuthFailureCause } from './auth-observer.js';
