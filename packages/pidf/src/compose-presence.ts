// The presence compositor (RFC 3903 §2 "Event State Compositor", RFC 4479 §3.5):
// the documents published by the devices of one presentity, merged into one.
import type { Element } from '@simple/xml';
import { attr, attributes, childElements, clarkName, collapse, declareNamespace, descendantsAndSelf, docOf, inScopeNamespaces, isNamed, isNamespaceDeclaration, ownDeclaration, xmlLang } from './dom.js';
import { NS } from './namespaces.js';
import { parseDateTime } from './date-time.js';
import { closedPresence } from './closed-presence.js';
import { PresenceDocument } from './presence-document.js';
import { coversTime, readTimedStatus } from './timed-status.js';

/** One active publication of the presentity's state (RFC 3903 §6, §8: identified by its entity-tag). */
export interface PresencePublication {
  readonly etag: string;
  readonly document: PresenceDocument;
  /** When the ESC accepted it (ms since the epoch): the later, the newer. */
  readonly publishedAt: number;
}

export interface ComposeOptions {
  /**
   * The present time (ms). When given, <timed-status> elements covering it are dropped
   * (RFC 4481 §3: "a presence agent (PA) may encounter a stored <timed-status> element that
   * covers the present time. The PA MAY either discard that element or ...").
   */
  readonly now?: number;
}

interface Source {
  readonly pub: PresencePublication;
  readonly order: number;
}

/**
 * Composes the publications of one presentity into one PIDF document. The rules, with
 * their sources, are in the README ("Composition"); in short: tuples by id, the newest
 * publication winning; presence notes by language; one <person> merged element by
 * element, the newest person winning; devices merged the same way per device ID; every
 * namespace declaration the copied content had in scope is kept. No publication: the
 * `closedPresence` document. The inputs are not changed.
 */
export function composePresence(entity: string, publications: readonly PresencePublication[], options: ComposeOptions = {}): PresenceDocument {
  if (publications.length === 0) return closedPresence(entity);
  // Oldest first, so that a later write to a map is a newer value; ties keep the caller's order.
  const sources: Source[] = publications.map((pub, order) => ({ pub, order })).sort((a, b) => a.pub.publishedAt - b.pub.publishedAt || a.order - b.order);
  const out = PresenceDocument.create(entity);
  const copy = (el: Element): Element => importWithNamespaces(out, el);

  // Tuples (services, RFC 4479 §5: "The 'id' attribute of the <tuple> element conveys the
  // service occurrence"). RFC 3863 §4.1.2: the id "MUST be unique within 'id' attribute values
  // of other tuples for the same PRESENTITY" and "is used ... to identify the corresponding
  // tuple in the previously acquired PRESENCE INFORMATION". So the same id from two
  // publications is one tuple: the newest publication's copy wins.
  const tuples = new Map<string, Element>();
  let anonymous = 0;
  for (const { pub } of sources)
    for (const t of pub.document.tuples) tuples.set(t.id === '' ? `\u0000${anonymous++}` : t.id, t.element);
  for (const el of tuples.values()) {
    const t = copy(el);
    if (options.now !== undefined) dropCurrentTimedStatus(t, options.now);
    out.root.appendChild(t);
  }

  // Presence-level notes (RFC 3863 §4.1.6), one per language (RFC 4479 §5): the newest
  // publication that has a note in a language gives the notes in that language.
  for (const el of newestByKey(sources, (d) => childElements(d.root).filter((c) => isNamed(c, NS.pidf, 'note')), (c) => langKey(c))) out.root.appendChild(copy(el));

  // Person (RFC 4479 §3.2): "there can be only one person component per presentity";
  // §3.5: "Absent other information, the person, device, or service that most recently
  // changed can be used as the more reliable source of data."
  const persons = sources.flatMap((s) => s.pub.document.persons.map((p) => ({ el: p.element, time: parseDateTime(p.timestamp) ?? s.pub.publishedAt, order: s.order })));
  if (persons.length > 0) out.root.appendChild(mergeComponents(out, persons, copy));

  // Devices (RFC 4479 §3.4): sources "all linked by a common device ID" are combined.
  const devices = new Map<string, Array<{ el: Element; time: number; order: number }>>();
  for (const s of sources)
    for (const d of s.pub.document.devices) {
      const key = d.deviceId === '' ? `\u0000${anonymous++}` : d.deviceId;
      const list = devices.get(key) ?? [];
      list.push({ el: d.element, time: parseDateTime(d.timestamp) ?? s.pub.publishedAt, order: s.order });
      devices.set(key, list);
    }
  for (const group of devices.values()) out.root.appendChild(mergeComponents(out, group, copy));

  // Other presence-level extensions (RFC 3863 §4.3.2): the newest publication's, per element name.
  for (const el of newestByKey(sources, (d) => d.extensions, componentChildKey)) out.root.appendChild(copy(el));

  // Foreign-namespace attributes of the roots: the newest publication's value per attribute.
  for (const { pub } of sources)
    for (const a of attributes(pub.document.root))
      if (a.namespaceURI && !isNamespaceDeclaration(a) && a.namespaceURI !== NS.xml) out.root.setAttributeNS(a.namespaceURI, a.name, a.value);

  makeIdsUnique(out.root);
  lineBreaks(out.root);
  return out;
}

/** For each key, the elements of the newest source that has that key (in first-seen key order). */
function newestByKey(sources: readonly Source[], pick: (doc: PresenceDocument) => Element[], key: (el: Element) => string): Element[] {
  const byKey = new Map<string, Element[]>();
  for (const { pub } of sources) {
    const own = groupBy(pick(pub.document), key);
    for (const [k, els] of own) byKey.set(k, els);
  }
  return [...byKey.values()].flat();
}

function groupBy(els: readonly Element[], key: (el: Element) => string): Map<string, Element[]> {
  const out = new Map<string, Element[]>();
  for (const el of els) {
    const k = key(el);
    const list = out.get(k) ?? [];
    list.push(el);
    out.set(k, list);
  }
  return out;
}

/** Language tags compare case-insensitively (RFC 4646 §2.1.1); no xml:lang is a language of its own. */
function langKey(el: Element): string {
  return (xmlLang(el) ?? '').toLowerCase();
}

/**
 * What makes two children of a person or device "the same attribute": the element name,
 * its language (a note or display name per xml:lang, RFC 4479 §5, RFC 4482 §3.2) and its
 * time range (RFC 4480 §3.1: "there can be multiple elements of the same type, whose time
 * ranges SHOULD NOT overlap").
 */
export function componentChildKey(el: Element): string {
  return [clarkName(el), langKey(el), collapse(attr(el, 'from') ?? ''), collapse(attr(el, 'until') ?? '')].join('|');
}

/**
 * Merges occurrences of a person (or of one device) into one element: per child key, the
 * children of the most recently changed occurrence that has that key (its <timestamp>,
 * else its publication time); notes per language likewise; the newest occurrence's id and
 * attributes, its <deviceID>; the latest <timestamp> written.
 */
function mergeComponents(out: PresenceDocument, occurrences: Array<{ el: Element; time: number; order: number }>, copy: (el: Element) => Element): Element {
  const ordered = [...occurrences].sort((a, b) => a.time - b.time || a.order - b.order);
  const newest = ordered[ordered.length - 1]!.el;
  const children = new Map<string, Element[]>();
  const notes = new Map<string, Element[]>();
  let deviceId: Element | undefined;
  let timestamp: { el: Element; ms: number } | undefined;
  for (const { el } of ordered) {
    const own = childElements(el);
    const isDm = (c: Element, name: string): boolean => isNamed(c, NS.dataModel, name);
    for (const [k, els] of groupBy(own.filter((c) => !isDm(c, 'note') && !isDm(c, 'timestamp') && !isDm(c, 'deviceID')), componentChildKey)) children.set(k, els);
    for (const [k, els] of groupBy(own.filter((c) => isDm(c, 'note')), (c) => langKey(c))) notes.set(k, els);
    const id = own.find((c) => isDm(c, 'deviceID'));
    if (id !== undefined) deviceId = id;
    const ts = own.find((c) => isDm(c, 'timestamp'));
    const ms = ts === undefined ? undefined : parseDateTime(collapse(ts.textContent ?? ''));
    if (ts !== undefined && ms !== undefined && (timestamp === undefined || ms >= timestamp.ms)) timestamp = { el: ts, ms };
  }
  // The newest occurrence's element without its children: its id, attributes and declarations.
  const merged = copy(newest);
  while (merged.firstChild !== null) merged.removeChild(merged.firstChild);
  // RFC 4479 §5.1.2 order: extensions, <deviceID> (device), <note>*, <timestamp>.
  const parts = [...[...children.values()].flat(), ...(deviceId === undefined ? [] : [deviceId]), ...[...notes.values()].flat(), ...(timestamp === undefined ? [] : [timestamp.el])];
  for (const el of parts) {
    merged.appendChild(out.dom.createTextNode('\n  '));
    merged.appendChild(copy(el));
  }
  merged.appendChild(out.dom.createTextNode('\n'));
  return merged;
}

/**
 * Imports `el` (deep) into `out`, keeping the namespace declarations it had in scope
 * in its source document: on the composed root when the prefix is free there (one
 * declaration per namespace), else on the copy itself. Element and attribute names are
 * namespace-correct either way; this also keeps QName-valued content (xsi:type="r:x")
 * meaningful.
 */
function importWithNamespaces(out: PresenceDocument, el: Element): Element {
  const copy = out.dom.importNode(el, true) as Element;
  const root = out.root;
  for (const [prefix, uri] of inScopeNamespaces(el)) {
    if (prefix === 'xml' || ownDeclaration(el, prefix) !== undefined) continue;
    const atRoot = ownDeclaration(root, prefix);
    if (atRoot === uri) continue;
    if (atRoot === undefined && prefix !== '') declareNamespace(root, prefix, uri);
    else declareNamespace(copy, prefix, uri);
  }
  return copy;
}

/** One line per child of the root, for people reading NOTIFY bodies in traces. */
function lineBreaks(root: Element): void {
  for (const c of childElements(root)) root.insertBefore(docOf(root).createTextNode('\n'), c);
  root.appendChild(docOf(root).createTextNode('\n'));
}

function dropCurrentTimedStatus(tuple: Element, now: number): void {
  for (const c of childElements(tuple)) if (isNamed(c, NS.timedStatus, 'timed-status') && coversTime(readTimedStatus(c), now)) tuple.removeChild(c);
}

/**
 * RFC 4479 §3.5: the occurrence identifier "is unique across all other occurrence
 * identifiers for any service, device, or person" (and every PIDF, data-model and RPID
 * 'id' is an xs:ID). When two publications used the same id for different things, the
 * later one in document order gets a suffix.
 */
function makeIdsUnique(root: Element): void {
  const seen = new Set<string>();
  const ID_NAMESPACES: ReadonlySet<string> = new Set([NS.pidf, NS.dataModel, NS.rpid]);
  for (const el of descendantsAndSelf(root)) {
    if (el.namespaceURI === null || !ID_NAMESPACES.has(el.namespaceURI) || !el.hasAttribute('id')) continue;
    const id = el.getAttribute('id') ?? '';
    let unique = id;
    for (let n = 2; seen.has(unique); n++) unique = `${id}-${n}`;
    if (unique !== id) el.setAttribute('id', unique);
    seen.add(unique);
  }
}
