import { BRANCH_COOKIE, randomHex } from '@simple/sip-message';

/**
 * A fresh branch parameter: the magic cookie followed by 96 random bits, so
 * that it is "unique across space and time for all requests sent by the UA"
 * (RFC 3261 §8.1.1.7).
 */
export function newBranch(): string {
  return BRANCH_COOKIE + randomHex(12);
}
