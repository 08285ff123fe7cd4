import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { coversTime, parseDateTime } from '@simple/pidf';
import { assertRoundTrip, load } from './support/round-trip.js';

const NAME = 'rfc4481-4-timed-status.xml';

describe('timed presence (RFC 4481) - §4 example', () => {
  it('round trip - every node kept (the example has no XML declaration)', () => assertRoundTrip(NAME));
  it('timed-status from/until and its basic status', () => {
    const doc = load(NAME);
    const t = doc.tuple('c8dqui')!;
    assert.equal(t.basic, 'open');
    assert.deepEqual(t.timedStatuses, [{ from: '2005-08-15T10:20:00.000-05:00', until: '2005-08-22T19:30:00.000-05:00', basic: 'closed', extensions: [] }]);
    assert.deepEqual(t.contact, { uri: 'sip:someone@example.com' });
    assert.deepEqual(t.extensions, []);
    assert.deepEqual(doc.notes, [{ text: "I'll be in Tokyo next week" }]);
  });
  it('coversTime - inside, before, after, open-ended', () => {
    const [ts] = load(NAME).tuple('c8dqui')!.timedStatuses;
    assert.ok(ts);
    assert.equal(coversTime(ts, parseDateTime('2005-08-16T00:00:00Z')!), true);
    assert.equal(coversTime(ts, parseDateTime('2005-08-15T15:19:59Z')!), false);
    assert.equal(coversTime(ts, parseDateTime('2005-08-23T00:30:00Z')!), false);
    assert.equal(coversTime({ from: '2005-08-15T10:20:00Z' }, parseDateTime('2030-01-01T00:00:00Z')!), true);
  });
  it('parseDateTime - RFC 3339 with zone; lower-case t/z refused (RFC 3863 §4.1.7)', () => {
    assert.equal(parseDateTime('2005-08-15T10:20:00.000-05:00'), Date.UTC(2005, 7, 15, 15, 20));
    assert.equal(parseDateTime('2001-10-27T16:49:29Z'), Date.UTC(2001, 9, 27, 16, 49, 29));
    assert.equal(parseDateTime('2001-10-27t16:49:29z'), undefined);
    assert.equal(parseDateTime('2001-10-27T16:49:29'), undefined);
  });
});
