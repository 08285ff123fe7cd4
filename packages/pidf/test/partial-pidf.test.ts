import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePartialPidf, serializePidf, toPidfFull, toPresence, type PresenceDocument } from '@simple/pidf';
import { contentMultiset, documentMultiset } from './support/canonical.js';
import { fixture } from './support/fixtures.js';
import { load } from './support/round-trip.js';
import { c14n, schemaErrors } from './support/schema.js';

function full(name: string): PresenceDocument {
  const r = parsePartialPidf(fixture(name));
  if (!r.ok || r.value.kind !== 'full') return assert.fail(`${name}: not a pidf-full`);
  return r.value.document;
}

describe('partial PIDF (RFC 5262) - §6 examples', () => {
  for (const name of ['rfc5262-6-pidf-full-initial.xml', 'rfc5262-6-pidf-full-result.xml', 'rfc5262-6-pidf-diff.xml'])
    it(`${name} - round trip, every node kept`, () => {
      const r = parsePartialPidf(fixture(name));
      assert.ok(r.ok);
      const out = serializePidf(r.value.kind === 'full' ? r.value.document : r.value.diff);
      assert.deepEqual(documentMultiset(out), documentMultiset(fixture(name)));
      assert.equal(c14n(out), c14n(fixture(name)));
    });

  it('pidf-full: version, entity and the presence content', () => {
    const doc = full('rfc5262-6-pidf-full-initial.xml');
    assert.equal(doc.kind, 'pidf-full');
    assert.equal(doc.version, 567);
    assert.equal(doc.entity, 'pres:someone@example.com');
    assert.deepEqual(
      doc.tuples.map((t) => [t.id, t.basic]),
      [
        ['sg89ae', 'open'],
        ['cg231jcr', 'open'],
        ['r1230d', 'closed'],
      ],
    );
    assert.deepEqual(doc.tuple('sg89ae')?.servcaps?.booleans, { audio: true, message: true, video: false });
    assert.deepEqual(doc.tuple('r1230d')?.cipid, { homepage: 'http://example.com/~pep/', icon: 'http://example.com/~pep/icon.gif', card: 'http://example.com/~pep/card.vcd', displayNames: [] });
    assert.deepEqual(doc.notes, [{ text: 'Full state presence document', lang: 'en' }]);
    assert.deepEqual(doc.persons[0]?.activities[0]?.values, ['on-the-phone', 'busy']);
    assert.equal(doc.devices[0]?.deviceId, 'urn:esn:600b40c7');
    assert.deepEqual(doc.devices[0]?.devcaps?.mobility?.supported, ['mobile']);
  });

  it('pidf-full after the diff: version 568 and the values the diff set', () => {
    const doc = full('rfc5262-6-pidf-full-result.xml');
    assert.equal(doc.version, 568);
    assert.equal(doc.tuple('r1230d')?.basic, 'open');
    assert.deepEqual(doc.tuple('cg231jcr')?.contact, { uri: 'im:pep@example.com', priority: 0.7 });
    assert.equal(doc.tuple('ert4773')?.contact?.priority, 0.4);
    assert.deepEqual(doc.persons[0]?.activities[0]?.values, ['on-the-phone']);
  });

  it('pidf-diff: version, entity and the patch operations as written', () => {
    const r = parsePartialPidf(fixture('rfc5262-6-pidf-diff.xml'));
    assert.ok(r.ok && r.value.kind === 'diff');
    const diff = r.value.diff;
    assert.equal(diff.version, 568);
    assert.equal(diff.entity, 'pres:someone@example.com');
    assert.deepEqual(
      diff.operations.map(({ kind, sel, pos, ws }) => ({ kind, sel, pos, ws })),
      [
        { kind: 'add', sel: 'presence/note', pos: 'before', ws: undefined },
        { kind: 'replace', sel: "*/tuple[@id='r1230d']/status/basic/text()", pos: undefined, ws: undefined },
        { kind: 'remove', sel: '*/d:person/r:activities/r:busy', pos: undefined, ws: 'after' },
        { kind: 'replace', sel: "*/tuple[@id='cg231jcr']/contact/@priority", pos: undefined, ws: undefined },
      ],
    );
  });

  it('a <presence> root is refused (RFC 5262 §3), as is anything else', () => {
    const presence = parsePartialPidf(fixture('rfc3863-4.2.2-default-namespace.xml'));
    assert.ok(!presence.ok && presence.error.code === 'not-pidf-diff');
    const broken = parsePartialPidf('<p:pidf-full xmlns:p="urn:ietf:params:xml:ns:pidf-diff">');
    assert.ok(!broken.ok && broken.error.code === 'not-well-formed');
  });

  it('toPresence / toPidfFull - content kept, root renamed, both valid', () => {
    const initial = full('rfc5262-6-pidf-full-initial.xml');
    const presence = toPresence(initial);
    assert.equal(presence.kind, 'presence');
    assert.equal(presence.version, undefined);
    assert.equal(presence.entity, 'pres:someone@example.com');
    assert.deepEqual(schemaErrors(serializePidf(presence)), []);
    assert.equal(initial.kind, 'pidf-full', 'input unchanged');

    const again = toPidfFull(presence, 569);
    assert.equal(again.kind, 'pidf-full');
    assert.equal(again.version, 569);
    assert.deepEqual(schemaErrors(serializePidf(again)), []);
    assert.deepEqual(contentMultiset(again.root), contentMultiset(initial.root));

    const fromRfc3863 = toPidfFull(load('rfc3863-4.3.2-other-extension-elements.xml'), 1);
    assert.match(serializePidf(fromRfc3863), /^<\?xml[^>]*>\s*<p:pidf-full /);
    assert.deepEqual(schemaErrors(serializePidf(fromRfc3863)), []);
  });
});
