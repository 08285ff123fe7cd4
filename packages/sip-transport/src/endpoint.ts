import { isIP } from 'node:net';

/** An IP address (or, for outbound targets, a host name) and a port. */
export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

/**
 * Canonical text of an address, so that two spellings of the same IP compare
 * equal: brackets stripped, IPv4-mapped IPv6 turned into IPv4, IPv6 compressed
 * and lower-cased, host names lower-cased.
 */
export function normalizeAddress(address: string): string {
  let a = address.trim();
  if (a.startsWith('[') && a.endsWith(']')) a = a.slice(1, -1);
  const zone = a.indexOf('%');
  const base = zone >= 0 ? a.slice(0, zone) : a;
  if (isIP(base) === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(base);
    if (mapped?.[1] !== undefined) return mapped[1];
    try {
      const host = new URL(`http://[${base}]/`).hostname;
      const canonical = host.slice(1, -1);
      const v4 = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
      if (v4?.[1] !== undefined && v4[2] !== undefined) {
        const hi = parseInt(v4[1], 16);
        const lo = parseInt(v4[2], 16);
        return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
      }
      return canonical + (zone >= 0 ? a.slice(zone) : '');
    } catch {
      return a.toLowerCase();
    }
  }
  return a.toLowerCase();
}

/** Whether two addresses denote the same IP (or the same host name). */
export function sameAddress(a: string, b: string): boolean {
  return normalizeAddress(a) === normalizeAddress(b);
}

/** `host:port`, with IPv6 in brackets (RFC 3261 §25.1 hostport). */
export function formatHostPort(address: string, port?: number): string {
  const a = isIP(address) === 6 && !address.startsWith('[') ? `[${address}]` : address;
  return port === undefined ? a : `${a}:${port}`;
}

/** Whether an address is the unspecified one ("0.0.0.0", "::"): bound to every interface. */
export function isUnspecified(address: string): boolean {
  return address === '0.0.0.0' || address === '::';
}
