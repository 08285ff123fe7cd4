import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseUri, type Uri } from '@simple/sip-message';
import { canonicalInstanceId, contactBindingKey, outboundBindingKey } from '../src/registrar/index.js';

function uri(text: string): Uri {
  const r = parseUri(text);
  if (!r.ok) throw new Error(r.error.reason);
  return r.value;
}

const key = (text: string): string => contactBindingKey(uri(text));

describe('binding keys', () => {
  it('contact key - URIs equal by RFC 3261 §19.1.4 share a key', () => {
    assert.equal(key('sip:alice@Example.COM'), key('sip:alice@example.com'));
    assert.equal(key('sip:%61lice@example.com'), key('sip:alice@example.com'));
    assert.equal(key('sip:alice@example.com;transport=TCP'), key('sip:alice@example.com;transport=tcp'));
    assert.equal(key('sip:alice@example.com;lr;ob'), key('sip:alice@example.com'));
    assert.equal(key('sip:alice@example.com;maddr=239.1.1.1;ttl=15'), key('sip:alice@example.com;ttl=15;maddr=239.1.1.1'));
  });

  it('contact key - URIs that differ by RFC 3261 §19.1.4 do not', () => {
    assert.notEqual(key('sip:Alice@example.com'), key('sip:alice@example.com'));
    assert.notEqual(key('sip:alice@example.com:5060'), key('sip:alice@example.com'));
    assert.notEqual(key('sips:alice@example.com'), key('sip:alice@example.com'));
    assert.notEqual(key('sip:alice@example.com;transport=tcp'), key('sip:alice@example.com'));
    assert.notEqual(key('sip:alice@example.com?Subject=x'), key('sip:alice@example.com'));
    assert.equal(key('tel:+1-201-555-0123'), key('tel:+12015550123'));
  });

  it('instance id - quotes and brackets go, the URN namespace and a UUID are case-folded', () => {
    assert.equal(canonicalInstanceId('"<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>"'), 'urn:uuid:00000000-0000-1000-8000-aabbccddeeff');
    assert.equal(canonicalInstanceId('"<URN:Example:Thing-A>"'), 'urn:example:Thing-A');
    assert.equal(canonicalInstanceId('urn:uuid:1'), undefined);
    assert.equal(canonicalInstanceId(null), undefined);
  });

  it('outbound key - instance and reg-id, never equal to a contact key', () => {
    const k = outboundBindingKey('urn:uuid:1', 1);
    assert.equal(k, '<urn:uuid:1>;reg-id=1');
    assert.notEqual(outboundBindingKey('urn:uuid:1', 2), k);
    assert.ok(!key('sip:x@y').startsWith('<'));
  });
});
