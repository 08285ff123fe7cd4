import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildPresence, closedPresence, parsePidf, serializePidf, type PresenceInit } from '@simple/pidf';
import { schemaErrors } from './support/schema.js';

const LT = 'urn:ietf:params:xml:ns:location-type';

/** Every typed field the builders write. */
const FULL: PresenceInit = {
  entity: 'pres:alice@example.com',
  tuples: [
    {
      id: 'im',
      basic: 'open',
      contact: { uri: 'sip:alice@example.com;gr=urn:uuid:1', priority: 0.8 },
      notes: [
        { text: 'At my desk', lang: 'en' },
        { text: 'Au bureau', lang: 'fr' },
      ],
      timestamp: '2024-05-01T10:00:00Z',
      deviceIds: ['urn:uuid:d27459b7-8213-4395-aa77-ed859a3e5b3a'],
      class: 'work-im',
      privacy: [{ values: ['text'] }],
      relationship: { values: ['self'] },
      serviceClass: { values: ['electronic'] },
      statusIcons: [{ uri: 'http://example.com/im.png' }],
      userInput: { value: 'active', idleThreshold: 300 },
      timedStatuses: [{ from: '2030-08-15T10:20:00Z', until: '2030-08-22T19:30:00Z', basic: 'closed', note: { text: 'On holiday', lang: 'en' } }],
      servcaps: {
        booleans: { audio: true, video: false, message: true, isfocus: false },
        lists: {
          methods: { supported: ['MESSAGE', 'INVITE', 'ACK'], notsupported: ['REFER'] },
          extensions: { supported: ['pref'], notsupported: [] },
          schemes: { supported: ['sip', 'tel'], notsupported: [] },
          languages: { supported: ['en', 'fr'], notsupported: [] },
          duplex: { supported: ['full'], notsupported: [] },
        },
        priority: { supported: [{ kind: 'lowerthan', maxvalue: 10 }, { kind: 'range', minvalue: 1, maxvalue: 5 }], notsupported: [{ kind: 'equals', value: 7 }] },
        types: ['text/plain'],
        descriptions: [{ text: 'IM client', lang: 'en' }],
      },
    },
    {
      id: 'assistant',
      basic: 'closed',
      contact: 'im:assistant@example.com',
      relationship: { values: ['assistant'], notes: [{ text: 'Bob' }] },
      cipid: { card: 'http://example.com/~bob/card.vcd', displayNames: [{ text: 'Bob' }], homepage: 'http://example.com/~bob' },
    },
  ],
  notes: [{ text: 'Back on Monday', lang: 'en' }],
  persons: [
    {
      id: 'p1',
      activities: [{ values: ['meeting'], notes: [{ text: 'Weekly' }], from: '2024-05-01T09:00:00Z', until: '2024-05-01T11:00:00Z', id: 'a1' }],
      class: 'work',
      mood: [{ values: ['happy'], others: ['content'] }],
      placeIs: [{ audio: 'quiet', video: 'ok', text: 'ok' }],
      placeType: [{ values: [`{${LT}}office`] }],
      privacy: [{ values: ['audio', 'text'] }],
      sphere: [{ value: 'work' }],
      statusIcons: [{ uri: 'http://example.com/meeting.png' }],
      timeOffsets: [{ minutes: 120, description: 'Europe/Paris' }],
      userInput: { value: 'idle', lastInput: '2024-05-01T09:58:00Z' },
      cipid: { card: 'http://example.com/~alice/card.vcd', displayNames: [{ text: 'Alice Lewis' }], homepage: 'http://example.com/~alice', icon: 'http://example.com/~alice/me.png', map: 'http://example.com/~alice/map.xml', sound: 'http://example.com/~alice/hello.wav' },
      notes: [{ text: 'In a meeting', lang: 'en' }],
      timestamp: '2024-05-01T09:00:00Z',
    },
  ],
  devices: [
    {
      id: 'd1',
      deviceId: 'urn:uuid:d27459b7-8213-4395-aa77-ed859a3e5b3a',
      class: 'laptop',
      userInput: { value: 'active' },
      devcaps: { mobility: { supported: ['mobile'], notsupported: ['fixed'] }, descriptions: [{ text: 'Laptop', lang: 'en' }] },
      notes: [{ text: 'Laptop' }],
      timestamp: '2024-05-01T10:00:00Z',
    },
  ],
};

describe('buildPresence - every typed field', () => {
  const xml = serializePidf(buildPresence(FULL));
  it('validates against pidf, data-model, rpid, cipid, caps and timed-status schemas', () => {
    assert.deepEqual(schemaErrors(xml), []);
  });
  it('declares each namespace once, on the root', () => {
    const decls = [...xml.matchAll(/xmlns(?::[\w-]+)?="([^"]+)"/g)].map((m) => m[1]);
    assert.equal(new Set(decls).size, decls.length);
    assert.match(xml, /^<\?xml[^>]*>\s*<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:alice@example.com"[^>]* xmlns:dm=/);
  });
  it('parses back to the values it was built from', () => {
    const r = parsePidf(xml);
    assert.ok(r.ok);
    const doc = r.value;
    assert.deepEqual(doc.problems(), []);
    assert.equal(doc.entity, FULL.entity);
    const im = doc.tuple('im')!;
    assert.equal(im.basic, 'open');
    assert.deepEqual(im.contact, { uri: 'sip:alice@example.com;gr=urn:uuid:1', priority: 0.8 });
    assert.deepEqual(im.notes, FULL.tuples?.[0]?.notes);
    assert.equal(im.timestamp, '2024-05-01T10:00:00Z');
    assert.deepEqual(im.deviceIds, ['urn:uuid:d27459b7-8213-4395-aa77-ed859a3e5b3a']);
    assert.equal(im.class, 'work-im');
    assert.deepEqual(im.privacy, [{ values: ['text'], others: [], notes: [] }]);
    assert.deepEqual(im.relationship?.values, ['self']);
    assert.deepEqual(im.serviceClass?.values, ['electronic']);
    assert.deepEqual(im.statusIcons, [{ uri: 'http://example.com/im.png' }]);
    assert.deepEqual(im.userInput, { value: 'active', idleThreshold: 300 });
    assert.deepEqual(im.timedStatuses, [{ from: '2030-08-15T10:20:00Z', until: '2030-08-22T19:30:00Z', basic: 'closed', note: { text: 'On holiday', lang: 'en' }, extensions: [] }]);
    const caps = im.servcaps!;
    assert.deepEqual(caps.booleans, { audio: true, video: false, message: true, isfocus: false });
    // Written in the schema's order, whatever order they were given in.
    assert.deepEqual(caps.lists.methods, { supported: ['ACK', 'INVITE', 'MESSAGE'], notsupported: ['REFER'] });
    assert.deepEqual(caps.lists.schemes, { supported: ['sip', 'tel'], notsupported: [] });
    assert.deepEqual(caps.lists.languages, { supported: ['en', 'fr'], notsupported: [] });
    assert.deepEqual(caps.priority, FULL.tuples?.[0]?.servcaps?.priority);
    assert.deepEqual(caps.types, ['text/plain']);
    assert.deepEqual(caps.descriptions, [{ text: 'IM client', lang: 'en' }]);
    assert.deepEqual(im.extensions, []);
    const assistant = doc.tuple('assistant')!;
    assert.deepEqual(assistant.relationship, { values: ['assistant'], others: [], notes: [{ text: 'Bob' }] });
    assert.deepEqual(assistant.cipid, { card: 'http://example.com/~bob/card.vcd', displayNames: [{ text: 'Bob' }], homepage: 'http://example.com/~bob' });
    assert.deepEqual(doc.notes, [{ text: 'Back on Monday', lang: 'en' }]);

    const p = doc.persons[0]!;
    assert.deepEqual(p.activities, [{ id: 'a1', from: '2024-05-01T09:00:00Z', until: '2024-05-01T11:00:00Z', values: ['meeting'], others: [], notes: [{ text: 'Weekly' }] }]);
    assert.equal(p.class, 'work');
    assert.deepEqual(p.mood, [{ values: ['happy'], others: ['content'], notes: [] }]);
    assert.deepEqual(p.placeIs, [{ audio: 'quiet', video: 'ok', text: 'ok', notes: [] }]);
    assert.deepEqual(p.placeType[0]?.values, [`{${LT}}office`]);
    assert.deepEqual(p.privacy[0]?.values, ['audio', 'text']);
    assert.deepEqual(p.sphere, [{ value: 'work' }]);
    assert.deepEqual(p.statusIcons, [{ uri: 'http://example.com/meeting.png' }]);
    assert.deepEqual(p.timeOffsets, [{ minutes: 120, description: 'Europe/Paris' }]);
    assert.deepEqual(p.userInput, { value: 'idle', lastInput: '2024-05-01T09:58:00Z' });
    assert.deepEqual(p.cipid, FULL.persons?.[0]?.cipid);
    assert.deepEqual(p.notes, [{ text: 'In a meeting', lang: 'en' }]);
    assert.equal(p.timestamp, '2024-05-01T09:00:00Z');
    assert.deepEqual(p.extensions, []);

    const d = doc.devices[0]!;
    assert.equal(d.deviceId, 'urn:uuid:d27459b7-8213-4395-aa77-ed859a3e5b3a');
    assert.equal(d.class, 'laptop');
    assert.deepEqual(d.userInput, { value: 'active' });
    assert.deepEqual(d.devcaps, { mobility: { supported: ['mobile'], notsupported: ['fixed'] }, descriptions: [{ text: 'Laptop', lang: 'en' }], extensionElements: [] });
    assert.deepEqual(d.notes, [{ text: 'Laptop' }]);
    assert.equal(d.timestamp, '2024-05-01T10:00:00Z');
    assert.deepEqual(d.extensions, []);
  });
  it('display names in several languages (RFC 4482 §3.2): written with xml:lang, which the RFC 4482 §5 schema does not declare', () => {
    const doc = buildPresence({ entity: 'pres:a@example.com', persons: [{ id: 'p', cipid: { displayNames: [{ text: 'Alice', lang: 'en' }, { text: 'アリス', lang: 'ja' }] } }] });
    assert.deepEqual(doc.persons[0]?.cipid.displayNames, [{ text: 'Alice', lang: 'en' }, { text: 'アリス', lang: 'ja' }]);
    const errors = schemaErrors(serializePidf(doc));
    assert.equal(errors.length, 2);
    for (const e of errors) assert.match(e, /display-name', attribute '\{http:\/\/www.w3.org\/XML\/1998\/namespace\}lang': The attribute .* is not allowed/);
  });
  it('free-text sphere (RFC 4480 §4 example) is written as text', () => {
    const doc = buildPresence({ entity: 'pres:a@example.com', persons: [{ id: 'p', sphere: [{ value: 'bowling league' }] }] });
    assert.match(serializePidf(doc), /<rpid:sphere>bowling league<\/rpid:sphere>/);
    assert.deepEqual(doc.persons[0]?.sphere, [{ value: 'bowling league' }]);
  });
  it('a document adds to the prefixes it already uses', () => {
    const doc = buildPresence({ entity: 'pres:a@example.com', tuples: [{ id: 't1', basic: 'open' }] });
    doc.addTuple({ id: 't2', basic: 'closed' });
    doc.addNote({ text: 'n' });
    doc.addPerson({ id: 'p', activities: [{ values: ['away'] }] });
    doc.addTuple({ id: 't3' });
    assert.deepEqual(
      doc.tuples.map((t) => t.id),
      ['t1', 't2', 't3'],
    );
    assert.deepEqual(schemaErrors(serializePidf(doc)), []);
  });
});

describe('closedPresence - a presentity without publications', () => {
  it('one tuple, basic closed, valid', () => {
    const doc = closedPresence('sip:bob@example.com');
    assert.equal(doc.entity, 'sip:bob@example.com');
    assert.deepEqual(
      doc.tuples.map((t) => [t.id, t.basic]),
      [['closed', 'closed']],
    );
    assert.deepEqual(schemaErrors(serializePidf(doc)), []);
  });
  it('with a contact address and a note (RFC 3856 §6.6.2)', () => {
    const doc = closedPresence('sip:bob@example.com', { tupleId: 'offline', contact: 'sip:bob@example.com', note: { text: 'Subscription pending', lang: 'en' } });
    assert.deepEqual(doc.tuple('offline')?.contact, { uri: 'sip:bob@example.com' });
    assert.deepEqual(doc.notes, [{ text: 'Subscription pending', lang: 'en' }]);
    assert.deepEqual(schemaErrors(serializePidf(doc)), []);
  });
});
