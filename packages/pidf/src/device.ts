// RFC 4479 §3.4 and §5: the <device> data component.
import type { Element } from '@simple/xml';
import { appendElement, collapse, docOf, firstChildNamed, qualifiedName, textOf } from './dom.js';
import { NS } from './namespaces.js';
import { appendNote, readNotes, type Note } from './note.js';
import { PresenceComponent, upsertText } from './component.js';
import { appendClass, appendUserInput, type UserInput } from './rpid.js';
import { appendDeviceCapabilities, readDeviceCapabilities, type DeviceCapabilities, type DeviceCapabilitiesInit } from './caps.js';

/** A view over a data-model <device> (RFC 4479 §3.4). */
export class Device extends PresenceComponent {
  /**
   * The device ID, a URN (RFC 4479 §3.4), whitespace collapsed; '' when absent.
   * Several occurrences of one device share it (RFC 4479 §3.4, §3.5).
   */
  get deviceId(): string {
    const el = firstChildNamed(this.element, NS.dataModel, 'deviceID');
    return el === undefined ? '' : collapse(textOf(el));
  }

  get notes(): Note[] {
    return readNotes(this.element, NS.dataModel);
  }

  get timestamp(): string | undefined {
    const el = firstChildNamed(this.element, NS.dataModel, 'timestamp');
    return el === undefined ? undefined : collapse(textOf(el));
  }

  set timestamp(value: string) {
    upsertText(this.element, NS.dataModel, 'timestamp', value, () => appendElement(this.element, NS.dataModel, 'timestamp'));
  }

  /** RFC 5196 §3.3. */
  get devcaps(): DeviceCapabilities | undefined {
    const el = firstChildNamed(this.element, NS.caps, 'devcaps');
    return el === undefined ? undefined : readDeviceCapabilities(el);
  }

  protected models(c: Element): boolean {
    switch (c.namespaceURI) {
      case NS.dataModel:
        return c.localName === 'deviceID' || c.localName === 'note' || c.localName === 'timestamp';
      case NS.rpid:
        return c.localName === 'class' || c.localName === 'user-input';
      case NS.caps:
        return c.localName === 'devcaps';
      default:
        return false;
    }
  }
}

export interface DeviceInit {
  readonly id: string;
  readonly deviceId: string;
  readonly class?: string;
  readonly userInput?: UserInput;
  readonly devcaps?: DeviceCapabilitiesInit;
  readonly notes?: readonly Note[];
  readonly timestamp?: string;
}

/** A detached <device> in RFC 4479 §5.1.2 schema order: extensions, <deviceID>, <note>*, <timestamp>. */
export function buildDeviceElement(root: Element, d: DeviceInit): Element {
  const doc = docOf(root);
  const el = doc.createElementNS(NS.dataModel, qualifiedName(doc, NS.dataModel, 'device'));
  el.setAttribute('id', d.id);
  if (d.class !== undefined) appendClass(el, d.class);
  if (d.userInput !== undefined) appendUserInput(el, d.userInput);
  if (d.devcaps !== undefined) appendDeviceCapabilities(el, d.devcaps);
  appendElement(el, NS.dataModel, 'deviceID', d.deviceId);
  for (const n of d.notes ?? []) appendNote(el, NS.dataModel, n);
  if (d.timestamp !== undefined) appendElement(el, NS.dataModel, 'timestamp', d.timestamp);
  return el;
}
