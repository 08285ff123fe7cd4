import type { NameAddr } from './name-addr.js';
import { parseNameAddrList } from './name-addr.js';
import { fail, ok, type Result } from './result.js';

/** Contact = ( STAR / (contact-param *(COMMA contact-param)) ) (RFC 3261 §20.10). */
export type ContactList = { readonly star: true } | { readonly star: false; readonly contacts: NameAddr[] };

export function parseContacts(values: readonly string[]): Result<ContactList> {
  if (values.length === 1 && values[0]?.trim() === '*') return ok({ star: true });
  if (values.some((v) => v.trim() === '*')) return fail('Bad Contact: "*" mixed with other contacts', 'contact');
  const list = parseNameAddrList(values, 'Contact');
  if (!list.ok) return list;
  for (const c of list.value) {
    const q = c.params.get('q');
    // qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
    if (q !== undefined && (q === null || !/^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(q))) return fail('Bad Contact: invalid q-value', 'contact');
    const e = c.params.get('expires');
    if (e !== undefined && (e === null || !/^\d+$/.test(e))) return fail('Bad Contact: invalid expires', 'contact');
  }
  return ok({ star: false, contacts: list.value });
}
