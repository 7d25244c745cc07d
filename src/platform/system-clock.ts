import type { Clock } from '../core/clock.ts';

/** The wall clock. Built only by composition roots and handed on as a Clock. */
export const systemClock: Clock = { now: () => new Date() };
