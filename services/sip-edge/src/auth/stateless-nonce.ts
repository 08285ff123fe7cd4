import { createHmac, timingSafeEqual } from 'node:crypto';
import { randomHex } from '@simple/sip-message';

/** What a received nonce turned out to be. */
export type NonceCheck =
  | { readonly status: 'valid'; readonly issuedAt: number; readonly expiresAt: number }
  | { readonly status: 'expired'; readonly issuedAt: number; readonly expiresAt: number }
  /** Not one of ours: bad encoding, bad MAC, another realm, or issued too far in the future. */
  | { readonly status: 'invalid' };

const VERSION = 1;
const TIME_BYTES = 8;
const RANDOM_BYTES = 8;
const MAC_BYTES = 16;
const SIGNED_BYTES = 1 + TIME_BYTES + RANDOM_BYTES;
const TOTAL_BYTES = SIGNED_BYTES + MAC_BYTES;
/** 33 bytes are exactly 44 base64url characters. */
const NONCE_SYNTAX = /^[A-Za-z0-9_-]{44}$/;

/**
 * How far replicas' clocks may disagree: a nonce stamped up to this much in
 * the future is accepted, and replay records outlive the nonce by as much.
 */
export const CLOCK_SKEW_MS = 60_000;

/**
 * Stateless nonces (RFC 7616 §3.3: "timestamp H(timestamp ":" ETag ":"
 * secret-data)", with a random value in place of the ETag, which SIP has not,
 * RFC 3261 §22.4 item 4). The nonce is base64url of
 *
 *     version (1) | issued-at ms, big-endian (8) | random (8) | MAC (16)
 *
 * where MAC = the first 16 octets of HMAC-SHA-256(K, version | issued-at |
 * random | realm) and K = HMAC-SHA-256(secret, "simple digest nonce v1").
 * Any replica holding the secret verifies it with no shared state; the realm
 * in the MAC stops a nonce of one realm from being used in another.
 */
export class StatelessNonce {
  private readonly key: Buffer;

  constructor(
    secret: string,
    /** Lifetime of a nonce in milliseconds. */
    readonly ttlMs: number,
  ) {
    this.key = createHmac('sha256', secret).update('simple digest nonce v1').digest();
  }

  issue(realm: string, now: number): string {
    const buf = Buffer.alloc(TOTAL_BYTES);
    buf[0] = VERSION;
    buf.writeBigUInt64BE(BigInt(Math.max(0, Math.floor(now))), 1);
    buf.write(randomHex(RANDOM_BYTES), 1 + TIME_BYTES, 'hex');
    this.mac(buf.subarray(0, SIGNED_BYTES), realm).copy(buf, SIGNED_BYTES);
    return buf.toString('base64url');
  }

  check(nonce: string, realm: string, now: number): NonceCheck {
    if (!NONCE_SYNTAX.test(nonce)) return { status: 'invalid' };
    const buf = Buffer.from(nonce, 'base64url');
    if (buf.length !== TOTAL_BYTES || buf[0] !== VERSION) return { status: 'invalid' };
    if (!timingSafeEqual(this.mac(buf.subarray(0, SIGNED_BYTES), realm), buf.subarray(SIGNED_BYTES))) return { status: 'invalid' };
    const issuedAt = Number(buf.readBigUInt64BE(1));
    if (issuedAt > now + CLOCK_SKEW_MS) return { status: 'invalid' };
    const expiresAt = issuedAt + this.ttlMs;
    return { status: now < expiresAt ? 'valid' : 'expired', issuedAt, expiresAt };
  }

  private mac(signed: Buffer, realm: string): Buffer {
    return createHmac('sha256', this.key).update(signed).update(realm, 'utf8').digest().subarray(0, MAC_BYTES);
  }
}
