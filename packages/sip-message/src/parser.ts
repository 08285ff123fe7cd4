import { TOKEN, allIn } from './char-classes.js';
import { canonicalName } from './header-names.js';
import { H } from './header-specs.js';
import { SipRequest, SipResponse } from './message.js';
import { fail, ok, type Result } from './result.js';
import { SipHeaders, type HeaderField } from './sip-headers.js';
import { SipParseError } from './sip-parse-error.js';
import { parseUri } from './uri.js';

export interface ParseOptions {
  /**
   * A datagram holds one message: without Content-Length the body runs to its
   * end (RFC 3261 §18.3), and a Content-Length larger than what is there is an
   * error (RFC 4475 §3.1.2.2). Stream transports frame first, then parse.
   */
  readonly datagram?: boolean;
  /** Upper bound on header fields (default 256). */
  readonly maxHeaders?: number;
}

const CRLFCRLF = Buffer.from('\r\n\r\n');
const VERSION = /^SIP\/(\d+)\.(\d+)$/i;
const BARE_CR_OR_LF = /\r(?!\n)|(?<!\r)\n/;

function err(status: number, reason: string, header?: string): { ok: false; error: SipParseError } {
  return { ok: false, error: new SipParseError(status, reason, header) };
}

/** Splits the header section into fields, unfolding continuation lines (RFC 3261 §7.3.1). */
function readFields(head: string, from: number, maxHeaders: number): Result<HeaderField[]> {
  const fields: Array<{ name: string; rawName: string; value: string }> = [];
  let pos = from;
  while (pos < head.length) {
    let end = head.indexOf('\r\n', pos);
    if (end < 0) end = head.length;
    const line = head.slice(pos, end);
    pos = end + 2;
    const first = line.charCodeAt(0);
    if (first === 0x20 || first === 0x09) {
      // Folded line: LWS = [*WSP CRLF] 1*WSP, equivalent to one SP.
      const prev = fields[fields.length - 1];
      if (prev === undefined) return fail('Header section starts with whitespace');
      const cont = line.trim();
      if (cont.length > 0) prev.value = prev.value.length === 0 ? cont : `${prev.value} ${cont}`;
      continue;
    }
    if (line.length === 0) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) return fail(`Malformed header line "${line.slice(0, 30)}"`);
    const rawName = line.slice(0, colon).trimEnd();
    if (!allIn(TOKEN, rawName)) return fail(`Invalid header name "${rawName.slice(0, 30)}"`);
    const value = line.slice(colon + 1).trim();
    if (fields.length >= maxHeaders) return fail('Too many header fields');
    fields.push({ name: canonicalName(rawName), rawName, value });
  }
  return ok(fields);
}

/** Content-Length: one value, or several equal ones (RFC 4475 §3.3.9: conflicting ones are a framing error). */
function contentLength(headers: SipHeaders): Result<number | undefined> {
  const values = headers.getAll('content-length');
  if (values.length === 0) return ok(undefined);
  const first = values[0]?.trim() ?? '';
  if (!/^\d{1,10}$/.test(first)) return fail('Bad Content-Length', 'content-length');
  for (const v of values) if (v.trim() !== first) return fail('Conflicting Content-Length values', 'content-length');
  return ok(Number(first));
}

/** The headers every message needs, checked now because transactions need them (RFC 3261 §8.1.1, §17). */
function checkMandatory(headers: SipHeaders): SipParseError | undefined {
  for (const [spec, label] of [
    [H.via, 'Via'],
    [H.from, 'From'],
    [H.to, 'To'],
    [H.callId, 'Call-ID'],
    [H.cseq, 'CSeq'],
  ] as const) {
    const r = headers.typed<unknown>(spec);
    if (!r.ok) return r.error;
    if (r.value === undefined) return new SipParseError(400, `Missing ${label} header`, spec.name);
  }
  const mf = headers.typed(H.maxForwards);
  if (!mf.ok) return mf.error;
  return undefined;
}

/**
 * Parses one SIP message from bytes (RFC 3261 §7). Never throws: a defect
 * comes back as a `SipParseError` with the status to answer and, for a
 * request, what could be read of it (`error.partial`) to build that answer.
 */
export function parseMessage(buf: Buffer, options: ParseOptions = {}): Result<SipRequest | SipResponse> {
  try {
    return parseUnsafe(buf, options);
  } catch (e) {
    // A bug must not take the transport down: report it as a parse failure.
    return err(400, `Unparseable message (${e instanceof Error ? e.message.slice(0, 40) : 'error'})`);
  }
}

function parseUnsafe(buf: Buffer, options: ParseOptions): Result<SipRequest | SipResponse> {
  const datagram = options.datagram ?? true;
  // RFC 3261 §7.5: ignore CRLFs before the start-line.
  let start = 0;
  while (start + 1 < buf.length && buf[start] === 0x0d && buf[start + 1] === 0x0a) start += 2;
  let headEnd = buf.indexOf(CRLFCRLF, start);
  if (headEnd < 0) {
    // A datagram that ends right after its last header line lacks only the empty
    // line (RFC 4475 §3.1.2.15 as archived): read it, so the defects get named.
    if (!datagram || buf.length < 2 || buf[buf.length - 2] !== 0x0d || buf[buf.length - 1] !== 0x0a) {
      return err(400, 'Missing empty line after the header section');
    }
    headEnd = buf.length - 2;
  }
  const head = buf.toString('utf8', start, headEnd + 2);
  // Lines end with CRLF only (RFC 3261 §7): a bare CR or LF in the header section is a defect.
  if (BARE_CR_OR_LF.test(head)) return err(400, 'Bare CR or LF in the header section');
  const lineEnd = head.indexOf('\r\n');
  const startLine = head.slice(0, lineEnd);

  const fieldsR = readFields(head, lineEnd + 2, options.maxHeaders ?? 256);
  if (!fieldsR.ok) return fieldsR;
  const headers = new SipHeaders(fieldsR.value);

  const isRequest = !/^sip\//i.test(startLine);
  // Framing defects of a request are still answered with 400 when it can be routed back.
  const framingError = (e: SipParseError): { ok: false; error: SipParseError } => {
    const method = startLine.slice(0, startLine.indexOf(' '));
    if (isRequest && allIn(TOKEN, method)) e.partial = { method, headers };
    return { ok: false, error: e };
  };
  const clR = contentLength(headers);
  // RFC 4475 §3.3.9: conflicting Content-Lengths are a framing error: discard, do not answer.
  if (!clR.ok) return clR.error.reason.startsWith('Conflicting') ? clR : framingError(clR.error);
  const bodyStart = Math.min(headEnd + 4, buf.length);
  let bodyEnd = buf.length;
  if (clR.value !== undefined) {
    if (bodyStart + clR.value > buf.length) {
      return framingError(new SipParseError(400, 'Content-Length larger than the body', 'content-length'));
    }
    // RFC 4475 §3.1.1.8: octets after Content-Length in a datagram are ignored.
    bodyEnd = bodyStart + clR.value;
  } else if (!datagram) {
    return framingError(new SipParseError(400, 'Missing Content-Length on a stream transport', 'content-length'));
  }
  const body = buf.subarray(bodyStart, bodyEnd);

  return isRequest ? parseRequest(startLine, headers, body) : parseResponse(startLine, headers, body);
}

function parseRequest(line: string, headers: SipHeaders, body: Buffer): Result<SipRequest> {
  // Request-Line = Method SP Request-URI SP SIP-Version CRLF: exactly one SP each
  // (RFC 4475 §3.1.2.8-10: no LWS inside the URI, no extra or trailing SP).
  const parts = line.split(' ');
  const method = parts[0] ?? '';
  const withPartial = (e: SipParseError): { ok: false; error: SipParseError } => {
    if (allIn(TOKEN, method)) e.partial = { method, headers };
    return { ok: false, error: e };
  };
  if (parts.length !== 3 || !allIn(TOKEN, method) || (parts[1] ?? '').length === 0) {
    return withPartial(new SipParseError(400, 'Malformed Request-Line'));
  }
  const version = VERSION.exec(parts[2] ?? '');
  if (version === null) return withPartial(new SipParseError(400, 'Malformed SIP-Version'));
  if (version[1] !== '2' || version[2] !== '0') return withPartial(new SipParseError(505, 'Version Not Supported'));
  const uriText = parts[1] ?? '';
  const uri = parseUri(uriText);
  if (!uri.ok) return withPartial(new SipParseError(400, `Bad Request-URI: ${uri.error.reason.replace(/^Bad URI: /, '')}`));
  // RFC 3261 §19.1.1: headers are "not allowed" in a Request-URI (RFC 4475 §3.1.2.11).
  if (uri.value.kind === 'sip' && uri.value.headers.size > 0) return withPartial(new SipParseError(400, 'Bad Request-URI: headers not allowed'));
  const bad = checkMandatory(headers);
  if (bad !== undefined) return withPartial(bad);
  const cseq = headers.typed(H.cseq);
  // RFC 3261 §8.1.1.5: the CSeq method MUST match the request's (RFC 4475 §3.1.2.17).
  if (cseq.ok && cseq.value !== undefined && cseq.value.method !== method) {
    return withPartial(new SipParseError(400, 'CSeq method does not match the Request-Line', 'cseq'));
  }
  return ok(new SipRequest(method, uri.value, headers, body));
}

function parseResponse(line: string, headers: SipHeaders, body: Buffer): Result<SipResponse> {
  // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase CRLF
  const sp1 = line.indexOf(' ');
  const sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
  if (sp1 < 0) return err(400, 'Malformed Status-Line');
  const version = VERSION.exec(line.slice(0, sp1));
  if (version === null) return err(400, 'Malformed SIP-Version');
  if (version[1] !== '2' || version[2] !== '0') return err(505, 'Version Not Supported');
  const code = sp2 < 0 ? line.slice(sp1 + 1) : line.slice(sp1 + 1, sp2);
  // Status-Code = 3DIGIT, 100-699 (RFC 4475 §3.1.2.19).
  if (!/^[1-6]\d\d$/.test(code)) return err(400, 'Bad Status-Code');
  const reason = sp2 < 0 ? '' : line.slice(sp2 + 1);
  if (/[\x00-\x08\x0a-\x1f\x7f]/.test(reason)) return err(400, 'Bad Reason-Phrase');
  const bad = checkMandatory(headers);
  if (bad !== undefined) return { ok: false, error: bad };
  return ok(new SipResponse(Number(code), reason, headers, body));
}
