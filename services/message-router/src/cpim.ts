/** RFC 3862 §3.1: the media type of a CPIM message. */
export const MESSAGE_CPIM = 'message/cpim';

/** One CPIM message header (RFC 3862 §3.3), its namespace resolved through the NS headers. */
export interface CpimHeader {
  /** The namespace URN of the prefix (RFC 3862 §4.1); '' for the default CPIM namespace (urn:ietf:params:cpim-headers:). */
  readonly ns: string;
  /** The name without its prefix, as written (CPIM names are case-sensitive, §3.2). */
  readonly name: string;
  readonly value: string;
}

/** A parsed message/cpim body. */
export interface CpimMessage {
  readonly headers: readonly CpimHeader[];
  /** The encapsulated MIME headers (Content-type, Content-Disposition, ...), names as written. */
  readonly mimeHeaders: ReadonlyArray<readonly [string, string]>;
  readonly content: Buffer;
}

export type CpimResult = { readonly ok: true; readonly value: CpimMessage } | { readonly ok: false; readonly error: string };

/** The values of the message headers in a namespace with this name (case-sensitive, RFC 3862 §3.2). */
export function cpimHeaders(m: CpimMessage, ns: string, name: string): string[] {
  return m.headers.filter((h) => h.ns === ns && h.name === name).map((h) => h.value);
}

/** The first value of an encapsulated MIME header (MIME names are case-insensitive). */
export function cpimMimeHeader(m: CpimMessage, name: string): string | undefined {
  const n = name.toLowerCase();
  return m.mimeHeaders.find(([k]) => k.toLowerCase() === n)?.[1];
}

const MAX_HEADERS = 200;

/**
 * Parses a message/cpim body (RFC 3862 §3): the message headers, an empty
 * line, the encapsulated MIME headers, an empty line, the content. A prefix
 * "p.Name" is resolved through the "NS: p <urn>" headers (§4.1); unknown
 * prefixes are kept with their prefix as the namespace. Lenient where
 * examples in the RFCs are: an enclosing "Content-type: message/cpim" block
 * is skipped, and Content-* headers found among the message headers (no empty
 * line before them, as RFC 5438 §7.1.1.3 prints it) end the message headers.
 * Never throws.
 */
export function parseCpim(body: Buffer): CpimResult {
  let text = body.toString('utf8');
  const blocks = (): [string, string] | undefined => {
    const m = /\r?\n\r?\n/.exec(text);
    return m === null ? undefined : [text.slice(0, m.index), text.slice(m.index + m[0].length)];
  };
  let split = blocks();
  if (split === undefined) return { ok: false, error: 'CPIM: no empty line after the message headers' };
  if (/^content-type:\s*message\/cpim\s*$/i.test(split[0].trim())) {
    text = split[1];
    split = blocks();
    if (split === undefined) return { ok: false, error: 'CPIM: no empty line after the message headers' };
  }
  const lines = unfold(split[0]);
  const firstMime = lines.findIndex((l) => /^content-/i.test(l));
  const messageLines = firstMime >= 0 ? lines.slice(0, firstMime) : lines;
  let mimeLines: string[];
  let rest: string;
  if (firstMime >= 0) {
    mimeLines = lines.slice(firstMime);
    rest = split[1];
  } else {
    text = split[1];
    const second = blocks();
    if (second === undefined) {
      // MIME headers without content (or content without MIME headers): take what there is.
      mimeLines = [];
      rest = split[1];
    } else {
      mimeLines = unfold(second[0]);
      rest = second[1];
    }
  }
  if (messageLines.length + mimeLines.length > MAX_HEADERS) return { ok: false, error: 'CPIM: too many headers' };
  const raw: Array<[string, string]> = [];
  for (const l of messageLines) {
    const h = headerLine(l);
    if (h === undefined) return { ok: false, error: `CPIM: malformed header "${l.slice(0, 60)}"` };
    raw.push(h);
  }
  // RFC 3862 §4.1: NS: [prefix] <urn>; no prefix = the default namespace.
  const prefixes = new Map<string, string>();
  for (const [n, v] of raw) {
    if (n !== 'NS') continue;
    const m = /^\s*([^\s<]*)\s*<([^>]*)>\s*$/.exec(v);
    if (m !== null) prefixes.set(m[1] ?? '', m[2] ?? '');
  }
  const headers = raw.map(([n, v]): CpimHeader => {
    const dot = n.lastIndexOf('.');
    if (dot < 0) return { ns: '', name: n, value: v };
    const prefix = n.slice(0, dot);
    return { ns: prefixes.get(prefix) ?? prefix, name: n.slice(dot + 1), value: v };
  });
  const mimeHeaders: Array<readonly [string, string]> = [];
  for (const l of mimeLines) {
    const h = headerLine(l);
    if (h === undefined) return { ok: false, error: `CPIM: malformed MIME header "${l.slice(0, 60)}"` };
    mimeHeaders.push(h);
  }
  return { ok: true, value: { headers, mimeHeaders, content: Buffer.from(rest, 'utf8') } };
}

function unfold(block: string): string[] {
  const out: string[] = [];
  for (const l of block.split(/\r?\n/)) {
    if (l.length === 0) continue;
    const last = out.length - 1;
    if ((l.startsWith(' ') || l.startsWith('\t')) && last >= 0) out[last] = `${out[last] ?? ''} ${l.trim()}`;
    else out.push(l);
  }
  return out;
}

function headerLine(l: string): [string, string] | undefined {
  const colon = l.indexOf(':');
  if (colon <= 0) return undefined;
  const name = l.slice(0, colon).trim();
  if (!/^[A-Za-z0-9._-]+$/.test(name)) return undefined;
  return [name, l.slice(colon + 1).trim()];
}

/** The URI of a CPIM From/To value (`[Formal-name] "<" URI ">"`, RFC 3862 §3.3). */
export function cpimUri(value: string): string | undefined {
  const m = /<([^>]*)>/.exec(value);
  return m === null ? undefined : (m[1] ?? '').trim();
}
