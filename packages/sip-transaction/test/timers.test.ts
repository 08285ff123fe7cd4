import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_TIMER_CONFIG,
  nextCappedRetransmitInterval,
  nextInviteRetransmitInterval,
  resolveTimerConfig,
  transactionTimers,
} from '../src/index.js';

test('timers - defaults are T1 500 ms, T2 4 s, T4 5 s (RFC 3261 Appendix A)', () => {
  assert.deepEqual({ ...DEFAULT_TIMER_CONFIG }, { T1: 500, T2: 4000, T4: 5000 });
});

test('timers - unreliable transport values follow Table 4 and RFC 6026', () => {
  assert.deepEqual(transactionTimers(false), {
    T1: 500, T2: 4000, T4: 5000,
    A: 500, B: 32_000, D: 32_000, E: 500, F: 32_000, G: 500, H: 32_000, I: 5000, J: 32_000, K: 5000, L: 32_000, M: 32_000,
  });
});

test('timers - reliable transport has no A/E/G and zero D/I/J/K', () => {
  assert.deepEqual(transactionTimers(true), {
    T1: 500, T2: 4000, T4: 5000,
    A: null, B: 32_000, D: 0, E: null, F: 32_000, G: null, H: 32_000, I: 0, J: 0, K: 0, L: 32_000, M: 32_000,
  });
});

test('timers - derived from a configured T1, T2, T4', () => {
  const t = transactionTimers(false, { T1: 1000, T2: 8000, T4: 10_000 });
  assert.equal(t.A, 1000);
  assert.equal(t.B, 64_000);
  assert.equal(t.F, 64_000);
  assert.equal(t.H, 64_000);
  assert.equal(t.J, 64_000);
  assert.equal(t.L, 64_000);
  assert.equal(t.M, 64_000);
  assert.equal(t.I, 10_000);
  assert.equal(t.K, 10_000);
  // Timer D is 64*T1 here: more than the 32 s minimum.
  assert.equal(t.D, 64_000);
});

test('timers - Timer D never drops below 32 s on unreliable transports', () => {
  // A small T1 (closed networks, RFC 3261 §17.1.1.2) leaves D at its absolute minimum.
  assert.equal(transactionTimers(false, { T1: 100, T2: 4000 }).D, 32_000);
  assert.equal(transactionTimers(false, { T1: 100, T2: 4000 }).B, 6400);
});

test('timers - invalid configurations are refused', () => {
  assert.throws(() => resolveTimerConfig({ T1: 0 }), RangeError);
  assert.throws(() => resolveTimerConfig({ T4: -1 }), RangeError);
  assert.throws(() => resolveTimerConfig({ T1: Number.NaN }), RangeError);
  assert.throws(() => resolveTimerConfig({ T1: 5000, T2: 4000 }), RangeError);
});

test('timers - Timer A doubles without cap, E and G cap at T2', () => {
  const a: number[] = [500];
  for (let i = 0; i < 6; i++) a.push(nextInviteRetransmitInterval(a[a.length - 1] ?? 0));
  assert.deepEqual(a, [500, 1000, 2000, 4000, 8000, 16_000, 32_000]);
  const e: number[] = [500];
  for (let i = 0; i < 5; i++) e.push(nextCappedRetransmitInterval(e[e.length - 1] ?? 0, 4000));
  // RFC 3261 §17.1.2.2: "intervals of 500 ms, 1 s, 2 s, 4 s, 4 s, 4 s, etc."
  assert.deepEqual(e, [500, 1000, 2000, 4000, 4000, 4000]);
});
