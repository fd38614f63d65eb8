import { defer, type OperatorFunction } from 'rxjs';
import type { TimerStore } from '../state/timerStore.js';
import { fanOut } from './fanOut.js';

export interface EveryPeriodOptions {
  /** Period boundaries are the multiples of `periodMs` (plus `offsetMs`) since the epoch. */
  periodMs: number;
  offsetMs?: number;
  /** After a gap (downtime, a jump in the data), at most this many missed boundaries are emitted, the latest ones. */
  maxCatchUp?: number;
}

const NEXT = 'next';
const NONE: number[] = [];

/**
 * A durable recurring event-time timer: turns watermark advances into the period boundaries
 * they pass (e.g. every UTC midnight), each emitted once, in order.
 *
 * The next boundary is a timer in `timers` (a store of its own), committed with the batch: a
 * restart neither repeats nor skips a boundary, and boundaries missed during downtime are
 * emitted late, once each, up to `maxCatchUp`. The first boundary is the first one after the
 * watermark at the first emission.
 *
 * @example
 * watermark$.pipe(everyPeriod(timers('digest-days'), { periodMs: DAY_MS })).subscribe((midnight) => planDay(midnight));
 * @see dueTimers
 */
export function everyPeriod(timers: TimerStore<null>, options: EveryPeriodOptions): OperatorFunction<number, number> {
  const { periodMs } = options;
  const offsetMs = options.offsetMs ?? 0;
  const maxCatchUp = options.maxCatchUp ?? 1;
  const boundaryAfter = (time: number) => Math.floor((time - offsetMs) / periodMs) * periodMs + offsetMs + periodMs;
  return (watermark$) =>
    defer(() => {
      let armed = false;
      return watermark$.pipe(
        fanOut((watermark: number) => {
          if (!armed) {
            armed = true;
            if (timers.get(NEXT) === undefined) timers.set(NEXT, boundaryAfter(watermark), null);
          }
          if (!timers.hasDue(watermark)) return NONE;
          const boundaries: number[] = [];
          const oldestKept = boundaryAfter(watermark) - maxCatchUp * periodMs;
          for (const { due } of timers.takeDue(watermark)) {
            const first = due >= oldestKept ? due : due + Math.ceil((oldestKept - due) / periodMs) * periodMs;
            for (let boundary = first; boundary <= watermark; boundary += periodMs) boundaries.push(boundary);
          }
          timers.set(NEXT, boundaryAfter(watermark), null);
          return boundaries;
        }),
      );
    });
}
