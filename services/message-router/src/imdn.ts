import { H, SipHeaders, SipRequest, mediaTypeName, newTag, parseUri, randomHex, type HeaderField } from '@simple/sip-message';
import { MESSAGE_CPIM, cpimHeaders, cpimMimeHeader, cpimUri, parseCpim, type CpimMessage } from './cpim.js';

/** RFC 5438 §6.1: the namespace of the IMDN CPIM headers. */
export const IMDN_HEADERS_NS = 'urn:ietf:params:imdn';
/** RFC 5438 §11.1: the namespace of the IMDN document. */
export const IMDN_XML_NS = 'urn:ietf:params:xml:ns:imdn';
export const IMDN_TYPE = 'message/imdn+xml';

/** What an IM asks for (RFC 5438 §6, §7.1.1) and what an IMDN about it needs. */
export interface ImdnRequest {
  /** Disposition-Notification values, lower case, parameters dropped (§10). */
  readonly dispositions: ReadonlySet<string>;
  readonly messageId: string;
  readonly dateTime: string | undefined;
  /** CPIM From and To (URIs), and Original-To when present (§6.4). */
  readonly from: string | undefined;
  readonly to: string | undefined;
  readonly originalTo: string | undefined;
  /** IMDN-Record-Route URIs in order (§6.5): they become the IMDN's IMDN-Route (§7.2.1). */
  readonly recordRoutes: readonly string[];
}

/** The CPIM message of a MESSAGE whose Content-Type is message/cpim (RFC 3862), if it parses. */
export function cpimOf(req: SipRequest): CpimMessage | undefined {
  const ct = req.headers.typed(H.contentType);
  if (!ct.ok || ct.value === undefined || mediaTypeName(ct.value).toLowerCase() !== MESSAGE_CPIM) return undefined;
  const p = parseCpim(req.body);
  return p.ok ? p.value : undefined;
}

/**
 * The disposition notifications an IM requests (RFC 5438 §7.1.1.3), or
 * undefined when it requests none, has no Message-ID (§6.3: required for an
 * IMDN to be matched), or is itself an IMDN (§7.2.1: no IMDN for an IMDN).
 */
export function imdnRequest(cpim: CpimMessage): ImdnRequest | undefined {
  const type = (cpimMimeHeader(cpim, 'Content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  const disposition = (cpimMimeHeader(cpim, 'Content-Disposition') ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === IMDN_TYPE || disposition === 'notification') return undefined;
  const dispositions = new Set<string>();
  for (const v of cpimHeaders(cpim, IMDN_HEADERS_NS, 'Disposition-Notification')) {
    for (const item of v.split(',')) {
      const d = (item.split(';')[0] ?? '').trim().toLowerCase();
      if (d !== '') dispositions.add(d);
    }
  }
  const messageId = cpimHeaders(cpim, IMDN_HEADERS_NS, 'Message-ID')[0]?.trim();
  if (dispositions.size === 0 || messageId === undefined || messageId === '') return undefined;
  const uriOf = (v: string | undefined): string | undefined => (v === undefined ? undefined : cpimUri(v));
  return {
    dispositions,
    messageId,
    dateTime: cpimHeaders(cpim, '', 'DateTime')[0],
    from: uriOf(cpimHeaders(cpim, '', 'From')[0]),
    to: uriOf(cpimHeaders(cpim, '', 'To')[0]),
    originalTo: uriOf(cpimHeaders(cpim, IMDN_HEADERS_NS, 'Original-To')[0]),
    recordRoutes: cpimHeaders(cpim, IMDN_HEADERS_NS, 'IMDN-Record-Route')
      .map((v) => cpimUri(v))
      .filter((u): u is string => u !== undefined && u !== ''),
  };
}

export type ProcessingStatus = 'processed' | 'stored' | 'forbidden' | 'error';
/** RFC 5438 §5.1; an intermediary sends only the negative ones (§8.2). */
export type DeliveryStatus = 'failed' | 'forbidden' | 'error';
export type ImdnStatus = { readonly kind: 'processing'; readonly status: ProcessingStatus } | { readonly kind: 'delivery'; readonly status: DeliveryStatus };

/**
 * The processing notification an intermediary sends (RFC 5438 §8.1, §12.2),
 * as a SIP MESSAGE (§12.1.1: Content-Type message/cpim) carrying a CPIM
 * message (From: the recipient, To: the IM's sender, a Message-ID of its
 * own, IMDN-Route copied from the IM's IMDN-Record-Route in order, §7.2.1)
 * whose content is the message/imdn+xml document with Content-Disposition
 * notification. Sent to the top IMDN-Route, else to the CPIM From (§7.2.1);
 * an address that is not a SIP URI (im:) falls back to the SIP From of the
 * IM. `recipient` is the SIP URI of the recipient (the IM's Request-URI AOR).
 */
export function processingNotification(im: SipRequest, r: ImdnRequest, status: ProcessingStatus, recipient: string, now: Date): SipRequest | undefined {
  return imdnNotification(im, r, { kind: 'processing', status }, recipient, now);
}

/**
 * An IMDN from the router as intermediary: a processing notification
 * (§8.1) or a negative delivery notification (§8.2, built "much like the IM
 * Recipient", §7.2.1.1), otherwise as `processingNotification` says.
 */
export function imdnNotification(im: SipRequest, r: ImdnRequest, what: ImdnStatus, recipient: string, now: Date): SipRequest | undefined {
  const sipTarget = (u: string | undefined): string | undefined => {
    if (u === undefined) return undefined;
    const p = parseUri(u);
    return p.ok && p.value.kind === 'sip' ? u : undefined;
  };
  const target = sipTarget(r.recordRoutes[0]) ?? sipTarget(r.from) ?? im.from.uri.toString();
  const targetUri = parseUri(target);
  if (!targetUri.ok) return undefined;
  const cpimFrom = r.to ?? recipient;
  const cpimTo = r.from ?? im.from.uri.toString();
  const xml = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<imdn xmlns="${IMDN_XML_NS}">`,
    `  <message-id>${esc(r.messageId)}</message-id>`,
    // §11.1.2: the date and time the IM was sent (its DateTime), not the IMDN's.
    `  <datetime>${esc(r.dateTime ?? now.toISOString())}</datetime>`,
    `  <recipient-uri>${esc(cpimFrom)}</recipient-uri>`,
    ...(r.originalTo !== undefined ? [`  <original-recipient-uri>${esc(r.originalTo)}</original-recipient-uri>`] : []),
    `  <${what.kind}-notification>`,
    `    <status><${what.status}/></status>`,
    `  </${what.kind}-notification>`,
    '</imdn>',
    '',
  ].join('\r\n');
  const body = [
    `From: <${cpimFrom}>`,
    `To: <${cpimTo}>`,
    `NS: imdn <${IMDN_HEADERS_NS}>`,
    `imdn.Message-ID: ${randomHex(12)}`,
    `DateTime: ${now.toISOString()}`,
    ...r.recordRoutes.map((u) => `imdn.IMDN-Route: <${u}>`),
    '',
    `Content-type: ${IMDN_TYPE}`,
    'Content-Disposition: notification',
    `Content-length: ${Buffer.byteLength(xml)}`,
    '',
    xml,
  ].join('\r\n');
  const fields: HeaderField[] = [];
  const add = (rawName: string, value: string): void => {
    fields.push({ name: rawName.toLowerCase(), rawName, value });
  };
  add('Via', `SIP/2.0/UDP message-router.invalid;branch=z9hG4bK${randomHex(8)}`);
  add('Max-Forwards', '70');
  add('From', `<${recipient}>;tag=${newTag()}`);
  add('To', `<${target}>`);
  add('Call-ID', `${randomHex(12)}@message-router.invalid`);
  add('CSeq', '1 MESSAGE');
  add('Content-Type', MESSAGE_CPIM);
  const bytes = Buffer.from(body, 'utf8');
  add('Content-Length', String(bytes.length));
  return new SipRequest('MESSAGE', targetUri.value, new SipHeaders(fields), bytes);
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
