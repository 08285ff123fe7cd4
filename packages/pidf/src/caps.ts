// RFC 5196: user agent capabilities in presence (service capabilities in <tuple>,
// device capabilities in the data model's <device>).
import type { Element } from '@simple/xml';
import { appendElement, attr, childElements, clarkName, collapse, firstChildNamed, textOf } from './dom.js';
import { NS } from './namespaces.js';
import { appendNote, readNotes, type Note } from './note.js';

/**
 * A <supported>/<notsupported> pair (RFC 5196 §4.1). Values are the child elements'
 * local names (`INVITE`, `full`, `pref`), or `{namespace}local` for an extension value;
 * for <schemes> and <languages> they are the texts of <s> and <l> (§3.2.18.1, §3.2.21.1).
 * "In case of conflicting information ... the watcher can safely assume that the listed
 * capability is supported" (§4.1): see `isSupported`.
 */
export interface SupportList {
  readonly supported: readonly string[];
  readonly notsupported: readonly string[];
}

/** RFC 5196 §3.2.15.1-§3.2.15.4. */
export type PriorityValue =
  | { readonly kind: 'lowerthan'; readonly maxvalue: number }
  | { readonly kind: 'higherthan'; readonly minvalue: number }
  | { readonly kind: 'equals'; readonly value: number }
  | { readonly kind: 'range'; readonly minvalue: number; readonly maxvalue: number };

export interface PrioritySupport {
  readonly supported: readonly PriorityValue[];
  readonly notsupported: readonly PriorityValue[];
}

/** The boolean service capabilities (§3.2.2-§3.2.8, §3.2.10, §3.2.20). */
export const SERVCAPS_BOOLEANS = ['application', 'audio', 'automata', 'control', 'data', 'isfocus', 'message', 'text', 'video'] as const;
/** The <supported>/<notsupported> service capabilities, by element name. */
export const SERVCAPS_LISTS = ['actor', 'class', 'duplex', 'event-packages', 'extensions', 'languages', 'methods', 'schemes'] as const;

export type ServcapsBoolean = (typeof SERVCAPS_BOOLEANS)[number];
export type ServcapsList = (typeof SERVCAPS_LISTS)[number];

/** RFC 5196 §3.2: the <servcaps> child of a <tuple>. */
export interface ServiceCapabilities {
  readonly booleans: Readonly<Partial<Record<ServcapsBoolean, boolean>>>;
  readonly lists: Readonly<Partial<Record<ServcapsList, SupportList>>>;
  readonly priority?: PrioritySupport;
  /** §3.2.9: MIME types. */
  readonly types: readonly string[];
  /** §3.2.13. */
  readonly descriptions: readonly Note[];
  /** Children from other namespaces (§3.2.1: "any number of optional extension elements"). */
  readonly extensionElements: readonly Element[];
}

/** RFC 5196 §3.3: the <devcaps> child of a <device>. */
export interface DeviceCapabilities {
  readonly mobility?: SupportList;
  readonly descriptions: readonly Note[];
  readonly extensionElements: readonly Element[];
}

export type ServiceCapabilitiesInit = Partial<Omit<ServiceCapabilities, 'extensionElements'>>;
export type DeviceCapabilitiesInit = Partial<Omit<DeviceCapabilities, 'extensionElements'>>;

/** True when `value` is listed as supported; a value in both lists counts as supported (RFC 5196 §4.1). */
export function isSupported(list: SupportList | undefined, value: string): boolean | undefined {
  if (list === undefined) return undefined;
  if (list.supported.includes(value)) return true;
  return list.notsupported.includes(value) ? false : undefined;
}

function parseBoolean(text: string): boolean | undefined {
  const v = collapse(text);
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  return undefined;
}

function listValues(el: Element | undefined): string[] {
  if (el === undefined) return [];
  return childElements(el).map((c) => {
    if (c.namespaceURI !== NS.caps) return clarkName(c);
    // <s> and <l> carry the value as text (§3.2.18.1, §3.2.21.1).
    if (c.localName === 's' || c.localName === 'l') return collapse(textOf(c));
    return c.localName ?? c.nodeName;
  });
}

function readSupportList(el: Element): SupportList {
  return {
    supported: listValues(firstChildNamed(el, NS.caps, 'supported')),
    notsupported: listValues(firstChildNamed(el, NS.caps, 'notsupported')),
  };
}

function integer(el: Element, name: string): number {
  const v = collapse(attr(el, name) ?? '');
  return /^[+-]?\d+$/.test(v) ? Number(v) : Number.NaN;
}

function priorityValues(el: Element | undefined): PriorityValue[] {
  if (el === undefined) return [];
  const out: PriorityValue[] = [];
  for (const c of childElements(el)) {
    if (c.namespaceURI !== NS.caps) continue;
    switch (c.localName) {
      case 'lowerthan':
        out.push({ kind: 'lowerthan', maxvalue: integer(c, 'maxvalue') });
        break;
      // The RFC 5196 §6 schema spells this element "higherhan" (§3.2.15.2 says <higherthan>): read both.
      case 'higherthan':
      case 'higherhan':
        out.push({ kind: 'higherthan', minvalue: integer(c, 'minvalue') });
        break;
      case 'equals':
        out.push({ kind: 'equals', value: integer(c, 'value') });
        break;
      case 'range':
        out.push({ kind: 'range', minvalue: integer(c, 'minvalue'), maxvalue: integer(c, 'maxvalue') });
        break;
    }
  }
  return out;
}

const BOOLEAN_SET: ReadonlySet<string> = new Set(SERVCAPS_BOOLEANS);
const LIST_SET: ReadonlySet<string> = new Set(SERVCAPS_LISTS);

export function readServiceCapabilities(el: Element): ServiceCapabilities {
  const booleans: Partial<Record<ServcapsBoolean, boolean>> = {};
  const lists: Partial<Record<ServcapsList, SupportList>> = {};
  const types: string[] = [];
  const extensionElements: Element[] = [];
  let priority: PrioritySupport | undefined;
  for (const c of childElements(el)) {
    const name = c.localName ?? '';
    if (c.namespaceURI !== NS.caps) extensionElements.push(c);
    else if (BOOLEAN_SET.has(name)) {
      const v = parseBoolean(textOf(c));
      if (v !== undefined) booleans[name as ServcapsBoolean] = v;
    } else if (LIST_SET.has(name)) lists[name as ServcapsList] = readSupportList(c);
    else if (name === 'type') types.push(collapse(textOf(c)));
    else if (name === 'priority')
      priority = {
        supported: priorityValues(firstChildNamed(c, NS.caps, 'supported')),
        notsupported: priorityValues(firstChildNamed(c, NS.caps, 'notsupported')),
      };
  }
  return { booleans, lists, ...(priority !== undefined && { priority }), types, descriptions: readNotes(el, NS.caps, 'description'), extensionElements };
}

export function readDeviceCapabilities(el: Element): DeviceCapabilities {
  const mobility = firstChildNamed(el, NS.caps, 'mobility');
  return {
    ...(mobility !== undefined && { mobility: readSupportList(mobility) }),
    descriptions: readNotes(el, NS.caps, 'description'),
    extensionElements: childElements(el).filter((c) => c.namespaceURI !== NS.caps),
  };
}

/** Known values of each list in the RFC 5196 §6 schema's sequence order (a valid document lists them so). */
const VALUE_ORDER: Readonly<Record<string, readonly string[]>> = {
  actor: ['attendant', 'information', 'msg-taker', 'principal'],
  class: ['business', 'personal'],
  duplex: ['full', 'half', 'receive-only', 'send-only'],
  'event-packages': ['conference', 'dialog', 'kpml', 'message-summary', 'poc-settings', 'presence', 'reg', 'refer', 'Siemens-RTP-Stats', 'spirits-INDPs', 'spirits-user-prof', 'winfo'],
  methods: ['ACK', 'BYE', 'CANCEL', 'INFO', 'INVITE', 'MESSAGE', 'NOTIFY', 'OPTIONS', 'PRACK', 'PUBLISH', 'REFER', 'REGISTER', 'SUBSCRIBE', 'UPDATE'],
  extensions: ['rel100', 'early-session', 'eventlist', 'from-change', 'gruu', 'hist-info', 'join', 'norefersub', 'path', 'precondition', 'pref', 'privacy', 'recipient-list-invite', 'recipient-list-subscribe', 'replaces', 'resource-priority', 'sdp-anat', 'sec-agree', 'tdialog', 'timer'],
  mobility: ['fixed', 'mobile'],
};

function schemaOrder(list: string, values: readonly string[]): string[] {
  const order = VALUE_ORDER[list];
  if (order === undefined) return [...values];
  const rank = (v: string): number => (order.includes(v) ? order.indexOf(v) : order.length);
  return [...values].sort((a, b) => rank(a) - rank(b));
}

function appendSupportList(parent: Element, name: string, list: SupportList): void {
  const el = appendElement(parent, NS.caps, name);
  for (const which of ['supported', 'notsupported'] as const) {
    if (list[which].length === 0) continue;
    const w = appendElement(el, NS.caps, which);
    for (const v of schemaOrder(name, list[which])) {
      const m = /^\{([^}]*)\}(.+)$/.exec(v);
      if (m !== null) appendElement(w, m[1] ?? '', m[2] ?? '');
      else if (name === 'schemes') appendElement(w, NS.caps, 's', v);
      else if (name === 'languages') appendElement(w, NS.caps, 'l', v);
      else appendElement(w, NS.caps, v);
    }
  }
}

function appendPriority(parent: Element, p: PrioritySupport): void {
  const el = appendElement(parent, NS.caps, 'priority');
  for (const which of ['supported', 'notsupported'] as const) {
    if (p[which].length === 0) continue;
    const w = appendElement(el, NS.caps, which);
    for (const v of p[which]) {
      // RFC 5196 §3.2.15.2 names the element <higherthan>; the §6 schema says "higherhan".
      const c = appendElement(w, NS.caps, v.kind);
      if (v.kind === 'lowerthan') c.setAttribute('maxvalue', String(v.maxvalue));
      else if (v.kind === 'higherthan') c.setAttribute('minvalue', String(v.minvalue));
      else if (v.kind === 'equals') c.setAttribute('value', String(v.value));
      else {
        c.setAttribute('minvalue', String(v.minvalue));
        c.setAttribute('maxvalue', String(v.maxvalue));
      }
    }
  }
}

/** Appends <servcaps>, children in the RFC 5196 §6 schema's sequence order. */
export function appendServiceCapabilities(parent: Element, s: ServiceCapabilitiesInit): Element {
  const el = appendElement(parent, NS.caps, 'servcaps');
  const bool = (name: ServcapsBoolean): void => {
    const v = s.booleans?.[name];
    if (v !== undefined) appendElement(el, NS.caps, name, String(v));
  };
  const list = (name: ServcapsList): void => {
    const v = s.lists?.[name];
    if (v !== undefined) appendSupportList(el, name, v);
  };
  list('actor');
  bool('application');
  bool('audio');
  bool('automata');
  list('class');
  bool('control');
  bool('data');
  for (const d of s.descriptions ?? []) appendNote(el, NS.caps, d, 'description');
  list('duplex');
  list('event-packages');
  list('extensions');
  bool('isfocus');
  bool('message');
  list('methods');
  list('languages');
  if (s.priority !== undefined) appendPriority(el, s.priority);
  list('schemes');
  bool('text');
  for (const t of s.types ?? []) appendElement(el, NS.caps, 'type', t);
  bool('video');
  return el;
}

export function appendDeviceCapabilities(parent: Element, d: DeviceCapabilitiesInit): Element {
  const el = appendElement(parent, NS.caps, 'devcaps');
  for (const n of d.descriptions ?? []) appendNote(el, NS.caps, n, 'description');
  if (d.mobility !== undefined) appendSupportList(el, 'mobility', d.mobility);
  return el;
}

