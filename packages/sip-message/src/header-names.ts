/**
 * Header names: compact forms (RFC 3261 §7.3.3, RFC 6665 §8.2.1, RFC 3515,
 * RFC 3892, RFC 3841, RFC 4028), canonical spellings for serialization, and
 * which headers may carry comma-separated lists (RFC 3261 §7.3.1).
 */
const COMPACT: Readonly<Record<string, string>> = {
  i: 'call-id',
  m: 'contact',
  e: 'content-encoding',
  l: 'content-length',
  c: 'content-type',
  f: 'from',
  s: 'subject',
  k: 'supported',
  t: 'to',
  v: 'via',
  o: 'event',
  u: 'allow-events',
  r: 'refer-to',
  b: 'referred-by',
  a: 'accept-contact',
  j: 'reject-contact',
  d: 'request-disposition',
  x: 'session-expires',
  y: 'identity',
};

/** Spellings that Title-Case would get wrong. */
const SPECIAL: Readonly<Record<string, string>> = {
  'call-id': 'Call-ID',
  cseq: 'CSeq',
  'www-authenticate': 'WWW-Authenticate',
  'sip-etag': 'SIP-ETag',
  'sip-if-match': 'SIP-If-Match',
  'mime-version': 'MIME-Version',
  'imdn-record-route': 'IMDN-Record-Route',
  'imdn-route': 'IMDN-Route',
  'rack': 'RAck',
  'rseq': 'RSeq',
  'p-asserted-identity': 'P-Asserted-Identity',
  'p-preferred-identity': 'P-Preferred-Identity',
};

/** Headers whose values may be joined with commas (RFC 3261 §7.3.1). */
const LIST_HEADERS = new Set([
  'via', 'contact', 'route', 'record-route', 'path', 'service-route',
  'allow', 'allow-events', 'supported', 'require', 'proxy-require', 'unsupported',
  'accept', 'accept-encoding', 'accept-language', 'content-encoding', 'content-language',
  'alert-info', 'call-info', 'error-info', 'in-reply-to', 'warning',
  'p-asserted-identity', 'p-preferred-identity', 'security-client', 'security-server', 'security-verify',
]);

const canonicalCache = new Map<string, string>();

/** The canonical (lower-case, long-form) name of a header as received. */
export function canonicalName(raw: string): string {
  let name = canonicalCache.get(raw);
  if (name === undefined) {
    const lower = raw.toLowerCase();
    name = COMPACT[lower] ?? lower;
    if (canonicalCache.size < 4096) canonicalCache.set(raw, name);
  }
  return name;
}

/** The spelling used when writing a header: "Call-ID", "Via", "X-Custom-Thing". */
export function displayName(canonical: string): string {
  let name = displayCache.get(canonical);
  if (name === undefined) {
    name = SPECIAL[canonical] ?? canonical.replace(/(^|-)([a-z])/g, (_m, sep: string, ch: string) => sep + ch.toUpperCase());
    if (displayCache.size < 4096) displayCache.set(canonical, name);
  }
  return name;
}

const displayCache = new Map<string, string>();

export function isListHeader(canonical: string): boolean {
  return LIST_HEADERS.has(canonical);
}

/** True for the names this library knows (so that unknown ones keep their spelling). */
export function isKnownHeader(canonical: string): boolean {
  return KNOWN.has(canonical);
}

const KNOWN = new Set([
  ...Object.values(COMPACT), ...LIST_HEADERS, 'call-id', 'cseq', 'max-forwards', 'expires', 'min-expires',
  'subscription-state', 'sip-etag', 'sip-if-match', 'content-disposition', 'content-length', 'content-type',
  'www-authenticate', 'proxy-authenticate', 'authorization', 'proxy-authorization', 'authentication-info',
  'retry-after', 'date', 'user-agent', 'server', 'timestamp', 'organization', 'priority', 'reply-to',
  'mime-version', 'min-se', 'rack', 'rseq', 'imdn-record-route', 'imdn-route',
]);
