import type { OperatorFunction } from 'rxjs';
import type { WindowState, WindowStore } from '../state/windowStore.js';
import {
  CloseQueue,
  eventTimeWindow,
  type WindowAggregate,
  type WindowLayout,
  type WindowOptions,
  type WindowResult,
} from './eventTimeWindow.js';

export interface SlidingWindowOptions<T, A> extends WindowOptions<T, A> {
  sizeMs: number;
  aggregate: WindowAggregate<T, A> & { merge(a: A, b: A): A };
}

/**
 * Aggregates, for each event, its key's events of the `sizeMs` that end with it: the window
 * `(t - size, t]` of an event at `t` (emitted as `[t - size + 1, t + 1)`). Unlike hopping windows,
 * the windows follow the data instead of a grid, so "3 carts within 10 minutes" is seen whenever
 * it happens. By default a window is emitted once the watermark passes its end plus the grace
 * period, with the late events that arrived within the grace; an event whose own window already
 * closed goes to `lateEvents` and is counted. With `emit: 'update'`, every window an event
 * changes is emitted at once.
 *
 * "How many carts did this user make in the 10 minutes up to now?"
 *
 * @example
 * events$.pipe(
 *   ofBehavior('add_to_cart'),
 *   slidingWindow({ store: WindowStore.open(state, 'carts-10m'), sizeMs: 600_000, key: (e) => e.userId,
 *     aggregate: { init: () => 0, add: (n) => n + 1, merge: (a, b) => a + b }, watermark$, batchEnd$ }),
 *   filter(({ value }) => value >= 3),
 * ).subscribe(({ key }) => console.log(key, 'is filling a cart fast'));
 * @see hoppingWindow
 */
export function slidingWindow<T extends { time: number }, A>(options: SlidingWindowOptions<T, A>): OperatorFunction<T, WindowResult<A>> {
  if (!(options.sizeMs > 0)) throw new RangeError(`${options.store.name}: sizeMs must be positive, got ${options.sizeMs}`);
  return eventTimeWindow(options, (store) => slidingWindows(store, options));
}

/**
 * The store keeps one bucket per key and distinct event time (the events at that instant); a
 * window is the merge of its key's buckets in range. A window closes at its end plus the grace,
 * and a bucket is dropped once no open or future window can cover it.
 */
function slidingWindows<T extends { time: number }, A>(
  store: WindowStore<A>,
  { sizeMs, graceMs = 0, aggregate }: SlidingWindowOptions<T, A>,
): WindowLayout<T, A> {
  const closing = new CloseQueue();
  const expiring = new CloseQueue();
  const closesAt = (time: number) => time + 1 + graceMs;
  const track = (key: string, time: number, watermark: number) => {
    if (closesAt(time) > watermark) closing.push(closesAt(time), key, time);
    expiring.push(time + sizeMs + graceMs, key, time);
  };
  for (const bucket of store.values()) track(bucket.key, bucket.start, store.watermark);

  const windowEndingAt = (key: string, time: number): WindowState<A> => {
    let value = aggregate.init();
    for (const bucket of store.windowsOf(key)) {
      if (bucket.start > time - sizeMs && bucket.start <= time) value = aggregate.merge(value, bucket.value);
    }
    return { key, start: time - sizeMs + 1, end: time + 1, value, closed: false };
  };

  return {
    add(event, key, watermark, updated) {
      const time = event.time;
      if (closesAt(time) <= watermark) return false;
      const bucket = store.get(key, time);
      if (bucket === undefined) {
        store.set({ key, start: time, end: time + 1, value: aggregate.add(aggregate.init(), event), closed: false });
        track(key, time, watermark);
      } else {
        bucket.value = aggregate.add(bucket.value, event);
        store.touch(bucket);
      }
      if (updated !== undefined) {
        for (const later of store.windowsOf(key)) {
          if (later.start >= time && later.start < time + sizeMs) updated(windowEndingAt(key, later.start));
        }
      }
      return true;
    },

    close(watermark, closed) {
      for (let due = closing.popDue(watermark); due !== undefined; due = closing.popDue(watermark)) {
        closed(windowEndingAt(due.key, due.start));
      }
      for (let due = expiring.popDue(watermark); due !== undefined; due = expiring.popDue(watermark)) {
        store.delete(due.key, due.start);
      }
    },
  };
}
