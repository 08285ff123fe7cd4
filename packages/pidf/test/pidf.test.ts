import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mustUnderstand, NS, parsePidf, pickNote, serializePidf } from '@simple/pidf';
import { documentMultiset } from './support/canonical.js';
import { fixture } from './support/fixtures.js';
import { assertRoundTrip, load } from './support/round-trip.js';

const RFC3863 = [
  'rfc3863-4.2.2-default-namespace.xml',
  'rfc3863-4.2.2-prefixed-namespace.xml',
  'rfc3863-4.2.4-status-extension.xml',
  'rfc3863-4.3.1-default-ns-status-extensions.xml',
  'rfc3863-4.3.2-other-extension-elements.xml',
  'rfc3863-4.3.3-mandatory-to-understand.xml',
];
const RFC4662 = [
  'rfc4662-6-step3-pidf-bob.xml',
  'rfc4662-6-step3-pidf-dave.xml',
  'rfc4662-6-step11-pidf-joe.xml',
  'rfc4662-6-step11-pidf-mark.xml',
  'rfc4662-6-step13-nested-pidf-joe.xml',
  'rfc4662-6-step13-nested-pidf-mark.xml',
];

describe('PIDF (RFC 3863) - round trip', () => {
  for (const name of [...RFC3863, ...RFC4662]) it(`${name} - every node kept`, () => assertRoundTrip(name));
});

describe('PIDF (RFC 3863) - typed values of the examples', () => {
  it('§4.2.2 default and prefixed namespace - same values', () => {
    for (const name of ['rfc3863-4.2.2-default-namespace.xml', 'rfc3863-4.2.2-prefixed-namespace.xml']) {
      const doc = load(name);
      assert.equal(doc.kind, 'presence');
      assert.equal(doc.entity, 'pres:someone@example.com');
      assert.equal(doc.tuples.length, 1);
      const t = doc.tuples[0]!;
      assert.equal(t.id, 'sg89ae');
      assert.equal(t.basic, 'open');
      assert.deepEqual(t.contact, { uri: 'tel:+09012345678', priority: 0.8 });
      assert.deepEqual(doc.problems(), []);
    }
  });
  it('§4.2.4 status extension - <local:location> kept as a status extension', () => {
    const t = load('rfc3863-4.2.4-status-extension.xml').tuples[0]!;
    assert.equal(t.basic, 'open');
    assert.deepEqual(t.contact, { uri: 'im:someone@example.com' });
    assert.deepEqual(
      t.statusExtensions.map((e) => [e.namespaceURI, e.localName, e.textContent]),
      [['urn:example-com:pidf-status-type', 'location', 'home']],
    );
  });
  it('§4.3.1 several tuples, notes by language, timestamp, presence note', () => {
    const doc = load('rfc3863-4.3.1-default-ns-status-extensions.xml');
    assert.deepEqual(
      doc.tuples.map((t) => t.id),
      ['bs35r9', 'eg92n8'],
    );
    const t = doc.tuple('bs35r9')!;
    assert.deepEqual(t.notes, [
      { text: "Don't Disturb Please!", lang: 'en' },
      { text: "Ne derangez pas, s'il vous plait", lang: 'fr' },
    ]);
    assert.equal(pickNote(t.notes, 'fr')?.text, "Ne derangez pas, s'il vous plait");
    assert.equal(t.timestamp, '2001-10-27T16:49:29Z');
    assert.deepEqual(
      t.statusExtensions.map((e) => `${e.namespaceURI} ${e.textContent}`),
      ['urn:ietf:params:xml:ns:pidf:im busy', 'http://id.example.com/presence/ home'],
    );
    assert.deepEqual(doc.tuple('eg92n8')?.contact, { uri: 'mailto:someone@example.com', priority: 1 });
    assert.deepEqual(doc.notes, [{ text: "I'll be in Tokyo next week" }]);
  });
  it('§4.3.2 extension elements - kept in tuple and presence extensions, contact whitespace collapsed', () => {
    const doc = load('rfc3863-4.3.2-other-extension-elements.xml');
    assert.deepEqual(
      doc.tuple('ck38g9')?.extensions.map((e) => e.textContent),
      ['Extended value in tuple'],
    );
    assert.deepEqual(doc.tuple('ck38g9')?.contact, { uri: 'tel:+09012345678', priority: 0.65 });
    assert.deepEqual(doc.tuple('md66je')?.contact, { uri: 'im:someone@mobilecarrier.net', priority: 1 });
    assert.deepEqual(
      doc.extensions.map((e) => [e.localName, e.textContent]),
      [['mytag', 'My extended presentity information']],
    );
  });
  it('§4.3.3 mustUnderstand - the complex extension must be understood, <myex:mytag> need not', () => {
    const doc = load('rfc3863-4.3.3-mandatory-to-understand.xml');
    const [complex] = doc.tuple('tj25ds')!.extensions;
    assert.equal(complex?.localName, 'complexExtension');
    assert.equal(mustUnderstand(complex!), true);
    assert.equal(mustUnderstand(doc.extensions[0]!), false);
    assert.deepEqual(doc.tuple('tj25ds')?.contact, { uri: 'tel:+09012345678', priority: 0.725 });
  });
  it('RFC 4662 §6 parts - open and closed resources', () => {
    assert.equal(load('rfc4662-6-step3-pidf-bob.xml').tuple('sg89ae')?.basic, 'open');
    const dave = load('rfc4662-6-step3-pidf-dave.xml');
    assert.equal(dave.entity, 'sip:dave@vancouver.example.com');
    assert.equal(dave.tuple('slie74')?.basic, 'closed');
    assert.equal(dave.tuple('slie74')?.contact, undefined);
    assert.deepEqual(load('rfc4662-6-step11-pidf-joe.xml').tuples[0]?.contact, { uri: 'sip:joe@stockholm.example.org', priority: 1 });
    assert.equal(load('rfc4662-6-step13-nested-pidf-mark.xml').tuple('z98075')?.basic, 'closed');
  });
});

describe('PIDF (RFC 3863) - editing through the views keeps the rest', () => {
  it('setting basic and timestamp changes only those nodes', () => {
    const doc = load('rfc3863-4.3.3-mandatory-to-understand.xml');
    const before = documentMultiset(serializePidf(doc));
    const t = doc.tuple('tj25ds')!;
    t.basic = 'closed';
    t.timestamp = '2024-01-01T00:00:00Z';
    const after = documentMultiset(serializePidf(doc));
    const p = `/{${NS.pidf}}presence/{${NS.pidf}}tuple`;
    assert.deepEqual(
      after.filter((e) => !before.includes(e)),
      [`E ${p}/{${NS.pidf}}timestamp`, `T ${p}/{${NS.pidf}}status/{${NS.pidf}}basic closed`, `T ${p}/{${NS.pidf}}timestamp 2024-01-01T00:00:00Z`].sort(),
    );
    assert.deepEqual(
      before.filter((e) => !after.includes(e)),
      [`T ${p}/{${NS.pidf}}status/{${NS.pidf}}basic open`],
    );
    // The prefix in use (impp:) is reused for the new element.
    assert.match(serializePidf(doc), /<impp:timestamp>2024-01-01T00:00:00Z<\/impp:timestamp><\/impp:tuple>/);
  });
});

describe('parsePidf - refusals and leniency', () => {
  it('not well-formed: the as-published RFC 4482 §4 example', () => {
    const r = parsePidf(fixture('rfc4482-4-cipid.xml'));
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'not-well-formed');
    assert.equal(r.error.name, 'PidfError');
    assert.equal(r.error.status, 400);
  });
  it('not PIDF: another root, or PIDF elements in another namespace', () => {
    const other = parsePidf('<presence entity="pres:a@b"/>');
    assert.ok(!other.ok && other.error.code === 'not-pidf');
    const full = parsePidf(fixture('rfc5262-6-pidf-full-initial.xml'));
    assert.ok(!full.ok && full.error.code === 'not-pidf');
  });
  it('hostile XML: refused by the XML layer, cause kept', () => {
    const r = parsePidf('<?xml version="1.0"?><!DOCTYPE p [<!ENTITY e "e">]><presence xmlns="urn:ietf:params:xml:ns:pidf"/>');
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'dtd-forbidden');
    assert.equal((r.error.cause as Error).name, 'XmlError');
    const big = parsePidf(`<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:a@b"><note>${'x'.repeat(200)}</note></presence>`, { limits: { maxBytes: 100 } });
    assert.ok(!big.ok && big.error.code === 'too-large');
  });
  it('invalid but readable: problems reported, values still read (RFC 4479 §5)', () => {
    const r = parsePidf(
      '<presence xmlns="urn:ietf:params:xml:ns:pidf"><tuple id="a"><status><basic>maybe</basic></status><contact priority="1.5">sip:a@b</contact><timestamp>yesterday</timestamp></tuple><tuple id="a"/></presence>',
    );
    assert.ok(r.ok);
    const doc = r.value;
    assert.equal(doc.entity, undefined);
    assert.equal(doc.tuples[0]?.basic, undefined);
    // RFC 3863 §4.1.5: an out-of-range priority is ignored, as if absent.
    assert.deepEqual(doc.tuples[0]?.contact, { uri: 'sip:a@b' });
    assert.deepEqual(
      doc.problems().map((p) => p.code),
      ['missing-entity', 'invalid-basic', 'invalid-priority', 'invalid-timestamp', 'duplicate-id', 'missing-status'],
    );
  });
});
