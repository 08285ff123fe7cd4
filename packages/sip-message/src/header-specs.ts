import { parseAuthHeader, type AuthHeader } from './auth.js';
import { displayName } from './header-names.js';
import { parseContacts, type ContactList } from './contact.js';
import { parseCSeq, type CSeq } from './cseq.js';
import { parseEvent, parseSubscriptionState, type EventHeader, type SubscriptionState } from './event.js';
import { parseAccept, parseContentDisposition, parseContentType, type ContentDisposition, type MediaType } from './media-type.js';
import { parseNameAddr, parseNameAddrList, type NameAddr } from './name-addr.js';
import { fail, ok, type Result } from './result.js';
import { parseRetryAfter, type RetryAfter } from './retry-after.js';
import { parseCallId, parseDeltaSeconds, parseEntityTag, parseMaxForwards, parseSipDate, parseTokenList } from './scalars.js';
import type { HeaderSpec } from './sip-headers.js';
import { parseVias, type Via } from './via.js';

/** A header that must appear at most once (RFC 3261 §7.3.1). */
function single<T>(name: string, parse: (v: string) => Result<T>): HeaderSpec<T> {
  return {
    name,
    parse(values) {
      if (values.length > 1) return fail(`Multiple ${displayName(name)} headers`, name);
      return parse(values[0] ?? '');
    },
  };
}

function list<T>(name: string, parse: (v: readonly string[]) => Result<T>): HeaderSpec<T> {
  return { name, parse };
}

/** Headers whose fields each hold one value that may itself contain commas (challenges, credentials). */
function each<T>(name: string, parse: (v: string) => Result<T>): HeaderSpec<T[]> {
  return {
    name,
    parse(values) {
      const out: T[] = [];
      for (const v of values) {
        const r = parse(v);
        if (!r.ok) return r;
        out.push(r.value);
      }
      return ok(out);
    },
  };
}

const nameAddrs = (name: string, label: string): HeaderSpec<NameAddr[]> => list(name, (v) => parseNameAddrList(v, label));
const tokens = (name: string): HeaderSpec<string[]> => list(name, (v) => parseTokenList(v, displayName(name)));
const auth = (name: string): HeaderSpec<AuthHeader[]> => each(name, (v) => parseAuthHeader(v, displayName(name)));

/**
 * The typed headers this library understands, for `message.headers.typed(H.x)`.
 * Authorization and the challenges are read per field: their values contain commas.
 */
export const H = {
  via: list<Via[]>('via', parseVias),
  from: single<NameAddr>('from', (v) => parseNameAddr(v, 'From')),
  to: single<NameAddr>('to', (v) => parseNameAddr(v, 'To')),
  callId: single<string>('call-id', parseCallId),
  cseq: single<CSeq>('cseq', parseCSeq),
  maxForwards: single<number>('max-forwards', parseMaxForwards),
  contact: list<ContactList>('contact', parseContacts),
  route: nameAddrs('route', 'Route'),
  recordRoute: nameAddrs('record-route', 'Record-Route'),
  path: nameAddrs('path', 'Path'),
  serviceRoute: nameAddrs('service-route', 'Service-Route'),
  replyTo: single<NameAddr>('reply-to', (v) => parseNameAddr(v, 'Reply-To')),
  expires: single<number>('expires', (v) => parseDeltaSeconds(v, 'Expires')),
  minExpires: single<number>('min-expires', (v) => parseDeltaSeconds(v, 'Min-Expires')),
  event: single<EventHeader>('event', parseEvent),
  allowEvents: tokens('allow-events'),
  subscriptionState: single<SubscriptionState>('subscription-state', parseSubscriptionState),
  accept: list<MediaType[]>('accept', parseAccept),
  supported: tokens('supported'),
  require: tokens('require'),
  proxyRequire: tokens('proxy-require'),
  unsupported: tokens('unsupported'),
  allow: tokens('allow'),
  sipETag: single<string>('sip-etag', (v) => parseEntityTag(v, 'SIP-ETag')),
  sipIfMatch: single<string>('sip-if-match', (v) => parseEntityTag(v, 'SIP-If-Match')),
  contentType: single<MediaType>('content-type', parseContentType),
  contentDisposition: single<ContentDisposition>('content-disposition', parseContentDisposition),
  wwwAuthenticate: auth('www-authenticate'),
  proxyAuthenticate: auth('proxy-authenticate'),
  authorization: auth('authorization'),
  proxyAuthorization: auth('proxy-authorization'),
  retryAfter: single<RetryAfter>('retry-after', parseRetryAfter),
  date: single<Date>('date', parseSipDate),
  userAgent: single<string>('user-agent', (v) => ok(v)),
  server: single<string>('server', (v) => ok(v)),
} as const;

/** Every spec, for full validation of a message. */
export const ALL_SPECS: ReadonlyArray<HeaderSpec<unknown>> = Object.values(H);
