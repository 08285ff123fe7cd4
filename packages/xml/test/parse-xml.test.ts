import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseXml, serializeXml } from '@simple/xml';

describe('parseXml - hostile input', () => {
  it('a PIDF parses, namespaces intact, and re-serializes', () => {
    const r = parseXml('<?xml version="1.0" encoding="UTF-8"?><presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:a@b"><tuple id="t1"><status><basic>open</basic></status></tuple></presence>');
    assert.ok(r.ok);
    assert.equal(r.value.documentElement?.namespaceURI, 'urn:ietf:params:xml:ns:pidf');
    assert.match(serializeXml(r.value), /<basic>open<\/basic>/);
  });
  it('billion laughs: refused before parsing (no DOCTYPE)', () => {
    const bomb = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>';
    const r = parseXml(bomb);
    assert.ok(!r.ok && r.error.code === 'dtd-forbidden');
  });
  it('external entity: refused', () => {
    const r = parseXml('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>');
    assert.ok(!r.ok && r.error.code === 'dtd-forbidden');
  });
  it('not well-formed, not UTF-8, too large, too deep', () => {
    const bad = parseXml('<a><b></a>');
    assert.ok(!bad.ok && bad.error.code === 'not-well-formed');
    const latin = parseXml(Buffer.from([0x3c, 0x61, 0x3e, 0xe9, 0x3c, 0x2f, 0x61, 0x3e]));
    assert.ok(!latin.ok && latin.error.code === 'not-utf-8');
    const big = parseXml('<a>' + 'x'.repeat(2000) + '</a>', { maxBytes: 1000 });
    assert.ok(!big.ok && big.error.code === 'too-large');
    const deep = parseXml('<a>'.repeat(100) + '</a>'.repeat(100));
    assert.ok(!deep.ok && deep.error.code === 'too-deep');
  });
});
