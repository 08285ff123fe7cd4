import { parseDomainName } from './domain-name.js';
import type { Result } from './result.js';
import { UserStoreError } from './user-store-error.js';

/** An address of record as the store keys it: `user@domain`, canonical domain. */
export interface Aor {
  /** `user@domain`, the form of `AorKey` in `@simple/contracts`. */
  readonly aor: string;
  /** The user part; also the digest username (RFC 8760 §2, HA1 = H(user ":" realm ":" password)). */
  readonly user: string;
  readonly domain: string;
}

// RFC 3261 §25.1: user = 1*( unreserved / escaped / user-unreserved ), without
// the escapes: a provisioned user part is spelled one way only, so that the
// digest username, the key and the URI's user part agree character for character.
const USER_PART = /^[A-Za-z0-9\-_.!~*'()&=+$,;?/]+$/;
const MAX_USER = 128;

/** Whether `user` is acceptable as a provisioned user part (see USER_PART). */
export function isValidUserPart(user: string): boolean {
  return typeof user === 'string' && user.length > 0 && user.length <= MAX_USER && USER_PART.test(user);
}

/**
 * Reads an address of record: `user@domain`, or a `sip:`/`sips:` URI of that
 * form without parameters. The domain is returned in canonical form
 * (parseDomainName); the user part is case-sensitive (RFC 3261 §19.1.4). Never throws.
 */
export function parseAor(input: string): Result<Aor, UserStoreError> {
  if (typeof input !== 'string') return { ok: false, error: new UserStoreError('INVALID_AOR', 'not a string') };
  const text = input.replace(/^sips?:/i, '');
  const at = text.lastIndexOf('@');
  if (at <= 0) return { ok: false, error: new UserStoreError('INVALID_AOR', `${JSON.stringify(input)}: expected user@domain`) };
  const user = text.slice(0, at);
  if (!isValidUserPart(user)) return { ok: false, error: new UserStoreError('INVALID_USER', JSON.stringify(user)) };
  const domain = parseDomainName(text.slice(at + 1));
  if (!domain.ok) return domain;
  return { ok: true, value: { aor: `${user}@${domain.value}`, user, domain: domain.value } };
}
