// What bench/xcap.bench.ts sends: one user's resource-lists document with
// many entries (RFC 4826 §3), element GETs and element PUTs of single
// entries (RFC 4825 §6.3 node selectors, §8.2.3, §8.3), each request with
// its own precomputed HTTP Digest Authorization (RFC 7616 §3.4, MD5,
// qop=auth) on a nonce the server gave in its 401.
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { writeFileSync } from 'node:fs';

export const RESOURCE_LISTS_NS = 'urn:ietf:params:xml:ns:resource-lists';
export const LIST_NAME = 'friends';

/** The URI of entry k (sip:x00042@example.net). */
export function entryUri(k: number): string {
  return `sip:x${String(k).padStart(5, '0')}@example.net`;
}

/** The seeded document: one list "friends" with `entries` entries, each with a display-name. */
export function resourceListsDocument(entries: number): string {
  const lines = [`<?xml version="1.0" encoding="UTF-8"?>`, `<resource-lists xmlns="${RESOURCE_LISTS_NS}">`, ` <list name="${LIST_NAME}">`];
  for (let k = 0; k < entries; k++) lines.push(`  <entry uri="${entryUri(k)}"><display-name>Friend ${k}</display-name></entry>`);
  lines.push(' </list>', '</resource-lists>', '');
  return lines.join('\n');
}

/** The same document with no entry (Kamailio is seeded in two steps, see xcap.bench.ts). */
export function emptyResourceListsDocument(): string {
  return resourceListsDocument(0);
}

/** users/<xui>/index of resource-lists under `root`: /xcap-root/resource-lists/users/sip:u00000@127.0.0.1/index. */
export function documentPath(root: string, xui: string): string {
  return `${root}/resource-lists/users/${xui}/index`;
}

/**
 * RFC 4825 §6.3: the node selector of entry k,
 * .../index/~~/resource-lists/list[@name="friends"]/entry[@uri="sip:x00042@example.net"],
 * with [ ] and " percent-encoded as clients send them (§6: they are not allowed in a URI path).
 */
export function entryPath(docPath: string, k: number): string {
  const enc = (s: string): string => s.replace(/\[/g, '%5B').replace(/\]/g, '%5D').replace(/"/g, '%22');
  return `${docPath}/~~/${enc(`resource-lists/list[@name="${LIST_NAME}"]/entry[@uri="${entryUri(k)}"]`)}`;
}

/** The element PUT's body for entry k, version v: the same uri (else RFC 4825 §8.2.3 cannot-insert), a new display-name. */
export function entryBody(k: number, v: number): string {
  return `<entry uri="${entryUri(k)}"><display-name>Friend ${k} v${v}</display-name></entry>`;
}

export const ELEMENT_CONTENT_TYPE = 'application/xcap-el+xml';
export const DOCUMENT_CONTENT_TYPE = 'application/resource-lists+xml';

/** A Digest challenge the client answers (MD5, qop=auth). */
export interface DigestChallenge {
  readonly realm: string;
  readonly nonce: string;
  readonly qop: string | undefined;
}

export interface HttpAnswer {
  readonly status: number;
  /** Every header line as sent (a header may come several times, e.g. WWW-Authenticate). */
  readonly headers: readonly (readonly [string, string])[];
  readonly body: string;
}

/** One HTTP/1.1 request on a fresh connection (no keep-alive), at most `timeoutMs`. */
export function httpRequest(port: number, method: string, path: string, headers: Readonly<Record<string, string>> = {}, body?: string, timeoutMs = 5000): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const h: Record<string, string> = { Connection: 'close', ...headers };
    if (body !== undefined) h['Content-Length'] = String(Buffer.byteLength(body));
    const req = request({ host: '127.0.0.1', port, method, path, headers: h, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const raw = res.rawHeaders;
        const pairs: [string, string][] = [];
        for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i] as string, raw[i + 1] as string]);
        resolve({ status: res.statusCode ?? 0, headers: pairs, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** The auth-params of a Digest challenge or credentials. */
function digestParams(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of s.matchAll(/([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
    out[(m[1] as string).toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
  }
  return out;
}

/** The MD5 challenge of a 401 (RFC 7616 §3.3: no algorithm parameter means MD5), or undefined. */
export function md5Challenge(answer: HttpAnswer): DigestChallenge | undefined {
  for (const [name, value] of answer.headers) {
    if (name.toLowerCase() !== 'www-authenticate' || !/^Digest\s/i.test(value)) continue;
    const p = digestParams(value.slice(7));
    if ((p.algorithm ?? 'MD5').toUpperCase() !== 'MD5' || p.realm === undefined || p.nonce === undefined) continue;
    return { realm: p.realm, nonce: p.nonce, qop: p.qop };
  }
  return undefined;
}

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

/**
 * RFC 7616 §3.4.1 with qop=auth: the Authorization header for one request.
 * `nc` is this request's nonce count (1, 2, ...), the cnonce a fresh random value.
 */
export function digestAuthorization(o: { user: string; password: string; challenge: DigestChallenge; method: string; uri: string; nc: number }): string {
  const { user, password, challenge, method, uri, nc } = o;
  const ha1 = md5(`${user}:${challenge.realm}:${password}`);
  const ha2 = md5(`${method}:${uri}`);
  const ncHex = nc.toString(16).padStart(8, '0');
  const cnonce = randomBytes(8).toString('hex');
  const response = md5(`${ha1}:${challenge.nonce}:${ncHex}:${cnonce}:auth:${ha2}`);
  return (
    `Digest username="${user}", realm="${challenge.realm}", nonce="${challenge.nonce}", uri="${uri}", ` +
    `algorithm=MD5, response="${response}", qop=auth, nc=${ncHex}, cnonce="${cnonce}"`
  );
}

export interface XcapRequest {
  readonly method: 'GET' | 'PUT';
  readonly path: string;
  readonly authorization: string;
  readonly contentType?: string;
  readonly body?: string;
}

export interface WorkloadOptions {
  readonly user: string;
  readonly password: string;
  readonly challenge: DigestChallenge;
  readonly docPath: string;
  readonly entries: number;
  /** How many distinct requests (each with its own nc and cnonce); the load cycles through them. */
  readonly count: number;
}

/** `count` element GETs of entries 0, 1, ... (wrapping at `entries`), nc 1, 2, ... */
export function elementGets(o: WorkloadOptions): XcapRequest[] {
  return Array.from({ length: o.count }, (_, i) => {
    const path = entryPath(o.docPath, i % o.entries);
    return { method: 'GET', path, authorization: digestAuthorization({ user: o.user, password: o.password, challenge: o.challenge, method: 'GET', uri: path, nc: i + 1 }) };
  });
}

/** `count` element PUTs, each replacing one entry with a new display-name. */
export function elementPuts(o: WorkloadOptions): XcapRequest[] {
  return Array.from({ length: o.count }, (_, i) => {
    const k = i % o.entries;
    const path = entryPath(o.docPath, k);
    return {
      method: 'PUT',
      path,
      authorization: digestAuthorization({ user: o.user, password: o.password, challenge: o.challenge, method: 'PUT', uri: path, nc: i + 1 }),
      contentType: ELEMENT_CONTENT_TYPE,
      body: entryBody(k, i + 1),
    };
  });
}

/** The request file bench/wrk/requests-from-file.lua reads: METHOD, PATH, AUTHORIZATION, CONTENT-TYPE, BODY, tab-separated. */
export function writeRequestFile(path: string, requests: readonly XcapRequest[]): void {
  const lines = requests.map((r) => {
    const fields = [r.method, r.path, r.authorization, r.contentType ?? '', r.body ?? ''];
    if (fields.some((f) => /[\t\n\r]/.test(f))) throw new Error(`a request field holds a tab or a line break: ${r.path}`);
    return fields.join('\t');
  });
  writeFileSync(path, lines.join('\n') + '\n');
}

/** The headers of one precomputed request, for a probe outside wrk. */
export function requestHeaders(r: XcapRequest): Record<string, string> {
  return { Authorization: r.authorization, ...(r.contentType === undefined ? {} : { 'Content-Type': r.contentType }) };
}
