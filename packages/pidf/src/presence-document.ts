// RFC 3863 §4.1.1: the <presence> document, with the RFC 4479 components in it.
import { parseXml, type Document, type Element } from '@simple/xml';
import { attr, childElements, collapse, declareNamespace, isNamed } from './dom.js';
import { NS } from './namespaces.js';
import { appendNote, readNotes, type Note } from './note.js';
import { PidfError } from './pidf-error.js';
import type { Result } from './result.js';
import { buildTupleElement, parsePriority, Tuple, type TupleInit } from './tuple.js';
import { buildPersonElement, Person, type PersonInit } from './person.js';
import { buildDeviceElement, Device, type DeviceInit } from './device.js';
import { parseDateTime } from './date-time.js';

/**
 * `presence` for application/pidf+xml (RFC 3863); `pidf-full` for the full state of
 * application/pidf-diff+xml (RFC 5262 §3), whose content model is that of <presence>.
 */
export type PresenceRootKind = 'presence' | 'pidf-full';

/** Ways in which a document departs from the schemas while still being readable (RFC 4479 §5: receivers extract what they can). */
export type PidfProblemCode =
  | 'missing-entity'
  | 'missing-id'
  | 'duplicate-id'
  | 'missing-status'
  | 'invalid-basic'
  | 'invalid-priority'
  | 'invalid-timestamp'
  | 'missing-device-id';

export interface PidfProblem {
  readonly code: PidfProblemCode;
  readonly message: string;
}

/**
 * A presence document: the parsed DOM, which is the single source of truth, and typed
 * views over it. Reading a view reads the DOM and writing one writes the DOM, so
 * elements, attributes, namespace declarations and text that no view models survive a
 * parse/serialize round trip untouched (RFC 3863 §4.2.3: unknown elements are ignored,
 * not dropped by a processor that relays them).
 */
export class PresenceDocument {
  private constructor(readonly dom: Document) {}

  /** Wraps a DOM whose root is `{pidf}presence` or `{pidf-diff}pidf-full` (RFC 5262). */
  static fromDocument(dom: Document): Result<PresenceDocument, PidfError> {
    const root = dom.documentElement;
    if (root === null || !(isNamed(root, NS.pidf, 'presence') || isNamed(root, NS.pidfDiff, 'pidf-full'))) {
      const name = root === null ? 'nothing' : `{${root.namespaceURI ?? ''}}${root.localName ?? root.nodeName}`;
      return { ok: false, error: new PidfError('not-pidf', `root element is ${name}, not {${NS.pidf}}presence`) };
    }
    return { ok: true, value: new PresenceDocument(dom) };
  }

  /** An empty `<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="...">` (RFC 3863 §4.1.1). */
  static create(entity: string): PresenceDocument {
    const parsed = parseXml(`<presence xmlns="${NS.pidf}"/>`);
    if (!parsed.ok) throw parsed.error; // unreachable: a constant, well-formed document
    const doc = new PresenceDocument(parsed.value);
    doc.entity = entity;
    return doc;
  }

  get root(): Element {
    return this.dom.documentElement as Element;
  }

  get kind(): PresenceRootKind {
    return this.root.namespaceURI === NS.pidfDiff ? 'pidf-full' : 'presence';
  }

  /** The presentity URI (RFC 3863 §4.1.1; RFC 4479 §5); undefined when the document lacks it. */
  get entity(): string | undefined {
    const e = attr(this.root, 'entity');
    return e === undefined ? undefined : collapse(e);
  }

  set entity(value: string) {
    this.root.setAttribute('entity', value);
  }

  /** RFC 5262 §3.1: the sequence number of a <pidf-full> document. */
  get version(): number | undefined {
    const v = attr(this.root, 'version');
    return v !== undefined && /^\d+$/.test(collapse(v)) ? Number(collapse(v)) : undefined;
  }

  get tuples(): Tuple[] {
    return this.children(NS.pidf, 'tuple').map((e) => new Tuple(e));
  }

  tuple(id: string): Tuple | undefined {
    return this.tuples.find((t) => t.id === id);
  }

  /** Presence-level notes (RFC 3863 §4.1.6: about the presentity). */
  get notes(): Note[] {
    return readNotes(this.root, NS.pidf);
  }

  get persons(): Person[] {
    return this.children(NS.dataModel, 'person').map((e) => new Person(e));
  }

  get devices(): Device[] {
    return this.children(NS.dataModel, 'device').map((e) => new Device(e));
  }

  /** The occurrences of one device (RFC 4479 §3.4: they share the device ID). */
  devicesById(deviceId: string): Device[] {
    return this.devices.filter((d) => d.deviceId === deviceId);
  }

  /** Children of the root that no view models (RFC 3863 §4.3.2 `<myex:mytag>`, ...). */
  get extensions(): Element[] {
    return childElements(this.root).filter(
      (c) => !(isNamed(c, NS.pidf, 'tuple') || isNamed(c, NS.pidf, 'note') || isNamed(c, NS.dataModel, 'person') || isNamed(c, NS.dataModel, 'device')),
    );
  }

  /**
   * The notes that apply to a person. RFC 4479 §5: "if a <person> element has one or more
   * <note> elements, those are the <note> elements for that <person> element. If a
   * <person> element does not have any of its own <note> elements, the <note> elements
   * that are the direct children of <presence> are the <note> elements for that <person>."
   */
  notesFor(person: Person): Note[] {
    const own = person.notes;
    return own.length > 0 ? own : this.notes;
  }

  /** Adds a tuple after the last tuple (RFC 3863 §4.4: tuples come first). */
  addTuple(init: TupleInit): Tuple {
    const el = buildTupleElement(this.root, init);
    this.root.insertBefore(el, this.firstChildAfter((c) => isNamed(c, NS.pidf, 'tuple')));
    return new Tuple(el);
  }

  /** Adds a presence-level note after the tuples and notes (RFC 3863 §4.4 order). */
  addNote(note: Note): void {
    const el = appendNote(this.root, NS.pidf, note);
    this.root.insertBefore(el, this.firstChildAfter((c) => isNamed(c, NS.pidf, 'tuple') || isNamed(c, NS.pidf, 'note') || c === el));
  }

  addPerson(init: PersonInit): Person {
    const el = buildPersonElement(this.root, init);
    this.root.appendChild(el);
    return new Person(el);
  }

  addDevice(init: DeviceInit): Device {
    const el = buildDeviceElement(this.root, init);
    this.root.appendChild(el);
    return new Device(el);
  }

  /** A deep copy, independent of this one. */
  clone(): PresenceDocument {
    return new PresenceDocument(this.dom.cloneNode(true) as Document);
  }

  /**
   * Departures from RFC 3863 §4.4 / RFC 4479 §5.1 that a lenient reader tolerates
   * (RFC 4479 §5: "Implementations SHOULD be prepared to receive documents that are not
   * valid, and extract whatever information from them that they can parse").
   */
  problems(): PidfProblem[] {
    const out: PidfProblem[] = [];
    if (this.entity === undefined) out.push({ code: 'missing-entity', message: `<${this.root.localName}> has no 'entity' attribute` });
    const seen = new Set<string>();
    const checkId = (what: string, el: Element): void => {
      const id = attr(el, 'id');
      if (id === undefined || collapse(id) === '') out.push({ code: 'missing-id', message: `a <${what}> has no 'id'` });
      else if (seen.has(id)) out.push({ code: 'duplicate-id', message: `id '${id}' is used twice (xs:ID, RFC 4479 §3.5)` });
      else seen.add(id);
    };
    const checkTimestamp = (what: string, value: string | undefined): void => {
      if (value !== undefined && parseDateTime(value) === undefined) out.push({ code: 'invalid-timestamp', message: `<${what}> timestamp '${value}' is not an RFC 3339 date-time` });
    };
    for (const t of this.tuples) {
      checkId('tuple', t.element);
      if (t.statusElement === undefined) out.push({ code: 'missing-status', message: `tuple '${t.id}' has no <status>` });
      else if (t.basic === undefined && t.statusElement.getElementsByTagNameNS(NS.pidf, 'basic').length > 0)
        out.push({ code: 'invalid-basic', message: `tuple '${t.id}' has a <basic> other than open/closed` });
      const contact = childElements(t.element).find((c) => isNamed(c, NS.pidf, 'contact'));
      const priority = contact === undefined ? undefined : attr(contact, 'priority');
      if (priority !== undefined && parsePriority(priority) === undefined)
        out.push({ code: 'invalid-priority', message: `tuple '${t.id}' contact priority '${priority}' is not a qvalue (RFC 3863 §4.1.5)` });
      checkTimestamp('tuple', t.timestamp);
    }
    for (const p of this.persons) {
      checkId('person', p.element);
      checkTimestamp('person', p.timestamp);
    }
    for (const d of this.devices) {
      checkId('device', d.element);
      if (d.deviceId === '') out.push({ code: 'missing-device-id', message: `device '${d.id}' has no <deviceID>` });
      checkTimestamp('device', d.timestamp);
    }
    return out;
  }

  private children(ns: string, local: string): Element[] {
    return childElements(this.root).filter((c) => isNamed(c, ns, local));
  }

  /** The first root child that is not `before` (null: append). */
  private firstChildAfter(before: (c: Element) => boolean): Element | null {
    return childElements(this.root).find((c) => !before(c)) ?? null;
  }
}

/** Replaces the root of a document by one of another name, moving children and attributes (pidf-full <-> presence). */
export function renameRoot(doc: PresenceDocument, ns: string, qname: string, prefixDecl?: { prefix: string; uri: string }): PresenceDocument {
  const copy = doc.clone();
  const old = copy.root;
  const fresh = copy.dom.createElementNS(ns, qname);
  for (let i = 0; i < old.attributes.length; i++) {
    const a = old.attributes.item(i);
    if (a === null) continue;
    if (a.namespaceURI) fresh.setAttributeNS(a.namespaceURI, a.name, a.value);
    else fresh.setAttribute(a.name, a.value);
  }
  if (prefixDecl !== undefined) declareNamespace(fresh, prefixDecl.prefix, prefixDecl.uri);
  while (old.firstChild !== null) fresh.appendChild(old.firstChild);
  copy.dom.replaceChild(fresh, old);
  const wrapped = PresenceDocument.fromDocument(copy.dom);
  if (!wrapped.ok) throw wrapped.error; // unreachable: the caller names a presence root
  return wrapped.value;
}
