import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSupported } from '@simple/pidf';
import { assertRoundTrip, load } from './support/round-trip.js';

const NAME = 'rfc5196-5-caps.xml';

describe('caps (RFC 5196) - §5 example', () => {
  it('round trip - every node kept', () => assertRoundTrip(NAME));
  it('servcaps: media booleans, descriptions by language, duplex, methods, priority, schemes', () => {
    const s = load(NAME).tuple('joi9877866786ua9')!.servcaps!;
    assert.deepEqual(s.booleans, { audio: true, message: true, video: false });
    assert.deepEqual(
      s.descriptions.map((d) => [d.lang, d.text.trim()]),
      [
        ['en', 'Example service'],
        ['hu', "Pe'lda szolga'ltata's"],
      ],
    );
    assert.deepEqual(s.lists.duplex, { supported: ['full'], notsupported: [] });
    assert.deepEqual(s.lists.methods?.supported, ['ACK', 'BYE', 'INVITE', 'MESSAGE']);
    assert.deepEqual(s.lists.schemes, { supported: ['sip'], notsupported: [] });
    assert.deepEqual(s.priority, { supported: [{ kind: 'lowerthan', maxvalue: 10 }], notsupported: [] });
    assert.deepEqual(s.types, []);
    assert.deepEqual(s.extensionElements, []);
    assert.equal(isSupported(s.lists.methods, 'INVITE'), true);
    assert.equal(isSupported(s.lists.methods, 'SUBSCRIBE'), undefined);
  });
  it('devcaps on the device (prefix mod: for the data model)', () => {
    const [d] = load(NAME).devices;
    assert.equal(d?.id, 'hgt67');
    // The deviceID's content starts after a line break inside the start tag: whitespace collapsed.
    assert.equal(d?.deviceId, 'urn:uuid:d27459b7-8213-4395-aa77-ed859a3e5b3a');
    assert.deepEqual(d?.devcaps, { mobility: { supported: ['mobile'], notsupported: [] }, descriptions: [], extensionElements: [] });
  });
  it('a value listed both supported and not supported counts as supported (RFC 5196 §4.1)', () => {
    assert.equal(isSupported({ supported: ['full'], notsupported: ['full', 'half'] }, 'full'), true);
    assert.equal(isSupported({ supported: ['full'], notsupported: ['full', 'half'] }, 'half'), false);
    assert.equal(isSupported(undefined, 'full'), undefined);
  });
});
