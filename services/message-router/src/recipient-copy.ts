import { SipHeaders, SipRequest, buildMultipart, newTag, parseUri, randomHex, type BodyPart, type HeaderField } from '@simple/sip-message';
import { RESOURCE_LISTS, type Recipient } from './recipient-list.js';

/**
 * Header fields of the incoming MESSAGE that are not copied as they are into
 * each outgoing one (RFC 5365 §7.2): the ones the URI-list service, acting as
 * a UAC, sets itself (Via, Max-Forwards, From tag, To, Call-ID, CSeq), the
 * route set and the credentials meant for this domain (Proxy-Authorization,
 * Authorization: "SHOULD NOT copy" for our realm, and nothing else reaches us
 * authenticated), the Require of the list service, and the body's headers
 * (the body is composed again, §7.3).
 */
const NOT_COPIED = new Set([
  'via', 'max-forwards', 'from', 'to', 'call-id', 'cseq', 'route', 'record-route', 'proxy-authorization', 'authorization',
  'require', 'contact', 'content-type', 'content-length', 'content-disposition', 'content-encoding', 'content-language', 'mime-version',
]);

/** MIME headers of a body part that become message headers when its multipart wrapper is removed. */
const PART_HEADERS = ['Content-Type', 'Content-Disposition', 'Content-Encoding', 'Content-Language', 'Content-ID', 'Content-Transfer-Encoding'];

/**
 * One outgoing MESSAGE of the URI-list service for one recipient (RFC 5365
 * §7.2, §7.3): Request-URI and To the recipient's URI; From as received but
 * with a tag of its own; a new Call-ID and CSeq 1; Max-Forwards initialised
 * (70); the other header fields copied. Body: every part of the incoming one
 * except the recipient list, plus the recipient-history list when there is
 * one (Content-Disposition recipient-list-history, handling=optional); a
 * single remaining part goes without the multipart/mixed wrapper. The Via is
 * a placeholder for the store (the edge that sends it puts its own).
 */
export function recipientCopy(original: SipRequest, to: Recipient, parts: readonly BodyPart[], history: string | undefined): SipRequest | undefined {
  const uri = parseUri(to.uri);
  if (!uri.ok) return undefined;
  const from = original.from.clone();
  from.tag = newTag();
  const fields: HeaderField[] = [];
  const add = (rawName: string, value: string): void => {
    fields.push({ name: rawName.toLowerCase(), rawName, value });
  };
  add('Via', `SIP/2.0/UDP message-router.invalid;branch=z9hG4bK${randomHex(8)}`);
  add('Max-Forwards', '70');
  add('From', from.toString());
  add('To', `<${to.uri}>`);
  add('Call-ID', `${randomHex(12)}@message-router.invalid`);
  add('CSeq', '1 MESSAGE');
  for (const f of original.headers) if (!NOT_COPIED.has(f.name)) fields.push(f);

  const all: Array<{ headers: Array<readonly [string, string]>; body: Buffer }> = parts.map((p) => ({
    headers: PART_HEADERS.flatMap((n) => {
      const v = p.headers.get(n);
      return v === undefined ? [] : [[n, v] as const];
    }),
    body: p.body,
  }));
  if (history !== undefined) {
    all.push({
      headers: [['Content-Type', RESOURCE_LISTS], ['Content-Disposition', 'recipient-list-history; handling=optional']],
      body: Buffer.from(history, 'utf8'),
    });
  }
  let body: Buffer;
  const [only] = all;
  if (all.length === 1 && only !== undefined) {
    // RFC 5365 §7.3: "If there is only one body left, the MESSAGE URI-list service MUST remove the multipart/mixed wrapper".
    for (const [n, v] of only.headers) add(n, v);
    body = only.body;
  } else if (all.length === 0) {
    body = Buffer.alloc(0);
  } else {
    const boundary = `mr-${randomHex(12)}`;
    add('Content-Type', `multipart/mixed;boundary="${boundary}"`);
    body = buildMultipart(all, boundary);
  }
  const headers = new SipHeaders(fields);
  headers.set('Content-Length', String(body.length));
  return new SipRequest('MESSAGE', uri.value, headers, body);
}
