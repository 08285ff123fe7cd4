import { addressOfRecord } from '@simple/location';
import { H, SipUri, mediaTypeName, messageParts, parseUri, type BodyPart, type SipRequest } from '@simple/sip-message';
import { parseXml, type Element } from '@simple/xml';

/** RFC 5365 §5: the option-tag of a MESSAGE that carries a recipient list. */
export const RECIPIENT_LIST_MESSAGE = 'recipient-list-message';
/** RFC 4826 §3.2. */
export const RESOURCE_LISTS = 'application/resource-lists+xml';
export const RESOURCE_LISTS_NS = 'urn:ietf:params:xml:ns:resource-lists';
/** RFC 5364 §5. */
export const COPY_CONTROL_NS = 'urn:ietf:params:xml:ns:copycontrol';
/** RFC 5364 §4: what an anonymized URI becomes in a recipient-history list. */
export const ANONYMOUS_URI = 'sip:anonymous@anonymous.invalid';

export type CopyControl = 'to' | 'cc' | 'bcc';

export interface Recipient {
  /** The URI as listed (headers and the "method" parameter dropped, RFC 5365 §7.3). */
  readonly uri: string;
  /** Canonical AOR (RFC 3261 §10.3 step 5), the key duplicates are found by. */
  readonly aor: string;
  readonly copyControl: CopyControl;
  readonly anonymize: boolean;
}

export interface RecipientListMessage {
  /** Intended recipients, duplicates merged (RFC 5364 §4), in list order. */
  readonly recipients: readonly Recipient[];
  /** The body parts other than the recipient list, to be copied (RFC 5365 §7.3). */
  readonly otherParts: readonly BodyPart[];
}

export type RecipientListResult =
  | { readonly ok: true; readonly value: RecipientListMessage }
  | { readonly ok: false; readonly status: number; readonly reason: string };

/** Whether the request asks for the MESSAGE URI-list service (RFC 5365 §6: Require: recipient-list-message). */
export function requiresRecipientList(req: SipRequest): boolean {
  const r = req.headers.typed(H.require);
  return r.ok && r.value !== undefined && r.value.some((t) => t.toLowerCase() === RECIPIENT_LIST_MESSAGE);
}

const PRECEDENCE: Readonly<Record<CopyControl, number>> = { to: 0, cc: 1, bcc: 2 };

/**
 * Reads a multiple-recipient MESSAGE (RFC 5365 §6): a multipart/mixed body
 * with one application/resource-lists+xml part whose Content-Disposition is
 * "recipient-list" (RFC 5363), a flat RFC 4826 list whose entries may carry
 * the RFC 5364 copyControl and anonymize attributes. Duplicated URIs become
 * one recipient with the highest-precedence copyControl ("to", "cc", "bcc",
 * RFC 5364 §4); a missing copyControl is "bcc". Nested lists are flattened;
 * entry-ref and external elements are ignored (RFC 5365 §7 MAY discard).
 * Never throws: a malformed request yields a 400 with the reason.
 */
export function parseRecipientListMessage(req: SipRequest, maxRecipients: number): RecipientListResult {
  const parts = messageParts(req);
  if (!parts.ok) return bad(`recipient-list-message without a multipart body (${parts.error.reason})`);
  let list: BodyPart | undefined;
  const otherParts: BodyPart[] = [];
  for (const p of parts.value) {
    const ct = p.headers.typed(H.contentType);
    const cd = p.headers.typed(H.contentDisposition);
    const type = ct.ok && ct.value !== undefined ? mediaTypeName(ct.value).toLowerCase() : '';
    const disposition = cd.ok && cd.value !== undefined ? cd.value.type.toLowerCase() : '';
    if (list === undefined && type === RESOURCE_LISTS && disposition === 'recipient-list') list = p;
    else otherParts.push(p);
  }
  if (list === undefined) return bad('no application/resource-lists+xml part with Content-Disposition recipient-list');
  const doc = parseXml(list.body, { maxBytes: 256 * 1024 });
  if (!doc.ok) return bad(`recipient list: ${doc.error.message}`);
  const root = doc.value.documentElement;
  if (root === null || root.localName !== 'resource-lists' || root.namespaceURI !== RESOURCE_LISTS_NS) return bad('recipient list: not a resource-lists document');

  const byAor = new Map<string, Recipient>();
  let entries = 0;
  for (const entry of elements(root, 'entry')) {
    const raw = entry.getAttribute('uri') ?? '';
    const uri = parseUri(raw);
    if (!uri.ok) return bad(`recipient list: bad entry uri "${raw.slice(0, 100)}"`);
    // RFC 5365 §7.3: only MESSAGE is sent, whatever "method" says; headers in the URI are not honoured here.
    const u = uri.value;
    const target = u.kind === 'sip' ? new SipUri(u.scheme, u.host, u.port, u.user).toString() : u.toString();
    const aor = u.kind === 'sip' ? addressOfRecord(u) : target;
    if (++entries > maxRecipients * 4) break; // duplicates aside, the limit check below decides
    const ccAttr = (entry.getAttributeNS(COPY_CONTROL_NS, 'copyControl') ?? '').trim().toLowerCase();
    const copyControl: CopyControl = ccAttr === 'to' || ccAttr === 'cc' ? ccAttr : 'bcc';
    const an = (entry.getAttributeNS(COPY_CONTROL_NS, 'anonymize') ?? '').trim().toLowerCase();
    const anonymize = an === 'true' || an === '1';
    const prev = byAor.get(aor);
    if (prev === undefined) byAor.set(aor, { uri: target, aor, copyControl, anonymize });
    else {
      // RFC 5364 §4: one copy per intended recipient, with the highest-precedence copyControl;
      // anonymized if any of the entries asked for it (the stricter reading for privacy).
      byAor.set(aor, {
        ...prev,
        copyControl: PRECEDENCE[copyControl] < PRECEDENCE[prev.copyControl] ? copyControl : prev.copyControl,
        anonymize: prev.anonymize || anonymize,
      });
    }
  }
  const recipients = [...byAor.values()];
  if (recipients.length === 0) return bad('recipient list: no recipient');
  if (recipients.length > maxRecipients) {
    // RFC 5365 names no status for this; 403: understood, and refused by policy (RFC 3261 §21.4.4).
    return { ok: false, status: 403, reason: `Forbidden (too many recipients: at most ${maxRecipients})` };
  }
  return { ok: true, value: { recipients, otherParts } };
}

function bad(reason: string): RecipientListResult {
  return { ok: false, status: 400, reason: `Bad Request (${reason})` };
}

/** Descendant elements of the resource-lists namespace with this local name, in document order. */
function elements(root: Element, localName: string): Element[] {
  const out: Element[] = [];
  const walk = (e: Element): void => {
    for (let c = e.firstChild; c !== null; c = c.nextSibling) {
      if (c.nodeType !== 1) continue;
      const el = c as Element;
      if (el.namespaceURI !== RESOURCE_LISTS_NS) continue;
      if (el.localName === localName) out.push(el);
      else if (el.localName === 'list') walk(el);
    }
  };
  walk(root);
  return out;
}

/**
 * The recipient-history list every copy carries (RFC 5364 §4, first way,
 * RFC 5365 §7.3): the "to" and "cc" URIs in list order; anonymized ones
 * replaced by sip:anonymous@anonymous.invalid, one entry per copyControl with
 * their count; every "bcc" URI removed, so that the same list goes to every
 * recipient and nobody learns of the blind copies. Undefined when there is no
 * "to" or "cc" recipient (then no list is sent).
 */
export function recipientHistory(recipients: readonly Recipient[]): string | undefined {
  const lines: string[] = [];
  const anonymous: Record<'to' | 'cc', number> = { to: 0, cc: 0 };
  for (const kind of ['to', 'cc'] as const) {
    for (const r of recipients) {
      if (r.copyControl !== kind) continue;
      if (r.anonymize) anonymous[kind]++;
      else lines.push(`    <entry uri="${xmlAttr(r.uri)}" cp:copyControl="${kind}" />`);
    }
    if (anonymous[kind] > 0) lines.push(`    <entry uri="${ANONYMOUS_URI}" cp:copyControl="${kind}" cp:count="${anonymous[kind]}"/>`);
  }
  if (lines.length === 0) return undefined;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<resource-lists xmlns="${RESOURCE_LISTS_NS}"`,
    `          xmlns:cp="${COPY_CONTROL_NS}">`,
    '  <list>',
    ...lines,
    '  </list>',
    '</resource-lists>',
    '',
  ].join('\r\n');
}

function xmlAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
}
