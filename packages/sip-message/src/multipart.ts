import { canonicalName } from './header-names.js';
import { H } from './header-specs.js';
import { mediaParam } from './media-type.js';
import type { SipMessage } from './message.js';
import { fail, ok, type Result } from './result.js';
import { SipHeaders, type HeaderField } from './sip-headers.js';

/** One body part of a multipart body: its MIME headers and content bytes. */
export interface BodyPart {
  readonly headers: SipHeaders;
  readonly body: Buffer;
}

/**
 * Splits a multipart body (RFC 2046 §5.1.1) at its boundary. Parts are cut by
 * bytes, so binary content (RFC 4475 §3.1.1.11) survives intact.
 */
export function parseMultipart(body: Buffer, boundary: string): Result<BodyPart[]> {
  if (boundary.length === 0 || boundary.length > 70) return fail('Bad multipart boundary');
  const dash = Buffer.from(`--${boundary}`);
  const delim = Buffer.from(`\r\n--${boundary}`);
  let pos: number;
  if (body.subarray(0, dash.length).equals(dash)) pos = dash.length;
  else {
    const first = body.indexOf(delim);
    if (first < 0) return fail('Multipart body without its boundary');
    pos = first + delim.length;
  }
  const parts: BodyPart[] = [];
  for (;;) {
    // After a delimiter: "--" closes; otherwise transport-padding CRLF, then a part.
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) return ok(parts);
    const eol = body.indexOf('\r\n', pos);
    if (eol < 0 || body.subarray(pos, eol).toString('latin1').trim().length > 0) return fail('Malformed multipart delimiter line');
    const partStart = eol + 2;
    const next = body.indexOf(delim, partStart);
    if (next < 0) return fail('Multipart body not closed');
    const part = parsePart(body.subarray(partStart, next));
    if (!part.ok) return part;
    parts.push(part.value);
    pos = next + delim.length;
    if (parts.length > 1000) return fail('Too many body parts');
  }
}

function parsePart(raw: Buffer): Result<BodyPart> {
  let headEnd: number;
  let bodyStart: number;
  if (raw[0] === 0x0d && raw[1] === 0x0a) {
    headEnd = 0;
    bodyStart = 2;
  } else {
    headEnd = raw.indexOf('\r\n\r\n');
    if (headEnd < 0) return fail('Body part without an empty line after its headers');
    bodyStart = headEnd + 4;
  }
  const fields: HeaderField[] = [];
  for (const line of raw.toString('utf8', 0, headEnd).split('\r\n')) {
    if (line.length === 0) continue;
    if (line.startsWith(' ') || line.startsWith('\t')) {
      const prev = fields.pop();
      if (prev === undefined) return fail('Body part headers start with whitespace');
      fields.push({ ...prev, value: `${prev.value} ${line.trim()}` });
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) return fail('Malformed body part header');
    const rawName = line.slice(0, colon).trim();
    fields.push({ name: canonicalName(rawName), rawName, value: line.slice(colon + 1).trim() });
  }
  return ok({ headers: new SipHeaders(fields), body: raw.subarray(bodyStart) });
}

/** The parts of a message whose Content-Type is multipart/*, or an error saying why not. */
export function messageParts(msg: SipMessage): Result<BodyPart[]> {
  const ct = msg.headers.typed(H.contentType);
  if (!ct.ok) return ct;
  if (ct.value === undefined || ct.value.type !== 'multipart') return fail('Not a multipart body', 'content-type');
  const boundary = mediaParam(ct.value, 'boundary');
  if (boundary === undefined) return fail('Multipart Content-Type without boundary', 'content-type');
  return parseMultipart(msg.body, boundary);
}

/** Builds a multipart body from parts (each with at least its Content-Type). */
export function buildMultipart(parts: ReadonlyArray<{ headers: ReadonlyArray<readonly [string, string]>; body: Buffer }>, boundary: string): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    let head = `--${boundary}\r\n`;
    for (const [n, v] of p.headers) head += `${n}: ${v}\r\n`;
    chunks.push(Buffer.from(head + '\r\n'), p.body, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}
