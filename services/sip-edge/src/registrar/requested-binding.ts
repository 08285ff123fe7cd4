import { H, parseContacts, parseNameAddrList, type ContactList, type NameAddr, type SipRequest } from '@simple/sip-message';
import { canonicalInstanceId, contactBindingKey, outboundBindingKey } from './binding-key.js';
import type { OutboundContext } from './outbound.js';
import { accept, refuse, type Step } from './registrar-error.js';

/** One Contact of a REGISTER, read and checked, before the registrar's policy on expiry. */
export interface RequestedBinding {
  readonly key: string;
  readonly contact: string;
  /** The Contact's parameters other than `expires`, as written. */
  readonly params: string;
  readonly q: number;
  /** Seconds, by RFC 3261 §10.3 step 7 (Contact "expires", else Expires, else the default). */
  readonly requestedExpires: number;
  readonly instanceId?: string;
  /** Set when the reg-id is honoured: the binding follows Outbound rules (RFC 5626 §6). */
  readonly regId?: number;
}

const MAX_DELTA = 0xffffffff;
const MAX_REG_ID = 0x7fffffff;

/**
 * The Contact header of a REGISTER. RFC 3261 §10.2: an "expires" Contact
 * parameter's "Malformed values SHOULD be treated as equivalent to 3600", so
 * a Contact list refused only for such a value is read again with 3600 in
 * its place.
 */
export function readContactList(req: SipRequest): Step<ContactList | undefined> {
  const typed = req.headers.typed(H.contact);
  if (typed.ok) return accept(typed.value);
  const list = parseNameAddrList(req.headers.values('contact'), 'Contact');
  if (!list.ok) return refuse(400, typed.error.reason, [], typed.error);
  const mended = list.value.map((c) => {
    const e = c.params.get('expires');
    if (e === undefined || (e !== null && /^\d+$/.test(e))) return c.toString();
    const copy = c.clone();
    copy.params.set('expires', '3600');
    return copy.toString();
  });
  const again = parseContacts(mended);
  return again.ok ? accept(again.value) : refuse(400, typed.error.reason, [], typed.error);
}

/**
 * Reads each Contact of a REGISTER: its key, q, requested expiry and, under
 * RFC 5626 §6, its instance-id and reg-id. Refuses with 439 or 400 as §6
 * says. Later duplicates of one key replace earlier ones.
 */
export function readRequestedBindings(
  contacts: readonly NameAddr[],
  expiresHeader: number | undefined,
  defaultExpires: number,
  outbound: OutboundContext,
): Step<RequestedBinding[]> {
  const byKey = new Map<string, RequestedBinding>();
  for (const c of contacts) {
    // RFC 3261 §10.3 step 7: "If the field value has an "expires" parameter,
    // that value MUST be taken as the requested expiration. If there is no
    // such parameter, but the request has an Expires header field, that value
    // MUST be taken ... If there is neither, a locally-configured default value".
    // §10.2: values above 2**32-1 MAY be treated as 2**32-1.
    const param = c.params.get('expires');
    const requestedExpires = param !== undefined && param !== null ? Math.min(Number(param), MAX_DELTA) : (expiresHeader ?? defaultExpires);
    const q = c.params.get('q');

    const regIdParam = c.params.get('reg-id');
    let regId: number | undefined;
    if (regIdParam !== undefined) {
      // RFC 5626 §10: c-p-reg = "reg-id" EQUAL 1*DIGIT ; 1 to (2^31 - 1)
      if (regIdParam === null || !/^\d{1,10}$/.test(regIdParam) || Number(regIdParam) < 1 || Number(regIdParam) > MAX_REG_ID) {
        return refuse(400, 'Bad Request (invalid reg-id)');
      }
      regId = Number(regIdParam);
    }
    const instanceParam = c.params.get('+sip.instance');
    const instanceId = canonicalInstanceId(instanceParam);
    if (instanceParam !== undefined && instanceId === undefined) return refuse(400, 'Bad Request (invalid +sip.instance)');

    if (regId !== undefined && !outbound.applicable) {
      // RFC 5626 §6: "if the REGISTER request contains the reg-id and the
      // outbound option tag in a Supported header field, then the registrar
      // MUST respond to the REGISTER request with a 439 (First Hop Lacks
      // Outbound Support) response; otherwise, the registrar MUST ignore the
      // "reg-id" parameter of the Contact header."
      if (outbound.supported) return refuse(439, 'First Hop Lacks Outbound Support');
      regId = undefined;
    }
    // RFC 5626 §6: "If the registrar processes a Contact header field value
    // with a reg-id but no instance-id, it simply ignores the reg-id parameter."
    if (instanceId === undefined) regId = undefined;

    const key = instanceId !== undefined && regId !== undefined ? outboundBindingKey(instanceId, regId) : contactBindingKey(c.uri);
    const params = c.params.clone().delete('expires').toString();
    byKey.delete(key);
    byKey.set(key, {
      key,
      contact: c.uri.toString(),
      params,
      q: q === undefined || q === null ? 1 : Number(q),
      requestedExpires,
      ...(instanceId !== undefined ? { instanceId } : {}),
      ...(regId !== undefined ? { regId } : {}),
    });
  }
  const requested = [...byKey.values()];
  // RFC 5626 §6: "if the Contact header field contains more than one header
  // field value with a non-zero expiration and any of these header field
  // values contain a "reg-id" Contact header field parameter, the entire
  // registration SHOULD be rejected with a 400 (Bad Request) response."
  const live = requested.filter((r) => r.requestedExpires > 0);
  if (live.length > 1 && live.some((r) => r.regId !== undefined)) {
    return refuse(400, 'Bad Request (reg-id with more than one Contact)');
  }
  return accept(requested);
}
