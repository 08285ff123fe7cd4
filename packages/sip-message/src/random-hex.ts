import { randomFillSync } from 'node:crypto';

const POOL_SIZE = 4096;
const pool = Buffer.alloc(POOL_SIZE);
let offset = POOL_SIZE;

/**
 * Cryptographically random bytes as lower-case hex, drawn from a pool that is
 * refilled 4 KiB at a time: tags, branches and ids are made for every message,
 * and one system call per value showed in profiles (RFC 3261 §19.3 asks for at
 * least 32 random bits per tag; §8.1.1.7 for unique branches).
 */
export function randomHex(bytes: number): string {
  if (bytes > POOL_SIZE) return randomFillSync(Buffer.alloc(bytes)).toString('hex');
  if (offset + bytes > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  const s = pool.toString('hex', offset, offset + bytes);
  offset += bytes;
  return s;
}
