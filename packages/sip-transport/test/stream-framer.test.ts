import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { FramingError, StreamFramer, findContentLength } from '../src/index.js';
import { sipRequest } from './helpers.js';

interface Recorded {
  framer: StreamFramer;
  events: string[];
  messages: Buffer[];
  errors: FramingError[];
}

function record(maxMessageSize?: number): Recorded {
  const events: string[] = [];
  const messages: Buffer[] = [];
  const errors: FramingError[] = [];
  const framer = new StreamFramer(
    {
      onMessage: (m) => {
        // Copy: a test must see the bytes as they were when handed out.
        messages.push(Buffer.from(m));
        events.push('message');
      },
      onPing: () => events.push('ping'),
      onPong: () => events.push('pong'),
      onError: (e) => {
        errors.push(e);
        events.push(`error:${e.code}`);
      },
    },
    maxMessageSize === undefined ? {} : { maxMessageSize },
  );
  return { framer, events, messages, errors };
}

const M1 = sipRequest({ body: 'v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\n' });
const M2 = sipRequest({ method: 'MESSAGE', body: 'hello, world' });
const M3 = sipRequest({ method: 'REGISTER' });

describe('StreamFramer', () => {
  it('framing - one message in one chunk', () => {
    const r = record();
    r.framer.push(Buffer.from(M1));
    assert.deepEqual(r.events, ['message']);
    assert.equal(r.messages[0]?.toString(), M1);
    assert.equal(r.framer.buffered, 0);
  });

  it('framing - split at every byte boundary yields the same messages', () => {
    const stream = Buffer.from(M1 + M2 + M3);
    for (let cut = 1; cut < stream.length; cut++) {
      const r = record();
      r.framer.push(stream.subarray(0, cut));
      r.framer.push(stream.subarray(cut));
      assert.deepEqual(
        r.messages.map((m) => m.toString()),
        [M1, M2, M3],
        `cut at ${cut}`,
      );
      assert.equal(r.errors.length, 0);
    }
  });

  it('framing - one byte at a time', () => {
    const stream = Buffer.from(M1 + M2);
    const r = record();
    for (let i = 0; i < stream.length; i++) r.framer.push(stream.subarray(i, i + 1));
    assert.deepEqual(r.messages.map((m) => m.toString()), [M1, M2]);
  });

  it('framing - several messages in one chunk, and a partial tail kept for later', () => {
    const r = record();
    const partial = M3.slice(0, 40);
    r.framer.push(Buffer.from(M1 + M2 + partial));
    assert.deepEqual(r.messages.map((m) => m.toString()), [M1, M2]);
    assert.equal(r.framer.buffered, partial.length);
    r.framer.push(Buffer.from(M3.slice(40)));
    assert.deepEqual(r.messages.map((m) => m.toString()), [M1, M2, M3]);
  });

  it('framing - a body containing CRLFCRLF is taken by Content-Length', () => {
    const msg = sipRequest({ body: '\r\n\r\nINVITE x\r\n\r\n' });
    const r = record();
    r.framer.push(Buffer.from(msg + msg));
    assert.deepEqual(r.messages.map((m) => m.toString()), [msg, msg]);
  });

  it('framing - message Buffers stay intact after later input', () => {
    const events: Buffer[] = [];
    const framer = new StreamFramer({ onMessage: (m) => events.push(m), onPing: () => undefined, onPong: () => undefined, onError: () => undefined });
    const stream = Buffer.from(M1 + M2 + M3);
    for (let i = 0; i < stream.length; i += 7) framer.push(Buffer.from(stream.subarray(i, i + 7)));
    assert.deepEqual(events.map((m) => m.toString()), [M1, M2, M3]);
  });

  it('keep-alive - CRLFCRLF between messages is a ping, a lone CRLF a pong', () => {
    const r = record();
    r.framer.push(Buffer.from(`\r\n\r\n${M1}\r\n\r\n\r\n${M2}\r\n`));
    r.framer.push(Buffer.from(M3));
    assert.deepEqual(r.events, ['ping', 'message', 'ping', 'pong', 'message', 'pong', 'message']);
  });

  it('keep-alive - a ping split in two chunks is still answered', () => {
    const r = record();
    r.framer.push(Buffer.from('\r\n'));
    r.framer.push(Buffer.from('\r\n'));
    assert.deepEqual(r.events, ['pong', 'ping']);
    const s = record();
    s.framer.push(Buffer.from('\r\n\r'));
    assert.deepEqual(s.events, []);
    s.framer.push(Buffer.from('\n'));
    assert.deepEqual(s.events, ['ping']);
    const t = record();
    t.framer.push(Buffer.from('\r'));
    t.framer.push(Buffer.from('\n\r\n'));
    assert.deepEqual(t.events, ['ping']);
  });

  it('keep-alive - a pong alone in a chunk is reported at once', () => {
    const r = record();
    r.framer.push(Buffer.from('\r\n'));
    assert.deepEqual(r.events, ['pong']);
    r.framer.push(Buffer.from(M1));
    assert.deepEqual(r.events, ['pong', 'message']);
  });

  it('keep-alive - CRLFs inside a message are not keep-alives', () => {
    const r = record();
    const head = M1.slice(0, M1.indexOf('\r\n') + 2);
    r.framer.push(Buffer.from(head));
    r.framer.push(Buffer.from(M1.slice(head.length)));
    assert.deepEqual(r.events, ['message']);
  });

  it('content-length - missing on a stream is a framing error', () => {
    const r = record();
    r.framer.push(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h\r\n\r\n'));
    assert.deepEqual(r.events, ['error:missing-content-length']);
    assert.equal(r.framer.hasFailed, true);
    r.framer.push(Buffer.from(M1));
    assert.deepEqual(r.events, ['error:missing-content-length'], 'input after an error is ignored');
  });

  it('content-length - equal duplicates are accepted, conflicting ones are an error', () => {
    const same = 'OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 2\r\nl: 2\r\n\r\nab';
    const r = record();
    r.framer.push(Buffer.from(same));
    assert.deepEqual(r.events, ['message']);
    const conflicting = 'OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc';
    const s = record();
    s.framer.push(Buffer.from(conflicting));
    assert.deepEqual(s.events, ['error:conflicting-content-length']);
  });

  it('content-length - compact form, any case, whitespace and folding', () => {
    assert.equal(findContentLength(Buffer.from('X sip:a SIP/2.0\r\nl: 5')), 5);
    assert.equal(findContentLength(Buffer.from('X sip:a SIP/2.0\r\nCONTENT-length   :   12  ')), 12);
    assert.equal(findContentLength(Buffer.from('X sip:a SIP/2.0\r\nContent-Length:\r\n   7')), 7);
    assert.equal(findContentLength(Buffer.from('X sip:a SIP/2.0\r\nContent-Length:\t\t9\r\nSubject: l: 3')), 9);
    assert.equal(findContentLength(Buffer.from('X sip:a SIP/2.0\r\nLength: 3\r\nX-l: 4')), undefined);
    const bad = findContentLength(Buffer.from('X sip:a SIP/2.0\r\nContent-Length: 1x'));
    assert.ok(bad instanceof FramingError && bad.code === 'invalid-content-length');
    const negative = findContentLength(Buffer.from('X sip:a SIP/2.0\r\nContent-Length: -1'));
    assert.ok(negative instanceof FramingError && negative.code === 'invalid-content-length');
    const huge = findContentLength(Buffer.from('X sip:a SIP/2.0\r\nContent-Length: 99999999999999999999'));
    assert.ok(huge instanceof FramingError && huge.code === 'invalid-content-length');
  });

  it('oversize - a header section that never ends is a framing error', () => {
    const r = record(1024);
    r.framer.push(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\n'));
    for (let i = 0; i < 100 && !r.framer.hasFailed; i++) r.framer.push(Buffer.from('X-Filler: ' + 'a'.repeat(20) + '\r\n'));
    assert.deepEqual(r.events, ['error:message-too-large']);
    assert.equal(r.framer.buffered, 0);
  });

  it('oversize - a Content-Length beyond the limit fails at once', () => {
    const r = record(1024);
    r.framer.push(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 5000\r\n\r\n'));
    assert.deepEqual(r.events, ['error:message-too-large']);
  });

  it('oversize - the default limit is 64 KiB', () => {
    const body = 'x'.repeat(65536);
    const r = record();
    r.framer.push(Buffer.from(sipRequest({ body })));
    assert.deepEqual(r.events, ['error:message-too-large']);
    const fits = record();
    const msg = sipRequest({ body: 'x'.repeat(60000) });
    fits.framer.push(Buffer.from(msg));
    assert.deepEqual(fits.events, ['message']);
  });

  it('oversize - a message of exactly the limit passes', () => {
    const head = 'OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 00000\r\n\r\n';
    const bodyLength = 1024 - head.length;
    const msg = head.replace('00000', String(bodyLength).padStart(5, '0')) + 'b'.repeat(bodyLength);
    assert.equal(msg.length, 1024);
    const r = record(1024);
    r.framer.push(Buffer.from(msg));
    assert.deepEqual(r.events, ['message']);
  });

  it('framing - a stray CR not followed by LF starts a message', () => {
    const r = record();
    r.framer.push(Buffer.from('\rX sip:a SIP/2.0\r\nl: 0\r\n\r\n'));
    assert.deepEqual(r.events, ['message']);
  });

  it('framing - slow trickle of a large message stays linear', () => {
    const msg = Buffer.from(sipRequest({ body: 'y'.repeat(60000) }));
    const r = record();
    const started = Date.now();
    for (let i = 0; i < msg.length; i++) r.framer.push(msg.subarray(i, i + 1));
    assert.equal(r.messages.length, 1);
    assert.ok(Date.now() - started < 5000);
  });
});
