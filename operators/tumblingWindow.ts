import type { OperatorFunction } from 'rxjs';
import type { WindowOptions, WindowResult } from './eventTimeWindow.js';
import { hoppingWindow } from './hoppingWindow.js';

export interface TumblingWindowOptions<T, A> extends WindowOptions<T, A> {
  sizeMs: number;
  /** Shifts the window boundaries from the epoch, e.g. to midnight in a time zone (default 0). */
  offsetMs?: number;
  /** How long after its end a closed window stays in the store for queries (default: until it closes). */
  retentionMs?: number;
}

/**
 * Aggregates each key's events in back-to-back, non-overlapping event-time windows of `sizeMs`
 * (aligned to the epoch plus `offsetMs`). By default each window is emitted once, when the
 * watermark passes its end plus the grace period; an event arriving after its window closed goes
 * to `lateEvents` and is counted, never merged into a window already emitted.
 *
 * "Purchases per user per hour."
 *
 * @example
 * events$.pipe(
 *   tumblingWindow({ store: WindowStore.open(state, 'buys-hourly'), sizeMs: 3_600_000, graceMs: 300_000,
 *     key: (e) => e.userId, aggregate: { init: () => 0, add: (n) => n + 1 }, watermark$, batchEnd$ }),
 * ).subscribe(({ key, start, value }) => console.log(key, new Date(start), value));
 * @see hoppingWindow
 * @see sessionWindow
 */
export function tumblingWindow<T extends { time: number }, A>(options: TumblingWindowOptions<T, A>): OperatorFunction<T, WindowResult<A>> {
  return hoppingWindow({ ...options, advanceMs: options.sizeMs });
}
