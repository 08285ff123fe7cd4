// RFC 3863 §4.1.2-§4.1.7: <tuple>, which RFC 4479 §5 maps to a service.
import type { Element } from '@simple/xml';
import { appendElement, attr, childElements, childrenNamed, collapse, docOf, firstChildNamed, isNamed, qualifiedName, setAttr, textOf } from './dom.js';
import { NS } from './namespaces.js';
import { appendNote, readNotes, type Note } from './note.js';
import { PresenceComponent, upsertText } from './component.js';
import { appendCipid, CIPID_ELEMENTS, type Cipid, type CipidInit } from './cipid.js';
import {
  appendClass,
  appendEnumeration,
  appendStatusIcon,
  appendUserInput,
  readEnumeration,
  type RpidEnumeration,
  type RpidEnumerationInit,
  type StatusIcon,
  type UserInput,
} from './rpid.js';
import { appendTimedStatus, readTimedStatus, type TimedStatus, type TimedStatusInit } from './timed-status.js';
import { appendServiceCapabilities, readServiceCapabilities, type ServiceCapabilities, type ServiceCapabilitiesInit } from './caps.js';

/** RFC 3863 §4.1.4: the two values of <basic>. */
export type BasicStatus = 'open' | 'closed';

/** RFC 3863 §4.1.5: the contact address of a tuple (RFC 4479 §5: the service URI). */
export interface Contact {
  /** The URI, whitespace collapsed (xs:anyURI). */
  readonly uri: string;
  /**
   * 0 to 1, higher first. Absent when the attribute is absent or invalid: "If the
   * 'priority' value is out of the range, applications just SHOULD ignore the value and
   * process it as if the attribute was not present"; then "applications MUST assign the
   * contact address the lowest priority" (§4.1.5).
   */
  readonly priority?: number;
}

/** RFC 3863 §4.1.5 (and the §4.4 qvalue type): 0 to 1, at most 3 digits after the point. */
export function parsePriority(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const v = collapse(value);
  if (!/^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(v)) return undefined;
  return Number(v);
}

/** RPID elements that may extend <tuple> (RFC 4480 §3.1, Table 1). */
const TUPLE_RPID = new Set(['class', 'privacy', 'relationship', 'service-class', 'status-icon', 'user-input']);
const TUPLE_PIDF = new Set(['status', 'contact', 'note', 'timestamp']);

/** A view over a PIDF <tuple>: a service occurrence (RFC 4479 §5). */
export class Tuple extends PresenceComponent {
  /** The <status> element (RFC 3863 §4.1.3, mandatory in a valid tuple). */
  get statusElement(): Element | undefined {
    return firstChildNamed(this.element, NS.pidf, 'status');
  }

  /** RFC 3863 §4.1.4; undefined when absent or neither `open` nor `closed`. */
  get basic(): BasicStatus | undefined {
    const status = this.statusElement;
    const basic = status === undefined ? undefined : firstChildNamed(status, NS.pidf, 'basic');
    if (basic === undefined) return undefined;
    const v = collapse(textOf(basic));
    return v === 'open' || v === 'closed' ? v : undefined;
  }

  /** Sets <basic>, creating <status> (first child) and <basic> (first in <status>) when absent. */
  set basic(value: BasicStatus) {
    const doc = docOf(this.element);
    let status = this.statusElement;
    if (status === undefined) {
      status = doc.createElementNS(NS.pidf, qualifiedName(doc, NS.pidf, 'status'));
      this.element.insertBefore(status, this.element.firstChild);
    }
    const s = status;
    upsertText(s, NS.pidf, 'basic', value, () => {
      const b = doc.createElementNS(NS.pidf, qualifiedName(doc, NS.pidf, 'basic'));
      s.insertBefore(b, s.firstChild);
      return b;
    });
  }

  /** Status extensions (RFC 3863 §4.2.4), e.g. `<im:im>busy</im:im>`: the <status> children other than <basic>. */
  get statusExtensions(): Element[] {
    const status = this.statusElement;
    return status === undefined ? [] : childElements(status).filter((c) => !isNamed(c, NS.pidf, 'basic'));
  }

  get contact(): Contact | undefined {
    const el = firstChildNamed(this.element, NS.pidf, 'contact');
    if (el === undefined) return undefined;
    const priority = parsePriority(attr(el, 'priority'));
    return { uri: collapse(textOf(el)), ...(priority !== undefined && { priority }) };
  }

  /** Notes about this tuple (RFC 3863 §4.1.6), one per language. */
  get notes(): Note[] {
    return readNotes(this.element, NS.pidf);
  }

  /** RFC 3863 §4.1.7: the time of the status change, as written (RFC 3339). */
  get timestamp(): string | undefined {
    const el = firstChildNamed(this.element, NS.pidf, 'timestamp');
    return el === undefined ? undefined : collapse(textOf(el));
  }

  /** Sets <timestamp>, appended last (its place in the RFC 3863 §4.4 sequence) when absent. */
  set timestamp(value: string) {
    upsertText(this.element, NS.pidf, 'timestamp', value, () => appendElement(this.element, NS.pidf, 'timestamp'));
  }

  /** RFC 4480 §3.4 / RFC 4479 §5: the devices providing this service. */
  get deviceIds(): string[] {
    return childrenNamed(this.element, NS.dataModel, 'deviceID').map((e) => collapse(textOf(e)));
  }

  /** RFC 4480 §3.8 (one per time range). */
  get privacy(): RpidEnumeration[] {
    return this.enumerations('privacy');
  }

  /** RFC 4480 §3.9: absent means `self`. */
  get relationship(): RpidEnumeration | undefined {
    const el = firstChildNamed(this.element, NS.rpid, 'relationship');
    return el === undefined ? undefined : readEnumeration(el);
  }

  /** RFC 4480 §3.10: absent means `electronic`. */
  get serviceClass(): RpidEnumeration | undefined {
    const el = firstChildNamed(this.element, NS.rpid, 'service-class');
    return el === undefined ? undefined : readEnumeration(el);
  }

  /** RFC 4480 §3.12. */
  get statusIcons(): StatusIcon[] {
    return this.statusIconList();
  }

  /** RFC 4482 §1: for a tuple reaching somebody else (RPID relationship other than `self`). */
  get cipid(): Cipid {
    return this.cipidOf();
  }

  /** RFC 4481 §3. */
  get timedStatuses(): TimedStatus[] {
    return childrenNamed(this.element, NS.timedStatus, 'timed-status').map(readTimedStatus);
  }

  /** RFC 5196 §3.2. */
  get servcaps(): ServiceCapabilities | undefined {
    const el = firstChildNamed(this.element, NS.caps, 'servcaps');
    return el === undefined ? undefined : readServiceCapabilities(el);
  }

  protected models(c: Element): boolean {
    switch (c.namespaceURI) {
      case NS.pidf:
        return TUPLE_PIDF.has(c.localName ?? '');
      case NS.dataModel:
        return c.localName === 'deviceID';
      case NS.rpid:
        return TUPLE_RPID.has(c.localName ?? '');
      case NS.cipid:
        return CIPID_ELEMENTS.has(c.localName ?? '');
      case NS.timedStatus:
        return c.localName === 'timed-status';
      case NS.caps:
        return c.localName === 'servcaps';
      default:
        return false;
    }
  }
}

/** What `PresenceDocument.addTuple` and `buildPresence` accept for a tuple. */
export interface TupleInit {
  readonly id: string;
  readonly basic?: BasicStatus;
  readonly contact?: string | Contact;
  readonly notes?: readonly Note[];
  readonly timestamp?: string;
  readonly deviceIds?: readonly string[];
  readonly class?: string;
  readonly privacy?: readonly RpidEnumerationInit[];
  readonly relationship?: RpidEnumerationInit;
  readonly serviceClass?: RpidEnumerationInit;
  readonly statusIcons?: readonly StatusIcon[];
  readonly userInput?: UserInput;
  readonly cipid?: CipidInit;
  readonly timedStatuses?: readonly TimedStatusInit[];
  readonly servcaps?: ServiceCapabilitiesInit;
}

/**
 * Builds a detached <tuple> in the order of the RFC 3863 §4.4 schema: <status>, the
 * extensions (RFC 4479 §5: new attributes are children of <tuple>), <contact>, <note>*,
 * <timestamp>.
 */
export function buildTupleElement(root: Element, t: TupleInit): Element {
  const doc = docOf(root);
  const el = doc.createElementNS(NS.pidf, qualifiedName(doc, NS.pidf, 'tuple'));
  el.setAttribute('id', t.id);
  const status = appendElement(el, NS.pidf, 'status');
  if (t.basic !== undefined) appendElement(status, NS.pidf, 'basic', t.basic);
  for (const d of t.deviceIds ?? []) appendElement(el, NS.dataModel, 'deviceID', d);
  if (t.class !== undefined) appendClass(el, t.class);
  for (const p of t.privacy ?? []) appendEnumeration(el, 'privacy', p);
  if (t.relationship !== undefined) appendEnumeration(el, 'relationship', t.relationship);
  if (t.serviceClass !== undefined) appendEnumeration(el, 'service-class', t.serviceClass);
  for (const s of t.statusIcons ?? []) appendStatusIcon(el, s);
  if (t.userInput !== undefined) appendUserInput(el, t.userInput);
  if (t.cipid !== undefined) appendCipid(el, t.cipid);
  for (const ts of t.timedStatuses ?? []) appendTimedStatus(el, ts);
  if (t.servcaps !== undefined) appendServiceCapabilities(el, t.servcaps);
  if (t.contact !== undefined) {
    const c = typeof t.contact === 'string' ? { uri: t.contact } : t.contact;
    const contact = appendElement(el, NS.pidf, 'contact', c.uri);
    setAttr(contact, 'priority', c.priority);
  }
  for (const n of t.notes ?? []) appendNote(el, NS.pidf, n);
  if (t.timestamp !== undefined) appendElement(el, NS.pidf, 'timestamp', t.timestamp);
  return el;
}
