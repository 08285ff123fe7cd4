import { unescape, unquote, type Params, type Uri } from '@simple/sip-message';

/** RFC 3261 §19.1.4: these URI parameters, present in one URI, must be in both. */
const MUST_MATCH = ['user', 'ttl', 'method', 'maddr', 'transport'] as const;

function paramValue(v: string | null | undefined): string {
  return v === null || v === undefined ? '' : unescape(v).toLowerCase();
}

function sorted(params: Params, names?: readonly string[]): string {
  const out: string[] = [];
  for (const [name, value] of params.entries()) {
    const n = name.toLowerCase();
    if (names === undefined || names.includes(n)) out.push(`${n}=${names === undefined ? unescape(value ?? '') : paramValue(value)}`);
  }
  return out.sort().join(';');
}

/**
 * The key of a binding made under RFC 3261 rules: the Contact URI in a
 * canonical form, so that URIs equal by RFC 3261 §19.1.4 share one key
 * ("For each address, the registrar then searches the list of current
 * bindings using the URI comparison rules", §10.3 step 7): user and password
 * unescaped and case-sensitive, host lower-case, port kept, the parameters
 * that must match in both URIs (user, ttl, method, maddr, transport) kept,
 * the others dropped, header components kept. Two URIs that differ only in
 * another parameter present in both therefore share a key, where §19.1.4
 * would call them different: a registrar cannot index a non-transitive
 * relation, and a UA re-registers the URI it registered before.
 */
export function contactBindingKey(uri: Uri): string {
  switch (uri.kind) {
    case 'sip': {
      const userinfo = uri.user === undefined ? '' : unescape(uri.user) + (uri.password === undefined ? '' : ':' + unescape(uri.password)) + '@';
      const port = uri.port === undefined ? '' : `:${uri.port}`;
      const params = sorted(uri.params, MUST_MATCH);
      const headers = sorted(uri.headers);
      return `${uri.scheme}:${userinfo}${uri.host.toLowerCase()}${port}${params ? ';' + params : ''}${headers ? '?' + headers : ''}`;
    }
    case 'tel':
      // RFC 3966 §4: visual separators do not count.
      return `tel:${uri.number.replace(/[-.()]/g, '').toLowerCase()}`;
    case 'absolute':
      return `${uri.scheme.toLowerCase()}:${uri.opaque}`;
  }
}

/**
 * The key of an Outbound binding (RFC 5626 §6): "the corresponding binding is
 * between an AOR and the combination of the instance-id ... and the value of
 * reg-id". It starts with "<", which no URI key can.
 */
export function outboundBindingKey(instanceId: string, regId: number): string {
  return `<${instanceId}>;reg-id=${regId}`;
}

/**
 * The instance-id of a `+sip.instance` Contact parameter
 * (`"<urn:uuid:...>"`, RFC 5626 §10: c-p-instance = "+sip.instance" EQUAL
 * DQUOTE "<" instance-val ">" DQUOTE), without quotes and brackets; the URN
 * scheme and namespace are case-insensitive (RFC 8141), and so is a UUID
 * (RFC 4122 §3). Undefined when the value does not have that form.
 */
export function canonicalInstanceId(raw: string | null | undefined): string | undefined {
  if (raw === null || raw === undefined) return undefined;
  const m = /^<([^<>"]+)>$/.exec(unquote(raw.trim()));
  if (m === null || m[1] === undefined) return undefined;
  const value = m[1];
  const urn = /^(urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}:)(.*)$/i.exec(value);
  if (urn === null) return value;
  const head = (urn[1] ?? '').toLowerCase();
  return head === 'urn:uuid:' ? head + (urn[2] ?? '').toLowerCase() : head + (urn[2] ?? '');
}
