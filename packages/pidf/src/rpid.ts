// RFC 4480 (RPID): the rich presence elements that extend <person>, <tuple> and <device>.
import type { Element } from '@simple/xml';
import { appendElement, attr, childElements, clarkName, collapse, docOf, isNamed, setAttr, textOf } from './dom.js';
import { NS } from './namespaces.js';
import { appendNote, noteOf, type Note } from './note.js';

/**
 * Attributes shared by RPID elements. RFC 4480 §3.1: elements marked in Table 1 "MAY be
 * qualified with the 'from' and 'until' attributes to describe the absolute time when
 * the element assumed this value and the absolute time until which this element is
 * expected to be valid"; "Elements MAY contain an 'id' attribute".
 */
export interface RpidCommon {
  readonly id?: string;
  readonly from?: string;
  readonly until?: string;
}

/**
 * An RPID enumeration (<activities>, <mood>, <place-type>, <privacy>, <relationship>,
 * <service-class>). `values` are the child elements: an RPID value by its local name
 * (`on-the-phone`, `angry`), a value from another namespace (RFC 4480 §6, e.g.
 * RFC 4589 place types) in `{namespace}local` form. `others` are the free-text
 * <other> values (RFC 4480 §3.1), `notes` the element's <note>s.
 */
export interface RpidEnumeration extends RpidCommon {
  readonly values: readonly string[];
  readonly others: readonly string[];
  readonly notes: readonly Note[];
}

/** RFC 4480 §3.6: the properties of the place, per medium (`noisy`, `ok`, `quiet`, `dark`, ...). */
export interface PlaceIs extends RpidCommon {
  readonly audio?: string;
  readonly video?: string;
  readonly text?: string;
  readonly notes: readonly Note[];
}

/**
 * RFC 4480 §3.11: `work`, `home`, `unknown`, a value from another namespace in
 * `{namespace}local` form, or free text. (The RFC's §4 example uses free text,
 * "bowling league", which its own schema does not allow: see the README.)
 */
export interface Sphere extends RpidCommon {
  readonly value: string;
}

/** RFC 4480 §3.12. */
export interface StatusIcon extends RpidCommon {
  readonly uri: string;
}

/** RFC 4480 §3.13: minutes east of UTC, with an optional human-readable description. */
export interface TimeOffset extends RpidCommon {
  readonly minutes: number;
  readonly description?: string;
}

/** RFC 4480 §3.14: `active` or `idle`, with optional idle-threshold (seconds) and last-input. */
export interface UserInput {
  readonly id?: string;
  readonly value: 'active' | 'idle';
  readonly idleThreshold?: number;
  readonly lastInput?: string;
}

/** The RPID enumerations, by element name. */
export type RpidEnumerationName = 'activities' | 'mood' | 'place-type' | 'privacy' | 'relationship' | 'service-class';

function common(el: Element): RpidCommon {
  const id = attr(el, 'id');
  const from = attr(el, 'from');
  const until = attr(el, 'until');
  return { ...(id !== undefined && { id }), ...(from !== undefined && { from: collapse(from) }), ...(until !== undefined && { until: collapse(until) }) };
}

function valueName(el: Element): string {
  return el.namespaceURI === NS.rpid ? (el.localName ?? el.nodeName) : clarkName(el);
}

export function readEnumeration(el: Element): RpidEnumeration {
  const values: string[] = [];
  const others: string[] = [];
  const notes: Note[] = [];
  for (const c of childElements(el)) {
    if (isNamed(c, NS.rpid, 'note')) notes.push(noteOf(c));
    else if (isNamed(c, NS.rpid, 'other')) others.push(textOf(c));
    else values.push(valueName(c));
  }
  return { ...common(el), values, others, notes };
}

export function readPlaceIs(el: Element): PlaceIs {
  const notes: Note[] = [];
  let audio: string | undefined;
  let video: string | undefined;
  let text: string | undefined;
  for (const c of childElements(el)) {
    if (isNamed(c, NS.rpid, 'note')) notes.push(noteOf(c));
    else if (c.namespaceURI === NS.rpid) {
      const first = childElements(c)[0];
      const v = first === undefined ? undefined : valueName(first);
      if (c.localName === 'audio') audio = v;
      else if (c.localName === 'video') video = v;
      else if (c.localName === 'text') text = v;
    }
  }
  return { ...common(el), ...(audio !== undefined && { audio }), ...(video !== undefined && { video }), ...(text !== undefined && { text }), notes };
}

export function readSphere(el: Element): Sphere {
  const first = childElements(el)[0];
  return { ...common(el), value: first === undefined ? collapse(textOf(el)) : valueName(first) };
}

export function readStatusIcon(el: Element): StatusIcon {
  return { ...common(el), uri: collapse(textOf(el)) };
}

/** Undefined when the content is not an integer (RFC 4480 §5.1: xs:integer). */
export function readTimeOffset(el: Element): TimeOffset | undefined {
  const text = collapse(textOf(el));
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  const description = attr(el, 'description');
  return { ...common(el), minutes: Number(text), ...(description !== undefined && { description }) };
}

/** Undefined when the value is neither `active` nor `idle`. */
export function readUserInput(el: Element): UserInput | undefined {
  const value = collapse(textOf(el));
  if (value !== 'active' && value !== 'idle') return undefined;
  const id = attr(el, 'id');
  const threshold = attr(el, 'idle-threshold');
  const lastInput = attr(el, 'last-input');
  return {
    ...(id !== undefined && { id }),
    value,
    ...(threshold !== undefined && /^\d+$/.test(collapse(threshold)) && { idleThreshold: Number(collapse(threshold)) }),
    ...(lastInput !== undefined && { lastInput: collapse(lastInput) }),
  };
}

function setCommon(el: Element, c: RpidCommon): void {
  setAttr(el, 'id', c.id);
  setAttr(el, 'from', c.from);
  setAttr(el, 'until', c.until);
}

/** Appends a value child: an RPID element by local name, or `{namespace}local`. */
function appendValue(parent: Element, value: string): Element {
  const m = /^\{([^}]*)\}(.+)$/.exec(value);
  return m === null ? appendElement(parent, NS.rpid, value) : appendElement(parent, m[1] ?? '', m[2] ?? '');
}

/** What a builder accepts for an enumeration: values, the rest optional. */
export type RpidEnumerationInit = Pick<RpidEnumeration, 'values'> & Partial<Omit<RpidEnumeration, 'values'>>;
export type PlaceIsInit = Omit<PlaceIs, 'notes'> & { readonly notes?: readonly Note[] };

export function appendEnumeration(parent: Element, name: RpidEnumerationName, e: RpidEnumerationInit): Element {
  const el = appendElement(parent, NS.rpid, name);
  setCommon(el, e);
  // Schema order (RFC 4480 §5.1): note*, then the values, then <other>.
  for (const n of e.notes ?? []) appendNote(el, NS.rpid, n);
  for (const v of e.values) appendValue(el, v);
  for (const o of e.others ?? []) appendElement(el, NS.rpid, 'other', o);
  return el;
}

export function appendPlaceIs(parent: Element, p: PlaceIsInit): Element {
  const el = appendElement(parent, NS.rpid, 'place-is');
  setCommon(el, p);
  for (const n of p.notes ?? []) appendNote(el, NS.rpid, n);
  for (const medium of ['audio', 'video', 'text'] as const) {
    const v = p[medium];
    if (v !== undefined) appendValue(appendElement(el, NS.rpid, medium), v);
  }
  return el;
}

const SPHERE_VALUES = new Set(['home', 'work', 'unknown']);

export function appendSphere(parent: Element, s: Sphere): Element {
  const el = appendElement(parent, NS.rpid, 'sphere');
  setCommon(el, s);
  if (SPHERE_VALUES.has(s.value) || s.value.startsWith('{')) appendValue(el, s.value);
  else el.appendChild(docOf(el).createTextNode(s.value));
  return el;
}

export function appendStatusIcon(parent: Element, s: StatusIcon): Element {
  const el = appendElement(parent, NS.rpid, 'status-icon', s.uri);
  setCommon(el, s);
  return el;
}

export function appendTimeOffset(parent: Element, t: TimeOffset): Element {
  const el = appendElement(parent, NS.rpid, 'time-offset', String(Math.trunc(t.minutes)));
  setCommon(el, t);
  setAttr(el, 'description', t.description);
  return el;
}

export function appendUserInput(parent: Element, u: UserInput): Element {
  const el = appendElement(parent, NS.rpid, 'user-input', u.value);
  setAttr(el, 'id', u.id);
  setAttr(el, 'idle-threshold', u.idleThreshold);
  setAttr(el, 'last-input', u.lastInput);
  return el;
}

/** RFC 4480 §3.3: one class label per person, service or device, never with from/until. */
export function appendClass(parent: Element, value: string): Element {
  return appendElement(parent, NS.rpid, 'class', value);
}
