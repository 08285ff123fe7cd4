import { inClass } from './char-classes.js';

const HEX = /^[0-9A-Fa-f]{2}$/;

/** True when every "%" in s starts a valid "%" HEXDIG HEXDIG escape (RFC 3261 §25.1 escaped). */
export function escapesValid(s: string): boolean {
  let i = s.indexOf('%');
  while (i >= 0) {
    if (!HEX.test(s.slice(i + 1, i + 3))) return false;
    i = s.indexOf('%', i + 3);
  }
  return true;
}

/**
 * Decodes %HH escapes into octets, then UTF-8. RFC 3261 §19.1.4: "%HH" is
 * equivalent to the character it encodes. "%00" survives as U+0000 (RFC 4475
 * §3.1.1.4: an AOR must not be truncated at an escaped NUL).
 */
export function unescape(s: string): string {
  if (s.indexOf('%') < 0) return s;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25 && HEX.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c < 0x80) {
      bytes.push(c);
    } else {
      for (const b of Buffer.from(s[i] ?? '', 'utf8')) bytes.push(b);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Escapes every character of s that is not in the allowed class. */
export function escape(s: string, allowed: Uint8Array): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    out += b !== 0x25 && inClass(allowed, b) ? String.fromCharCode(b) : '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}
