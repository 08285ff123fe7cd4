/** Wall-clock time in ms since the epoch; injectable so that tests drive expiry. */
export interface WallClock {
  now(): number;
}

export const systemWallClock: WallClock = { now: () => Date.now() };
