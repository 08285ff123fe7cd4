import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, TimerSet } from '../src/index.js';

test('TimerSet - restarting a name replaces the pending timer; stopAll clears all', () => {
  const clock = new FakeClock();
  const timers = new TimerSet<'x' | 'y'>(clock);
  const fired: string[] = [];
  timers.start('x', 100, () => fired.push('x1'));
  timers.start('x', 200, () => fired.push('x2'));
  timers.start('y', 50, () => fired.push('y'));
  assert.equal(timers.running('x'), true);
  clock.advance(150);
  assert.deepEqual(fired, ['y']);
  assert.equal(timers.running('y'), false);
  timers.stopAll();
  clock.advance(1000);
  assert.deepEqual(fired, ['y']);
  assert.equal(clock.pending, 0);
});
