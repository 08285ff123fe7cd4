import { PresenceDocument } from './presence-document.js';
import type { Note } from './note.js';
import type { TupleInit } from './tuple.js';
import type { PersonInit } from './person.js';
import type { DeviceInit } from './device.js';

/** A whole presence document in typed form. */
export interface PresenceInit {
  readonly entity: string;
  readonly tuples?: readonly TupleInit[];
  readonly notes?: readonly Note[];
  readonly persons?: readonly PersonInit[];
  readonly devices?: readonly DeviceInit[];
}

/**
 * Builds a PIDF document in schema order (RFC 3863 §4.4: tuples, notes, then extensions;
 * RFC 4479 §5: persons and devices are such extensions), with one namespace declaration
 * per namespace on the root.
 */
export function buildPresence(init: PresenceInit): PresenceDocument {
  const doc = PresenceDocument.create(init.entity);
  for (const t of init.tuples ?? []) doc.addTuple(t);
  for (const n of init.notes ?? []) doc.addNote(n);
  for (const p of init.persons ?? []) doc.addPerson(p);
  for (const d of init.devices ?? []) doc.addDevice(d);
  return doc;
}
