import type { DigestAlgorithm } from './digest-algorithm.js';

/** A provisioned user: what digest authentication needs, and never the password. */
export interface UserRecord {
  /** `user@domain` (canonical domain). */
  readonly aor: string;
  /** The user part, which is also the digest username. */
  readonly username: string;
  readonly domain: string;
  /** The realm the HA1 values were computed for (the domain's realm). */
  readonly realm: string;
  /** H(username ":" realm ":" password) per algorithm, lower-case hex (RFC 7616 §3.4.2, RFC 8760 §2). */
  readonly ha1: Readonly<Record<DigestAlgorithm, string>>;
}

/** A provisioned domain. */
export interface DomainInfo {
  readonly domain: string;
  /** The digest realm of the domain (RFC 3261 §22.1); by default the domain name itself. */
  readonly realm: string;
}
