import type { Element } from '@simple/xml';
import { appendElement, childrenNamed, setXmlLang, textOf, xmlLang } from './dom.js';

/**
 * A human-readable note (RFC 3863 §4.1.6) in one language. Several notes in one place
 * convey the same note in several languages (RFC 4479 §5), so `lang` is their key.
 */
export interface Note {
  readonly text: string;
  /** `xml:lang` (RFC 3066 tag); absent when the language comes from the context. */
  readonly lang?: string;
}

/** The notes of namespace `ns` directly under `parent`, text as written (xs:string keeps whitespace). */
export function readNotes(parent: Element, ns: string, local = 'note'): Note[] {
  return childrenNamed(parent, ns, local).map(noteOf);
}

export function noteOf(el: Element): Note {
  const lang = xmlLang(el);
  return lang === undefined ? { text: textOf(el) } : { text: textOf(el), lang };
}

export function appendNote(parent: Element, ns: string, note: Note, local = 'note'): Element {
  const el = appendElement(parent, ns, local, note.text);
  setXmlLang(el, note.lang);
  return el;
}

/** The note in `lang` (case-insensitive, RFC 4646 tags), else the one without a language, else the first. */
export function pickNote(notes: readonly Note[], lang?: string): Note | undefined {
  if (lang !== undefined) {
    const exact = notes.find((n) => n.lang?.toLowerCase() === lang.toLowerCase());
    if (exact !== undefined) return exact;
  }
  return notes.find((n) => n.lang === undefined) ?? notes[0];
}
