import type { OperatorFunction } from 'rxjs';
import type { Timer, TimerStore } from '../state/timerStore.js';
import { fanOut } from './fanOut.js';

const NONE: never[] = [];

/**
 * Turns watermark advances into the timers of `timers` that became due, earliest first; each
 * timer is taken out of the store as it is emitted, so it fires once.
 *
 * Event-time timers fire on the watermark, not on the clock: a replay fires them exactly as a
 * live run did, and a late-arriving cancel within the out-of-orderness bound still wins.
 *
 * @example
 * watermark$.pipe(dueTimers(carts)).subscribe((timer) => notify(timer.payload));
 * @see TimerStore
 */
export function dueTimers<P>(timers: TimerStore<P>): OperatorFunction<number, Timer<P>> {
  return fanOut((watermark) => (timers.hasDue(watermark) ? timers.takeDue(watermark) : NONE));
}
