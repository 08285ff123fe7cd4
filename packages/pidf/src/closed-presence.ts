import { PresenceDocument } from './presence-document.js';
import type { Note } from './note.js';

export interface ClosedPresenceOptions {
  /** The tuple's id (default `closed`). */
  readonly tupleId?: string;
  /** A contact address for the tuple (RFC 3856 §6.6.2: "offline ... status for a single contact address"). */
  readonly contact?: string;
  /** A presence-level note, e.g. the "pending" text RFC 3856 §6.6.2 suggests for pending subscriptions. */
  readonly note?: Note;
}

/**
 * The document for a presentity without published state: one tuple whose basic status
 * is `closed`. RFC 3856 §6.6.2: the neutral state shown to a pending or politely
 * blocked watcher is "typically ... 'offline' or equivalent status for a single contact
 * address"; RFC 3863 §4.1.4: CLOSED means the tuple cannot accept instant messages.
 */
export function closedPresence(entity: string, options: ClosedPresenceOptions = {}): PresenceDocument {
  const doc = PresenceDocument.create(entity);
  doc.addTuple({ id: options.tupleId ?? 'closed', basic: 'closed', ...(options.contact !== undefined && { contact: options.contact }) });
  if (options.note !== undefined) doc.addNote(options.note);
  return doc;
}
