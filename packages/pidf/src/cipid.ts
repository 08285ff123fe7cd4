// RFC 4482 (CIPID): contact information that extends <person> or, for a service
// reaching somebody else, <tuple>.
import type { Element } from '@simple/xml';
import { appendElement, collapse, firstChildNamed, textOf } from './dom.js';
import { NS } from './namespaces.js';
import { appendNote, readNotes, type Note } from './note.js';

/**
 * RFC 4482 §3: "each element may only appear at most once", except <display-name>,
 * which may appear once per 'xml:lang' (§3.2). The URIs are xs:anyURI (whitespace collapsed).
 */
export interface Cipid {
  /** §3.1: a business card (LDIF, vCard). */
  readonly card?: string;
  /** §3.2: names for the watcher's user interface, one per language. */
  readonly displayNames: readonly Note[];
  /** §3.3. */
  readonly homepage?: string;
  /** §3.4. */
  readonly icon?: string;
  /** §3.5. */
  readonly map?: string;
  /** §3.6. */
  readonly sound?: string;
}

export type CipidInit = Partial<Cipid>;

const URI_ELEMENTS = ['card', 'homepage', 'icon', 'map', 'sound'] as const;

/** The CIPID element names, for telling modeled children from extensions. */
export const CIPID_ELEMENTS: ReadonlySet<string> = new Set([...URI_ELEMENTS, 'display-name']);

export function readCipid(parent: Element): Cipid {
  const out: { -readonly [K in keyof Cipid]?: Cipid[K] } = { displayNames: readNotes(parent, NS.cipid, 'display-name') };
  for (const name of URI_ELEMENTS) {
    const el = firstChildNamed(parent, NS.cipid, name);
    if (el !== undefined) out[name] = collapse(textOf(el));
  }
  return out as Cipid;
}

/** Appends the CIPID elements in RFC 4482 §5 schema order of declaration. */
export function appendCipid(parent: Element, c: CipidInit): void {
  if (c.card !== undefined) appendElement(parent, NS.cipid, 'card', c.card);
  for (const n of c.displayNames ?? []) appendNote(parent, NS.cipid, n, 'display-name');
  for (const name of ['homepage', 'icon', 'map', 'sound'] as const) {
    const v = c[name];
    if (v !== undefined) appendElement(parent, NS.cipid, name, v);
  }
}
