import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createErrorResponse, parseMessage, serializeMessage, validateMessage } from '@simple/sip-message';
import { tortureVectors } from './torture-vectors.js';
import { seededRandom as prng } from '@simple/testkit';


const NASTY = ['', ';', ';;', ',', ',,', '<', '>', '"', '\\', '%', '%0', '%00', '[', ']', '[::1', ':', '::', '=', ' ', '\t', '\r\n', '\r\n ', '\r', '\n', '\x00',
  '99999999999999999999', '-1', '4294967296', 'SIP/2.0', 'SIP/7.0', 'sip:', 'sips:[::1]:99999', 'tel:', '@', '@@', '?', '&', 'é', '\uFFFD', 'z9hG4bK'];

/** One mutation of a seed message, of a kind chosen at random. */
function mutate(rand: () => number, seed: Buffer): Buffer {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const pos = (b: Buffer): number => Math.floor(rand() * (b.length + 1));
  switch (Math.floor(rand() * 8)) {
    case 0: { // random bytes
      const b = Buffer.alloc(Math.floor(rand() * 600));
      for (let i = 0; i < b.length; i++) b[i] = Math.floor(rand() * 256);
      return b;
    }
    case 1: { // flip a few bytes
      const b = Buffer.from(seed);
      for (let n = 1 + Math.floor(rand() * 8); n > 0 && b.length > 0; n--) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
      return b;
    }
    case 2: { // insert a nasty token
      const at = pos(seed);
      return Buffer.concat([seed.subarray(0, at), Buffer.from(pick(NASTY)), seed.subarray(at)]);
    }
    case 3: { // delete a slice
      const a = pos(seed);
      const b = Math.min(seed.length, a + Math.floor(rand() * 40));
      return Buffer.concat([seed.subarray(0, a), seed.subarray(b)]);
    }
    case 4: { // truncate
      return seed.subarray(0, pos(seed));
    }
    case 5: { // duplicate or drop a line
      const lines = seed.toString('latin1').split('\r\n');
      const i = Math.floor(rand() * lines.length);
      if (rand() < 0.5) lines.splice(i, 0, lines[i] ?? '');
      else lines.splice(i, 1);
      return Buffer.from(lines.join('\r\n'), 'latin1');
    }
    case 6: { // replace a header value with nasty tokens
      const lines = seed.toString('latin1').split('\r\n');
      const i = 1 + Math.floor(rand() * Math.max(1, lines.length - 1));
      const line = lines[i] ?? '';
      const colon = line.indexOf(':');
      if (colon > 0) lines[i] = line.slice(0, colon + 1) + ' ' + Array.from({ length: 1 + Math.floor(rand() * 4) }, () => pick(NASTY)).join('');
      return Buffer.from(lines.join('\r\n'), 'latin1');
    }
    default: { // splice two messages together
      const other = pick(seeds);
      return Buffer.concat([seed.subarray(0, pos(seed)), other.subarray(pos(other))]);
    }
  }
}

const seeds = tortureVectors().map((v) => v.bytes);
const ITERATIONS = 100_000;

describe('parser fuzzing', () => {
  it(`${ITERATIONS} mutated messages - no exception escapes, every result is well-formed`, { timeout: 240_000 }, () => {
    const rand = prng(0x5151_2026);
    let accepted = 0;
    let rejected = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const input = mutate(rand, seeds[i % seeds.length] as Buffer);
      const r = parseMessage(input);
      if (r.ok) {
        accepted++;
        validateMessage(r.value);
        const wire = serializeMessage(r.value);
        assert.ok(wire.length > 0);
      } else {
        rejected++;
        // The parser's safety net turns an internal exception into this reason: it must never fire.
        assert.ok(!r.error.reason.startsWith('Unparseable'), `iteration ${i}: internal error ${r.error.reason}: ${input.toString('hex')}`);
        assert.ok(r.error.status === 400 || r.error.status === 505);
        assert.ok(!/[\r\n]/.test(r.error.reason));
        const res = createErrorResponse(r.error);
        if (res !== undefined) assert.ok(serializeMessage(res).toString('latin1').startsWith(`SIP/2.0 ${r.error.status} `));
      }
    }
    assert.equal(accepted + rejected, ITERATIONS);
    // Both paths must have been exercised for the run to mean anything.
    assert.ok(accepted > 1000 && rejected > 1000, `accepted ${accepted}, rejected ${rejected}`);
  });
});
