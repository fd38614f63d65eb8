import type { OperatorFunction } from 'rxjs';
import type { Clock } from '../src/runtime/clock.js';
import type { Timer, TimerStore } from '../state/timerStore.js';
import { fanOut } from './fanOut.js';

const NONE: never[] = [];

/**
 * Processing-time timers: on each occasion (any emission of the source: events, watermark
 * advances, idle ticks), emits the timers of `timers` whose due time the clock has passed,
 * earliest first, taking each out of the store as it is emitted.
 *
 * Timers live in LMDB and are taken inside the batch transaction, so a timer fires once; one
 * that fell due while the process was down fires late, once, on the first occasion after the
 * restart. Between occasions nothing fires: on a silent stream the idle watermark's advances
 * are the occasions, so a timer may fire up to `time.idleTimeoutMs` late.
 *
 * @example
 * merge(events$, watermark$).pipe(dueByClock(campaignStarts, clock)).subscribe((timer) => start(timer.payload));
 * @see dueTimers for event-time timers
 */
export function dueByClock<P>(timers: TimerStore<P>, clock: Clock): OperatorFunction<unknown, Timer<P>> {
  return fanOut(() => {
    const now = clock.now();
    return timers.hasDue(now) ? timers.takeDue(now) : NONE;
  });
}
