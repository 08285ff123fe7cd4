import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, systemClock } from '../src/index.js';

test('FakeClock - advance fires due timers in due order, ties in set order', () => {
  const clock = new FakeClock();
  const fired: string[] = [];
  clock.setTimeout(() => fired.push(`b@${clock.now()}`), 200);
  clock.setTimeout(() => fired.push(`a@${clock.now()}`), 100);
  clock.setTimeout(() => fired.push(`c@${clock.now()}`), 200);
  clock.advance(150);
  assert.deepEqual(fired, ['a@100']);
  assert.equal(clock.now(), 150);
  clock.advance(50);
  assert.deepEqual(fired, ['a@100', 'b@200', 'c@200']);
  assert.equal(clock.pending, 0);
});

test('FakeClock - cleared timers never fire', () => {
  const clock = new FakeClock();
  let fired = false;
  const t = clock.setTimeout(() => (fired = true), 10);
  clock.clearTimeout(t);
  clock.clearTimeout(t);
  clock.clearTimeout(undefined);
  clock.advance(100);
  assert.equal(fired, false);
});

test('FakeClock - timers set by a callback fire within the same advance when due', () => {
  const clock = new FakeClock(1000);
  const fired: number[] = [];
  clock.setTimeout(() => {
    fired.push(clock.now());
    clock.setTimeout(() => fired.push(clock.now()), 30);
    clock.setTimeout(() => fired.push(clock.now()), 0);
  }, 50);
  clock.advance(100);
  assert.deepEqual(fired, [1050, 1050, 1080]);
  assert.equal(clock.now(), 1100);
});

test('FakeClock - advance(0) fires zero-delay timers; negative advance is refused', () => {
  const clock = new FakeClock();
  let fired = 0;
  clock.setTimeout(() => fired++, 0);
  clock.setTimeout(() => fired++, -5);
  assert.equal(fired, 0);
  clock.advance(0);
  assert.equal(fired, 2);
  assert.throws(() => clock.advance(-1), RangeError);
});

test('FakeClock - runAll drains timers and nextDue reports the earliest', () => {
  const clock = new FakeClock();
  clock.setTimeout(() => undefined, 300);
  clock.setTimeout(() => undefined, 100);
  assert.equal(clock.nextDue(), 100);
  clock.runAll();
  assert.equal(clock.now(), 300);
  assert.equal(clock.nextDue(), undefined);
  const rearm = (): void => void clock.setTimeout(rearm, 1);
  rearm();
  assert.throws(() => clock.runAll(50), /more than 50/);
});

test('systemClock - fires a real timer and can clear one', async () => {
  // systemClock's timers are unref'd (they never keep a process alive): this one keeps the
  // test's event loop running while it waits for them.
  const keepAlive = setInterval(() => undefined, 1000);
  try {
    const start = systemClock.now();
    await new Promise<void>((resolve) => systemClock.setTimeout(resolve, 5));
    assert.ok(systemClock.now() >= start);
    let fired = false;
    const t = systemClock.setTimeout(() => (fired = true), 5);
    systemClock.clearTimeout(t);
    await new Promise((resolve) => setTimeout(resolve, 15));
    assert.equal(fired, false);
  } finally {
    clearInterval(keepAlive);
  }
});
