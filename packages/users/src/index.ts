// Public surface of @simple/users: provisioned domains and users with digest HA1 credentials.
export { UserStore, type RedisConnection } from './user-store.js';
export { UserStoreError, USER_STORE_ERRORS, type UserStoreErrorCode } from './user-store-error.js';
export type { UserRecord, DomainInfo } from './user-record.js';
export { parseAor, isValidUserPart, type Aor } from './aor.js';
export { parseDomainName } from './domain-name.js';
export { DIGEST_ALGORITHMS, DIGEST_HEX_LENGTH, digestHash, computeHa1, isDigestAlgorithm, type DigestAlgorithm } from './digest-algorithm.js';
export type { Result } from './result.js';
export { CachedUserDirectory, type UserDirectory } from './cached-user-directory.js';
