// Public surface of @simple/clock: the injectable time source behind every timer.
export type { Clock, ClockTimer } from './clock.js';
export { systemClock } from './system-clock.js';
export { FakeClock } from './fake-clock.js';
