import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertRoundTrip, load } from './support/round-trip.js';

const NAME = 'rfc4480-4-rpid.xml';

describe('RPID (RFC 4480) - §4 example', () => {
  it('round trip - every node kept', () => assertRoundTrip(NAME));

  it('tuples: deviceID, relationship, service-class, class, status-icon', () => {
    const doc = load(NAME);
    assert.equal(doc.entity, 'pres:someone@example.com');
    const bs = doc.tuple('bs35r9')!;
    assert.deepEqual(bs.deviceIds, ['urn:device:0003ba4811e3']);
    assert.deepEqual(bs.relationship?.values, ['self']);
    assert.deepEqual(bs.serviceClass?.values, ['electronic']);
    assert.deepEqual(bs.contact, { uri: 'im:someone@mobile.example.net', priority: 0.8 });
    assert.deepEqual(bs.notes.map((n) => n.lang), ['en', 'fr']);
    assert.equal(bs.timestamp, '2005-10-27T16:49:29Z');
    assert.deepEqual(doc.tuple('ty4658')?.relationship?.values, ['assistant']);
    const eg = doc.tuple('eg92n8')!;
    assert.equal(eg.class, 'email');
    assert.deepEqual(eg.statusIcons, [{ uri: 'http://example.com/mail.png' }]);
    assert.deepEqual(eg.deviceIds, ['urn:x-mac:0003ba4811e3']);
    for (const t of doc.tuples) assert.deepEqual(t.extensions, []);
  });

  it('device: user-input with idle-threshold and last-input, note', () => {
    const [d] = load(NAME).devices;
    assert.equal(d?.id, 'pc147');
    assert.equal(d?.deviceId, 'urn:device:0003ba4811e3');
    assert.deepEqual(d?.userInput, { value: 'idle', idleThreshold: 600, lastInput: '2004-10-21T13:20:00-05:00' });
    assert.deepEqual(d?.notes, [{ text: 'PC' }]);
  });

  it('person: activities with from/until and note, class, mood with other, place-is, place-type, privacy, sphere, status-icon, time-offset', () => {
    const [p] = load(NAME).persons;
    assert.ok(p);
    assert.deepEqual(p.activities, [{ from: '2005-05-30T12:00:00+05:00', until: '2005-05-30T17:00:00+05:00', values: ['away'], others: [], notes: [{ text: 'Far away' }] }]);
    assert.equal(p.class, 'calendar');
    assert.deepEqual(p.mood, [{ values: ['angry'], others: ['brooding'], notes: [] }]);
    assert.deepEqual(p.placeIs, [{ audio: 'noisy', notes: [] }]);
    assert.deepEqual(p.placeType.map((x) => x.values), [['{urn:ietf:params:xml:ns:location-type}residence']]);
    assert.deepEqual(p.privacy.map((x) => x.values), [['unknown']]);
    assert.deepEqual(p.sphere, [{ value: 'bowling league' }]);
    assert.deepEqual(p.statusIcons, [{ uri: 'http://example.com/play.gif' }]);
    assert.deepEqual(p.timeOffsets, [{ minutes: -240 }]);
    assert.deepEqual(p.notes, [{ text: 'Scoring 120' }]);
    assert.equal(p.timestamp, '2005-05-30T16:09:44+05:00');
    assert.equal(p.userInput, undefined);
    assert.deepEqual(p.extensions, []);
  });

  it('presence note', () => {
    assert.deepEqual(load(NAME).notes, [{ text: "I'll be in Tokyo next week" }]);
  });
});
