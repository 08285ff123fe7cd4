import { FramingError } from './framing-error.js';

/** Longest accepted Content-Length value in digits; anything longer is out of any sane range. */
const MAX_DIGITS = 15;

/**
 * Finds the Content-Length of a header block (start line and header fields,
 * without the terminating empty line) at byte level, without the message parser.
 *
 * RFC 3261 §7.3.1: header fields may be folded (a line starting with SP or HTAB
 * continues the previous one) and there may be whitespace before and after the
 * colon (HCOLON). §20.14 / §7.3.3: the name is case-insensitive, its compact form
 * is "l". Returns the length, `undefined` when there is none, or a FramingError
 * when a value is not a number or when two values disagree.
 */
export function findContentLength(headerBlock: Buffer): number | undefined | FramingError {
  const text = headerBlock.toString('latin1');
  const lines = text.split('\r\n');
  // Unfold (RFC 3261 §7.3.1): a continuation line belongs to the previous field.
  const fields: string[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const first = line.charCodeAt(0);
    if ((first === 0x20 || first === 0x09) && fields.length > 0) {
      fields[fields.length - 1] += ' ' + line;
    } else {
      fields.push(line);
    }
  }
  let found: number | undefined;
  for (const field of fields) {
    const colon = field.indexOf(':');
    if (colon <= 0) continue;
    const name = field.slice(0, colon).replace(/[ \t]+$/, '').toLowerCase();
    if (name !== 'content-length' && name !== 'l') continue;
    const value = field.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
    if (!/^[0-9]+$/.test(value) || value.length > MAX_DIGITS) {
      return new FramingError('invalid-content-length', `Invalid Content-Length: "${value.slice(0, 32)}"`);
    }
    const n = Number(value);
    if (found !== undefined && found !== n) {
      return new FramingError('conflicting-content-length', `Conflicting Content-Length values ${found} and ${n}`);
    }
    found = n;
  }
  return found;
}
