/** The only way code outside src/platform learns the time: it is handed a Clock. */
export interface Clock {
  now(): Date;
}

/** A clock that stands still until told to move; for tests and for replaying decisions. */
export function fixedClock(start: Date): Clock & { advance(ms: number): void; set(at: Date): void } {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    advance: (ms) => {
      current += ms;
    },
    set: (at) => {
      current = at.getTime();
    },
  };
}
