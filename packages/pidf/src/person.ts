// RFC 4479 §3.2 and §5: the <person> data component, extended by RPID and CIPID.
import type { Element } from '@simple/xml';
import { appendElement, childrenNamed, collapse, docOf, firstChildNamed, qualifiedName, textOf } from './dom.js';
import { NS } from './namespaces.js';
import { appendNote, readNotes, type Note } from './note.js';
import { PresenceComponent, upsertText } from './component.js';
import { appendCipid, CIPID_ELEMENTS, type Cipid, type CipidInit } from './cipid.js';
import {
  appendClass,
  appendEnumeration,
  appendPlaceIs,
  appendSphere,
  appendStatusIcon,
  appendTimeOffset,
  appendUserInput,
  readPlaceIs,
  readSphere,
  readTimeOffset,
  type PlaceIs,
  type PlaceIsInit,
  type RpidEnumeration,
  type RpidEnumerationInit,
  type Sphere,
  type StatusIcon,
  type TimeOffset,
  type UserInput,
} from './rpid.js';

/** RPID elements that may extend <person> (RFC 4480 §3.1, Table 1). */
const PERSON_RPID = new Set(['activities', 'class', 'mood', 'place-is', 'place-type', 'privacy', 'sphere', 'status-icon', 'time-offset', 'user-input']);

/**
 * A view over a data-model <person> (RFC 4479 §3.2). The RPID elements that take
 * 'from'/'until' may occur once per time range (RFC 4480 §3.1), so they read as lists.
 */
export class Person extends PresenceComponent {
  /** The person's own notes (RFC 4479 §5); see `PresenceDocument.notesFor` for the inherited ones. */
  get notes(): Note[] {
    return readNotes(this.element, NS.dataModel);
  }

  /** RFC 4479 §3.5: time of the most recent change, as written. */
  get timestamp(): string | undefined {
    const el = firstChildNamed(this.element, NS.dataModel, 'timestamp');
    return el === undefined ? undefined : collapse(textOf(el));
  }

  set timestamp(value: string) {
    upsertText(this.element, NS.dataModel, 'timestamp', value, () => appendElement(this.element, NS.dataModel, 'timestamp'));
  }

  /** RFC 4480 §3.2. */
  get activities(): RpidEnumeration[] {
    return this.enumerations('activities');
  }

  /** RFC 4480 §3.5. */
  get mood(): RpidEnumeration[] {
    return this.enumerations('mood');
  }

  /** RFC 4480 §3.6. */
  get placeIs(): PlaceIs[] {
    return childrenNamed(this.element, NS.rpid, 'place-is').map(readPlaceIs);
  }

  /** RFC 4480 §3.7 (values from RFC 4589 in `{urn:ietf:params:xml:ns:location-type}residence` form). */
  get placeType(): RpidEnumeration[] {
    return this.enumerations('place-type');
  }

  /** RFC 4480 §3.8. */
  get privacy(): RpidEnumeration[] {
    return this.enumerations('privacy');
  }

  /** RFC 4480 §3.11. */
  get sphere(): Sphere[] {
    return childrenNamed(this.element, NS.rpid, 'sphere').map(readSphere);
  }

  /** RFC 4480 §3.12. */
  get statusIcons(): StatusIcon[] {
    return this.statusIconList();
  }

  /** RFC 4480 §3.13 (an element whose content is not an integer is skipped). */
  get timeOffsets(): TimeOffset[] {
    return childrenNamed(this.element, NS.rpid, 'time-offset')
      .map(readTimeOffset)
      .filter((t): t is TimeOffset => t !== undefined);
  }

  /** RFC 4482. */
  get cipid(): Cipid {
    return this.cipidOf();
  }

  protected models(c: Element): boolean {
    switch (c.namespaceURI) {
      case NS.dataModel:
        return c.localName === 'note' || c.localName === 'timestamp';
      case NS.rpid:
        return PERSON_RPID.has(c.localName ?? '');
      case NS.cipid:
        return CIPID_ELEMENTS.has(c.localName ?? '');
      default:
        return false;
    }
  }
}

export interface PersonInit {
  readonly id: string;
  readonly activities?: readonly RpidEnumerationInit[];
  readonly class?: string;
  readonly mood?: readonly RpidEnumerationInit[];
  readonly placeIs?: readonly PlaceIsInit[];
  readonly placeType?: readonly RpidEnumerationInit[];
  readonly privacy?: readonly RpidEnumerationInit[];
  readonly sphere?: readonly Sphere[];
  readonly statusIcons?: readonly StatusIcon[];
  readonly timeOffsets?: readonly TimeOffset[];
  readonly userInput?: UserInput;
  readonly cipid?: CipidInit;
  readonly notes?: readonly Note[];
  readonly timestamp?: string;
}

/** A detached <person> in RFC 4479 §5.1.2 schema order: extensions, <note>*, <timestamp>. */
export function buildPersonElement(root: Element, p: PersonInit): Element {
  const doc = docOf(root);
  const el = doc.createElementNS(NS.dataModel, qualifiedName(doc, NS.dataModel, 'person'));
  el.setAttribute('id', p.id);
  for (const a of p.activities ?? []) appendEnumeration(el, 'activities', a);
  if (p.class !== undefined) appendClass(el, p.class);
  for (const m of p.mood ?? []) appendEnumeration(el, 'mood', m);
  for (const pi of p.placeIs ?? []) appendPlaceIs(el, pi);
  for (const pt of p.placeType ?? []) appendEnumeration(el, 'place-type', pt);
  for (const pr of p.privacy ?? []) appendEnumeration(el, 'privacy', pr);
  for (const s of p.sphere ?? []) appendSphere(el, s);
  for (const s of p.statusIcons ?? []) appendStatusIcon(el, s);
  for (const t of p.timeOffsets ?? []) appendTimeOffset(el, t);
  if (p.userInput !== undefined) appendUserInput(el, p.userInput);
  if (p.cipid !== undefined) appendCipid(el, p.cipid);
  for (const n of p.notes ?? []) appendNote(el, NS.dataModel, n);
  if (p.timestamp !== undefined) appendElement(el, NS.dataModel, 'timestamp', p.timestamp);
  return el;
}
