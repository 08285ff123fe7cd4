import type { Element } from '@simple/xml';
import { attr, childElements, childrenNamed, collapse, docOf, firstChildNamed, textOf } from './dom.js';
import { NS } from './namespaces.js';
import { readCipid, type Cipid } from './cipid.js';
import { readEnumeration, readStatusIcon, readUserInput, type RpidEnumeration, type StatusIcon, type UserInput } from './rpid.js';

/**
 * What the three data-model components share (RFC 4479 §3: service, person, device).
 * A component is a view over its DOM element: reading a field reads the element, so
 * whatever the view does not model stays in the element, untouched.
 */
export abstract class PresenceComponent {
  constructor(readonly element: Element) {}

  /** The occurrence identifier (RFC 4479 §3.5); '' when the document lacks it. */
  get id(): string {
    return attr(this.element, 'id') ?? '';
  }

  /** RFC 4480 §3.3: at most one class label per person, service or device. */
  get class(): string | undefined {
    const el = firstChildNamed(this.element, NS.rpid, 'class');
    return el === undefined ? undefined : collapse(textOf(el));
  }

  /** RFC 4480 §3.14. */
  get userInput(): UserInput | undefined {
    const el = firstChildNamed(this.element, NS.rpid, 'user-input');
    return el === undefined ? undefined : readUserInput(el);
  }

  /** Child elements that no field of this view models: extensions, kept as they are. */
  get extensions(): Element[] {
    return childElements(this.element).filter((c) => !this.models(c));
  }

  /** Removes the component from its document. */
  remove(): void {
    this.element.parentNode?.removeChild(this.element);
  }

  /** Whether a child element is read by one of the view's fields. */
  protected abstract models(child: Element): boolean;

  protected enumerations(local: string): RpidEnumeration[] {
    return childrenNamed(this.element, NS.rpid, local).map(readEnumeration);
  }

  protected statusIconList(): StatusIcon[] {
    return childrenNamed(this.element, NS.rpid, 'status-icon').map(readStatusIcon);
  }

  protected cipidOf(): Cipid {
    return readCipid(this.element);
  }
}

/** Replaces the text of the first `{ns}local` child, creating it with `create` when absent. */
export function upsertText(parent: Element, ns: string, local: string, value: string, create: () => Element): void {
  const el = firstChildNamed(parent, ns, local) ?? create();
  while (el.firstChild !== null) el.removeChild(el.firstChild);
  el.appendChild(docOf(el).createTextNode(value));
}
