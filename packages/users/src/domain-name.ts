import { isIPv6 } from 'node:net';

import type { Result } from './result.js';
import { UserStoreError } from './user-store-error.js';

// RFC 3261 §25.1: hostname = *( domainlabel "." ) toplabel [ "." ]
//   domainlabel = alphanum / alphanum *( alphanum / "-" ) alphanum
//   toplabel    = ALPHA / ALPHA *( alphanum / "-" ) alphanum
const DOMAIN_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const TOP_LABEL = /^[a-z](?:[a-z0-9-]*[a-z0-9])?$/;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

const MAX_NAME = 253;
const MAX_LABEL = 63;

/**
 * Checks a domain as the store keys it, and returns its canonical spelling:
 * a host name (RFC 3261 §25.1 `hostname`, lower-cased, without a trailing
 * dot), an IPv4 address without leading zeros, or an IPv6 reference in
 * brackets, compressed and lower-cased (`[2001:db8::1]`). Never throws.
 */
export function parseDomainName(input: string): Result<string, UserStoreError> {
  const bad = (why: string): Result<string, UserStoreError> => ({ ok: false, error: new UserStoreError('INVALID_DOMAIN', `${JSON.stringify(input)}: ${why}`) });
  if (typeof input !== 'string' || input.length === 0) return bad('empty');
  if (input.length > MAX_NAME + 1) return bad('too long');

  if (input.startsWith('[')) {
    const inner = input.endsWith(']') ? input.slice(1, -1) : '';
    if (!isIPv6(inner) || inner.includes('%')) return bad('not an IPv6 reference');
    // The URL parser writes the RFC 5952 form: one spelling per address.
    return { ok: true, value: new URL(`http://[${inner}]/`).hostname };
  }

  const v4 = IPV4.exec(input);
  if (v4 !== null) {
    const octets = v4.slice(1).map((o) => (o.length > 1 && o.startsWith('0') ? NaN : Number(o)));
    if (octets.some((o) => !(o >= 0 && o <= 255))) return bad('not an IPv4 address');
    return { ok: true, value: octets.join('.') };
  }

  const name = (input.endsWith('.') ? input.slice(0, -1) : input).toLowerCase();
  if (name.length === 0 || name.length > MAX_NAME) return bad('bad length');
  const labels = name.split('.');
  for (const label of labels) {
    if (label.length === 0 || label.length > MAX_LABEL || !DOMAIN_LABEL.test(label)) return bad(`bad label "${label}"`);
  }
  if (!TOP_LABEL.test(labels[labels.length - 1] ?? '')) return bad('the top label must start with a letter');
  return { ok: true, value: name };
}
