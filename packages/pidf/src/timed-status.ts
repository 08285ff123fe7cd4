// RFC 4481: timed presence, a status that held in the past or will hold in the future.
import type { Element } from '@simple/xml';
import { appendElement, attr, childElements, collapse, isNamed, setAttr, textOf } from './dom.js';
import { NS } from './namespaces.js';
import { appendNote, noteOf, type Note } from './note.js';
import { parseDateTime } from './date-time.js';
import type { BasicStatus } from './tuple.js';

/**
 * RFC 4481 §3: a <timed-status> child of <tuple>. "The <timed-status> element MUST be
 * qualified with the 'from' attribute and MAY be qualified with an 'until' attribute";
 * it "may contain the <basic> and <note> elements, as well as any other element that is
 * appropriate as a PIDF <status> extension" (kept in `extensions`).
 */
export interface TimedStatus {
  readonly from: string;
  readonly until?: string;
  readonly basic?: BasicStatus;
  readonly note?: Note;
  readonly extensions: readonly Element[];
}

export type TimedStatusInit = Omit<TimedStatus, 'extensions'>;

export function readTimedStatus(el: Element): TimedStatus {
  let basic: BasicStatus | undefined;
  let note: Note | undefined;
  const extensions: Element[] = [];
  for (const c of childElements(el)) {
    if (isNamed(c, NS.timedStatus, 'basic')) {
      const v = collapse(textOf(c));
      if (v === 'open' || v === 'closed') basic = v;
    } else if (isNamed(c, NS.timedStatus, 'note')) note = noteOf(c);
    else extensions.push(c);
  }
  const until = attr(el, 'until');
  return {
    from: collapse(attr(el, 'from') ?? ''),
    ...(until !== undefined && { until: collapse(until) }),
    ...(basic !== undefined && { basic }),
    ...(note !== undefined && { note }),
    extensions,
  };
}

export function appendTimedStatus(parent: Element, t: TimedStatusInit): Element {
  const el = appendElement(parent, NS.timedStatus, 'timed-status');
  setAttr(el, 'from', t.from);
  setAttr(el, 'until', t.until);
  if (t.basic !== undefined) appendElement(el, NS.timedStatus, 'basic', t.basic);
  if (t.note !== undefined) appendNote(el, NS.timedStatus, t.note);
  return el;
}

/**
 * Whether the timed status covers `now` (ms). RFC 4481 §3: "During composition, a
 * presence agent (PA) may encounter a stored <timed-status> element that covers the
 * present time. The PA MAY either discard that element or MAY convert it to a regular
 * <status> element". Without 'until' it holds until overridden.
 */
export function coversTime(t: Pick<TimedStatus, 'from' | 'until'>, now: number): boolean {
  const from = parseDateTime(t.from);
  if (from === undefined || from > now) return false;
  const until = parseDateTime(t.until);
  return until === undefined || now < until;
}
