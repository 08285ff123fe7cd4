import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { StreamFramer } from '../src/index.js';
import { sipRequest } from './helpers.js';
import { seededRandom as prng } from '@simple/testkit';


const ALPHABET = Buffer.from('\r\n\r\n: lLContent-Length0123456789 \tINVITE sip:a SIP/2.0\r\nl:5\r\n\r\nabc');

function randomChunk(rand: () => number, maxLength: number): Buffer {
  const n = Math.floor(rand() * maxLength);
  const b = Buffer.alloc(n);
  const biased = rand() < 0.7;
  for (let i = 0; i < n; i++) {
    b[i] = biased ? (ALPHABET[Math.floor(rand() * ALPHABET.length)] ?? 0) : Math.floor(rand() * 256);
  }
  return b;
}

describe('StreamFramer fuzz', () => {
  it('fuzz - 10k random chunks never throw and keep the buffer bounded', () => {
    const rand = prng(0xc0ffee);
    const max = 2048;
    let framer = newFramer(max);
    let failures = 0;
    let messages = 0;
    function newFramer(limit: number): StreamFramer {
      return new StreamFramer(
        {
          onMessage: (m) => {
            messages++;
            assert.ok(m.length <= limit);
          },
          onPing: () => undefined,
          onPong: () => undefined,
          onError: () => {
            failures++;
          },
        },
        { maxMessageSize: limit },
      );
    }
    for (let i = 0; i < 10_000; i++) {
      framer.push(randomChunk(rand, 300));
      assert.ok(framer.buffered <= max + 300, `buffer bounded at chunk ${i}`);
      // A failed framer is a closed connection: start a new one, as a new connection would.
      if (framer.hasFailed) framer = newFramer(max);
    }
    assert.ok(failures + messages > 0);
  });

  it('fuzz - valid messages with keep-alives, split at random points, come out intact', () => {
    const rand = prng(42);
    const sent: string[] = [];
    let stream = '';
    let pings = 0;
    for (let i = 0; i < 500; i++) {
      if (rand() < 0.2) {
        stream += '\r\n\r\n';
        pings++;
      }
      const body = 'b'.repeat(Math.floor(rand() * 200)) + (rand() < 0.3 ? '\r\n\r\n' : '');
      const msg = sipRequest({ method: rand() < 0.5 ? 'MESSAGE' : 'NOTIFY', body, branch: `z9hG4bK${i}` });
      sent.push(msg);
      stream += msg;
    }
    const bytes = Buffer.from(stream);
    const got: string[] = [];
    let gotPings = 0;
    const framer = new StreamFramer({
      onMessage: (m) => got.push(m.toString()),
      onPing: () => gotPings++,
      onPong: () => undefined,
      onError: (e) => assert.fail(e.message),
    });
    let chunks = 0;
    for (let at = 0; at < bytes.length; chunks++) {
      const n = 1 + Math.floor(rand() * 400);
      framer.push(bytes.subarray(at, at + n));
      at += n;
    }
    assert.deepEqual(got, sent);
    // A ping split exactly after its first CRLF is reported as pong + ping; never lost.
    assert.equal(gotPings, pings);
    assert.ok(chunks > 100);
  });

  it('fuzz - mutated valid streams never throw', () => {
    const rand = prng(7);
    const base = Buffer.from(sipRequest({ body: 'hello' }) + '\r\n\r\n' + sipRequest({ method: 'BYE' }));
    for (let round = 0; round < 2000; round++) {
      const b = Buffer.from(base);
      const flips = 1 + Math.floor(rand() * 6);
      for (let f = 0; f < flips; f++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
      const framer = new StreamFramer(
        { onMessage: () => undefined, onPing: () => undefined, onPong: () => undefined, onError: () => undefined },
        { maxMessageSize: 512 },
      );
      for (let at = 0; at < b.length; ) {
        const n = 1 + Math.floor(rand() * 64);
        framer.push(b.subarray(at, at + n));
        at += n;
      }
      assert.ok(framer.buffered <= 512 + 64);
    }
  });
});
