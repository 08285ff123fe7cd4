import { H, SipHeaders, SipRequest, parseUri, serializeMessage, type HeaderField } from '@simple/sip-message';

/**
 * Header fields that stay behind when the router forwards a MESSAGE to a
 * contact: the Via (the edge that sends it adds its own, RFC 3261 §16.6
 * step 8), the route set consumed here (Route, Record-Route; a MESSAGE sets up
 * no dialog, RFC 3428 §4), the credentials meant for this domain's proxy
 * (RFC 3261 §22.3: Proxy-Authorization is consumed by the proxy that
 * challenged), Max-Forwards (decremented below) and Content-Length (set from
 * the body by the serializer).
 */
const DROPPED = new Set(['via', 'route', 'record-route', 'proxy-authorization', 'max-forwards', 'content-length']);

/**
 * The MESSAGE to send to one registered contact, as a proxy forwards it
 * (RFC 3261 §16.6; RFC 3428 §6 "Proxies route MESSAGE requests according to
 * the rules of SIP"): Request-URI = the binding's Contact (§16.5 target), the
 * rest (From, To, Call-ID, CSeq, Content-Type, body...) as the sender wrote
 * it, Max-Forwards one less. No Via: the owning edge adds its own.
 * Undefined when the contact is not a URI or Max-Forwards is spent.
 */
export function deliveryRequest(original: SipRequest, contact: string): Buffer | undefined {
  const uri = parseUri(contact);
  if (!uri.ok) return undefined;
  const mf = original.headers.typed(H.maxForwards);
  const maxForwards = mf.ok && mf.value !== undefined ? mf.value : 70;
  if (maxForwards <= 0) return undefined;
  const fields: HeaderField[] = [];
  for (const f of original.headers) if (!DROPPED.has(f.name)) fields.push(f);
  const headers = new SipHeaders(fields);
  headers.set('Max-Forwards', String(maxForwards - 1));
  return serializeMessage(new SipRequest('MESSAGE', uri.value, headers, original.body));
}
