import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { presenceKeys, presenceSubjects } from '@simple/contracts';

describe('presence contracts', () => {
  it('keys - one hash tag per presentity, braces escaped', () => {
    assert.equal(presenceKeys.publications('alice@example.com'), 'simple:pres:{pres:alice@example.com}');
    assert.equal(presenceKeys.publications('a{b}@x'), 'simple:pres:{pres:a%7Bb%7D@x}');
    assert.equal(presenceKeys.publicationExpiry(), 'simple:pres-expiry');
  });

  it('subjects - the presence event per domain token', () => {
    assert.equal(presenceSubjects.presenceChanged('Example.COM'), 'simple.v1.events.presence.example_com');
    assert.equal(presenceSubjects.presenceChangedAll(), 'simple.v1.events.presence.>');
  });
});
