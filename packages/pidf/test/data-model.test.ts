import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePidf } from '@simple/pidf';
import { assertRoundTrip, load } from './support/round-trip.js';

describe('data model (RFC 4479) - §7.1 basic IM client', () => {
  const name = 'rfc4479-7.1-basic-im-client.xml';
  it('round trip - every node kept', () => assertRoundTrip(name));
  it('service, person and device of the example', () => {
    const doc = load(name);
    const [t] = doc.tuples;
    assert.equal(t?.id, 'sg89ae');
    assert.equal(t?.basic, 'open');
    assert.deepEqual(t?.deviceIds, ['mac:8asd7d7d70']);
    assert.deepEqual(t?.contact, { uri: 'sip:someone@example.com' });
    assert.deepEqual(t?.servcaps?.lists.methods, { supported: ['MESSAGE', 'OPTIONS'], notsupported: [] });
    assert.deepEqual(t?.servcaps?.lists.extensions, { supported: ['pref'], notsupported: [] });
    const [p] = doc.persons;
    assert.equal(p?.id, 'p1');
    assert.deepEqual(p?.activities.map((a) => a.values), [['on-the-phone']]);
    const [d] = doc.devices;
    assert.equal(d?.id, 'pc122');
    assert.equal(d?.deviceId, 'mac:8asd7d7d70');
    assert.deepEqual(d?.userInput, { value: 'idle' });
    // The service runs on the device: the tuple's deviceID references it (RFC 4480 §3.4).
    assert.deepEqual(doc.devicesById(t!.deviceIds[0]!).map((x) => x.id), ['pc122']);
  });
  it('the example omits the required entity attribute: read anyway, reported as a problem', () => {
    const doc = load(name);
    assert.equal(doc.entity, undefined);
    assert.deepEqual(doc.problems().map((p) => p.code), ['missing-entity']);
  });
  it('notes of a person: its own, else the presence notes (RFC 4479 §5)', () => {
    const r = parsePidf(
      '<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" entity="pres:a@b"><note xml:lang="en">Away</note>' +
        '<dm:person id="p1"/><dm:person id="p2"><dm:note>Own</dm:note></dm:person></presence>',
    );
    assert.ok(r.ok);
    const [p1, p2] = r.value.persons;
    assert.deepEqual(r.value.notesFor(p1!), [{ text: 'Away', lang: 'en' }]);
    assert.deepEqual(r.value.notesFor(p2!), [{ text: 'Own' }]);
  });
  it('a device without <deviceID> is reported', () => {
    const r = parsePidf('<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" entity="pres:a@b"><dm:device id="d"/></presence>');
    assert.ok(r.ok);
    assert.equal(r.value.devices[0]?.deviceId, '');
    assert.deepEqual(r.value.problems().map((p) => p.code), ['missing-device-id']);
  });
});
