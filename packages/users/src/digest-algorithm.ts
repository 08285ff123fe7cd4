import { createHash } from 'node:crypto';

/**
 * The digest algorithms whose HA1 the store keeps: MD5 for RFC 2617 clients,
 * SHA-256 and SHA-512-256 added to SIP by RFC 8760 §2 (names as in the IANA
 * "Hash Algorithms for HTTP Digest Authentication" registry).
 */
export const DIGEST_ALGORITHMS = ['MD5', 'SHA-256', 'SHA-512-256'] as const;

export type DigestAlgorithm = (typeof DIGEST_ALGORITHMS)[number];

const NODE_HASH: Readonly<Record<DigestAlgorithm, string>> = {
  MD5: 'md5',
  'SHA-256': 'sha256',
  'SHA-512-256': 'sha512-256',
};

/** Hex length of each algorithm's digest (RFC 8760 §2.2: 64 for SHA-256 and SHA-512/256). */
export const DIGEST_HEX_LENGTH: Readonly<Record<DigestAlgorithm, number>> = {
  MD5: 32,
  'SHA-256': 64,
  'SHA-512-256': 64,
};

export function isDigestAlgorithm(name: string): name is DigestAlgorithm {
  return (DIGEST_ALGORITHMS as readonly string[]).includes(name);
}

/**
 * H(data) of RFC 7616 §3.3: the algorithm applied to the UTF-8 octets of
 * `data`, as lower-case hex (RFC 8760 §2.2).
 */
export function digestHash(algorithm: DigestAlgorithm, data: string): string {
  return createHash(NODE_HASH[algorithm]).update(data, 'utf8').digest('hex');
}

/**
 * H(A1) for the non-session algorithms (RFC 7616 §3.4.2, RFC 2617 §3.2.2.2):
 * A1 = unq(username) ":" unq(realm) ":" passwd.
 */
export function computeHa1(algorithm: DigestAlgorithm, username: string, realm: string, password: string): string {
  return digestHash(algorithm, `${username}:${realm}:${password}`);
}
