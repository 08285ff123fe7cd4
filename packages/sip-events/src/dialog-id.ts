import { createHash } from 'node:crypto';

/**
 * The key of a subscription: its dialog id (RFC 3261 §12: Call-ID, local tag,
 * remote tag) hashed to fixed-length hex. A Call-ID may hold `{` and `}`
 * (RFC 3261 §25.1 `word`), which would break a Redis hash tag, and may be long.
 * An in-dialog SUBSCRIBE carries all three (To tag = our local tag, From tag =
 * the subscriber's), so the key is found without any index.
 */
export function dialogId(callId: string, localTag: string, remoteTag: string | undefined): string {
  return createHash('sha256').update(`${callId}\u0000${localTag}\u0000${remoteTag ?? ''}`).digest('hex').slice(0, 32);
}
