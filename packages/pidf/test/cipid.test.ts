import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePidf } from '@simple/pidf';
import { fixture, manifest } from './support/fixtures.js';
import { assertRoundTrip, load } from './support/round-trip.js';

describe('CIPID (RFC 4482) - §4 examples', () => {
  it('the as-published CIPID example is not well-formed (manifest) and is refused', () => {
    const row = manifest().find((r) => r.file === 'rfc4482-4-cipid.xml');
    assert.match(row?.wellFormed ?? '', /^NOT well-formed/);
    const r = parsePidf(fixture('rfc4482-4-cipid.xml'));
    assert.ok(!r.ok && r.error.code === 'not-well-formed');
  });
  it('the corrected copy (.fixed) round-trips', () => assertRoundTrip('rfc4482-4-cipid.fixed.xml'));
  it('the corrected copy: card, display-name, homepage, icon, map, sound on the person', () => {
    const doc = load('rfc4482-4-cipid.fixed.xml');
    const [p] = doc.persons;
    assert.deepEqual(p?.cipid, {
      card: 'http://example.com/~alice/card.vcd',
      displayNames: [{ text: 'Alice Lewis' }],
      homepage: 'http://example.com/~alice',
      icon: 'http://example.com/~alice/me.png',
      map: 'http://example.com/~alice/gml-map.xml',
      sound: 'http://example.com/~alice/hello.wav',
    });
    assert.equal(p?.timestamp, '2005-11-21T09:00:00+05:00');
    assert.deepEqual(p?.extensions, []);
    assert.deepEqual(doc.tuple('bs35r9')?.contact, { uri: 'im:alice@example.net', priority: 0.8 });
  });
  it('CIPID with RPID round-trips', () => assertRoundTrip('rfc4482-4-cipid-rpid.xml'));
  it('CIPID with RPID: a tuple for the assistant (relationship) and the person', () => {
    const doc = load('rfc4482-4-cipid-rpid.xml');
    const assistant = doc.tuple('bs78')!;
    assert.equal(assistant.basic, 'closed');
    assert.deepEqual(assistant.relationship?.values, ['assistant']);
    assert.deepEqual(assistant.cipid, { card: 'http://example.com/~assistant/card.vcd', displayNames: [], homepage: 'http://example.com/~assistant' });
    assert.deepEqual(doc.tuple('bs35r9')?.cipid, { displayNames: [] });
    assert.deepEqual(doc.persons[0]?.cipid, {
      card: 'http://example.com/~someone/card.vcd',
      displayNames: [],
      homepage: 'http://example.com/~someone',
      icon: 'http://example.com/~someone/icon.gif',
      map: 'http://example.com/~someone/gml-map.xml',
      sound: 'http://example.com/~someone/whoosh.wav',
    });
    // xsi:schemaLocation on the root is not modeled but kept.
    assert.match(doc.root.getAttributeNS('http://www.w3.org/2001/XMLSchema-instance', 'schemaLocation') ?? '', /cipid\.xsd/);
  });
});
