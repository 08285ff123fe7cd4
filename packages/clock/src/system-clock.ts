import type { Clock } from './clock.js';

/**
 * The real clock: `Date.now()` and Node's timers, unref'ed so that pending
 * timers never keep the process alive on their own.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => {
    const t = setTimeout(callback, ms);
    t.unref();
    return t;
  },
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout),
};
