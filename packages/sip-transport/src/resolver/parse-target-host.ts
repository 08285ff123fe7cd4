import { isIP } from 'node:net';

/** A TARGET as the resolver handles it: a numeric address, or a domain name to look up. */
export type TargetHost =
  | { readonly kind: 'ip'; readonly address: string; readonly family: 4 | 6 }
  | { readonly kind: 'name'; readonly name: string };

/** RFC 1035 §2.3.4 limits; `_` is let through for SRV-style names in overrides. */
const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;
const MAX_NAME_LENGTH = 253;

/**
 * Reads a host or maddr value: an IPv6 reference in brackets (RFC 3261 §25.1,
 * `IPv6reference`), a bare IPv6 or IPv4 address, or a domain name, which is
 * lower-cased and loses a trailing dot. Returns undefined for anything else.
 */
export function parseTargetHost(raw: string): TargetHost | undefined {
  if (raw.startsWith('[')) {
    if (!raw.endsWith(']')) return undefined;
    const inner = raw.slice(1, -1);
    return isIP(inner) === 6 ? { kind: 'ip', address: inner.toLowerCase(), family: 6 } : undefined;
  }
  const family = isIP(raw);
  if (family === 4) return { kind: 'ip', address: raw, family: 4 };
  if (family === 6) return { kind: 'ip', address: raw.toLowerCase(), family: 6 };
  const name = normalizeDomainName(raw);
  return name === undefined ? undefined : { kind: 'name', name };
}

/** A domain name in the form the resolver keys it by, or undefined if it is not one. */
export function normalizeDomainName(raw: string): string | undefined {
  const name = (raw.endsWith('.') ? raw.slice(0, -1) : raw).toLowerCase();
  if (name.length === 0 || name.length > MAX_NAME_LENGTH) return undefined;
  return name.split('.').every((label) => LABEL.test(label)) ? name : undefined;
}
