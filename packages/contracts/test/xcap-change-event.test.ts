import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseXcapChangeEvent } from '../src/index.js';

describe('xcap change event', () => {
  it('parse - reads what the XCAP server publishes, optional fields absent when absent', () => {
    const r = parseXcapChangeEvent('{"auid":"resource-lists","xui":"sip:a@b.test","document":"index","newEtag":"e1","at":42}');
    assert.deepEqual(r, { ok: true, value: { auid: 'resource-lists', xui: 'sip:a@b.test', document: 'index', newEtag: 'e1', at: 42 } });
    const g = parseXcapChangeEvent('{"auid":"xcap-caps","document":"index","oldEtag":"e0","at":1}');
    assert.ok(g.ok);
    assert.equal('xui' in g.value, false);
  });

  it('parse - refuses what is not an event, without throwing', () => {
    for (const bad of ['', 'nope', '[]', 'null', '{}', '{"auid":"a","document":"d"}', '{"auid":"a","document":"d","at":1,"xui":5}', '{"auid":"","document":"d","at":1}']) {
      assert.equal(parseXcapChangeEvent(bad).ok, false, bad);
    }
  });
});
