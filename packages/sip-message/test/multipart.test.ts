import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildMultipart, H, messageParts, mediaParam, parseMessage, parseMultipart } from '@simple/sip-message';
import { tortureVectors } from './torture-vectors.js';

describe('multipart bodies (RFC 2046)', () => {
  it('mpart01.dat - two parts, the binary PKCS#7 one intact', () => {
    const v = tortureVectors().find((x) => x.file === 'mpart01.dat')!;
    const r = parseMessage(v.bytes);
    assert.ok(r.ok);
    const parts = messageParts(r.value);
    assert.ok(parts.ok, parts.ok ? '' : parts.error.reason);
    assert.equal(parts.value.length, 2);
    assert.equal(parts.value[0]?.headers.get('content-type'), 'text/plain');
    const sig = parts.value[1];
    assert.equal(sig?.headers.get('content-type'), 'application/octet-stream');
    assert.ok(sig?.body.includes(0x00));
  });

  it('build and parse round-trip, nested multipart', () => {
    const inner = buildMultipart([
      { headers: [['Content-Type', 'application/rlmi+xml']], body: Buffer.from('<list/>') },
      { headers: [['Content-Type', 'application/pidf+xml'], ['Content-ID', '<a@b>']], body: Buffer.from('<presence/>') },
    ], 'inner1');
    const outer = buildMultipart([{ headers: [['Content-Type', 'multipart/related;type="application/rlmi+xml";boundary=inner1']], body: inner }], 'outer1');
    const o = parseMultipart(outer, 'outer1');
    assert.ok(o.ok && o.value.length === 1);
    const part = o.value[0]!;
    const ct = part.headers.typed(H.contentType);
    assert.ok(ct.ok && ct.value);
    const boundary = mediaParam(ct.value, 'boundary');
    assert.equal(boundary, 'inner1');
    const i = parseMultipart(part.body, boundary!);
    assert.ok(i.ok);
    assert.deepEqual(i.value.map((p) => p.body.toString()), ['<list/>', '<presence/>']);
    assert.equal(i.value[1]?.headers.get('content-id'), '<a@b>');
  });

  it('errors - no boundary, unclosed body', () => {
    assert.equal(parseMultipart(Buffer.from('no boundary here'), 'b1').ok, false);
    assert.equal(parseMultipart(Buffer.from('--b1\r\nContent-Type: text/plain\r\n\r\nhello'), 'b1').ok, false);
  });
});
