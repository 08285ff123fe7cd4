import type { AorKey } from '@simple/contracts';
import { unescape, type SipUri } from '@simple/sip-message';

/**
 * RFC 3261 §10.3 step 5: "The URI MUST then be converted to a canonical
 * form. To do that, all URI parameters MUST be removed (including the
 * user-param), and any escaped characters MUST be converted to their
 * unescaped form. The result serves as an index into the list of bindings."
 * The form is `user@domain` (domain lower-case, user case-sensitive as
 * §19.1.4 compares it), the one `redisKeys` expects; sip and sips AORs share it.
 */
export function addressOfRecord(uri: SipUri): AorKey {
  const host = uri.host.toLowerCase();
  return uri.user === undefined ? host : `${unescape(uri.user)}@${host}`;
}

/**
 * The authenticated identity as an AOR key: the edge passes `user@domain`,
 * and a `sip:`/`sips:` prefix is tolerated. RFC 3261 §10.3 step 4 compares
 * it with the To AOR.
 */
export function identityAor(identity: string): AorKey {
  const bare = identity.trim().replace(/^sips?:/i, '');
  const at = bare.lastIndexOf('@');
  return at < 0 ? bare.toLowerCase() : `${unescape(bare.slice(0, at))}@${bare.slice(at + 1).toLowerCase()}`;
}
