import assert from 'node:assert/strict';
import { parsePidf, serializePidf, type PresenceDocument } from '@simple/pidf';
import { documentMultiset } from './canonical.js';
import { fixture } from './fixtures.js';
import { c14n } from './schema.js';

/** Parses a fixture, asserting success. */
export function load(name: string): PresenceDocument {
  const r = parsePidf(fixture(name));
  if (!r.ok) assert.fail(`${name}: ${r.error.message}`);
  return r.value;
}

/** Parse, serialize: nothing lost (multiset of elements, attributes, declarations, text), nothing changed (libxml2 canonical XML). */
export function assertRoundTrip(name: string, bytes: Buffer = fixture(name)): void {
  const r = parsePidf(bytes);
  if (!r.ok) assert.fail(`${name}: ${r.error.message}`);
  const out = serializePidf(r.value);
  assert.deepEqual(documentMultiset(out), documentMultiset(bytes), `${name}: multiset`);
  assert.equal(c14n(out), c14n(bytes), `${name}: canonical XML`);
}
