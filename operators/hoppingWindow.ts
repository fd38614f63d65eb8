import type { OperatorFunction } from 'rxjs';
import type { WindowStore } from '../state/windowStore.js';
import { eventTimeWindow, type WindowLayout, type WindowOptions, type WindowResult } from './eventTimeWindow.js';

export interface HoppingWindowOptions<T, A> extends WindowOptions<T, A> {
  sizeMs: number;
  /** Distance between the starts of consecutive windows; at most `sizeMs`. */
  advanceMs: number;
  /** Shifts the window boundaries from the epoch, e.g. to midnight in a time zone (default 0). */
  offsetMs?: number;
  /** How long after its end a closed window stays in the store for queries (default: until it closes). */
  retentionMs?: number;
}

/**
 * Aggregates each key's events in overlapping event-time windows of `sizeMs` that start every
 * `advanceMs` (aligned to the epoch plus `offsetMs`); an event counts in every window that
 * covers it. By default each window is emitted once, when the watermark passes its end plus the
 * grace period; an event arriving after one of its windows closed goes to `lateEvents`.
 *
 * "Views per user over the last 10 minutes, every minute."
 *
 * @example
 * events$.pipe(
 *   hoppingWindow({ store: WindowStore.open(state, 'views-10m'), sizeMs: 600_000, advanceMs: 60_000,
 *     key: (e) => e.userId, aggregate: { init: () => 0, add: (n) => n + 1 }, watermark$, batchEnd$ }),
 * ).subscribe(({ key, start, value }) => console.log(key, new Date(start), value));
 * @see tumblingWindow
 * @see slidingWindow
 * @see sessionWindow
 */
export function hoppingWindow<T extends { time: number }, A>(options: HoppingWindowOptions<T, A>): OperatorFunction<T, WindowResult<A>> {
  const { sizeMs, advanceMs } = options;
  if (!(sizeMs > 0) || !(advanceMs > 0) || advanceMs > sizeMs) {
    throw new RangeError(`${options.store.name}: need 0 < advanceMs <= sizeMs, got size ${sizeMs} and advance ${advanceMs}`);
  }
  return eventTimeWindow(options, (store) => alignedWindows(store, options));
}

/** Windows on a fixed grid: all windows of one start close together, so they are indexed by start. */
function alignedWindows<T extends { time: number }, A>(
  store: WindowStore<A>,
  { sizeMs, advanceMs, offsetMs = 0, graceMs = 0, retentionMs = 0, aggregate }: HoppingWindowOptions<T, A>,
): WindowLayout<T, A> {
  const open = new StartIndex();
  const retained = new StartIndex();
  const keepFor = Math.max(graceMs, retentionMs);
  for (const window of store.values()) (window.closed ? retained : open).add(window.start, window.key);

  return {
    add(event, key, watermark, updated) {
      const time = event.time;
      let onTime = true;
      const latestStart = Math.floor((time - offsetMs) / advanceMs) * advanceMs + offsetMs;
      for (let start = latestStart; start > time - sizeMs; start -= advanceMs) {
        if (start + sizeMs + graceMs <= watermark) {
          onTime = false;
          continue;
        }
        let window = store.get(key, start);
        if (window === undefined) {
          window = { key, start, end: start + sizeMs, value: aggregate.add(aggregate.init(), event), closed: false };
          store.set(window);
          open.add(start, key);
        } else {
          window.value = aggregate.add(window.value, event);
          store.touch(window);
        }
        updated?.(window);
      }
      return onTime;
    },

    close(watermark, closed) {
      open.takeUpTo(watermark - sizeMs - graceMs, (start, key) => {
        const window = store.get(key, start);
        if (window === undefined) return;
        closed(window);
        if (keepFor > graceMs) {
          window.closed = true;
          store.touch(window);
          retained.add(start, key);
        } else store.delete(key, start);
      });
      retained.takeUpTo(watermark - sizeMs - keepFor, (start, key) => store.delete(key, start));
    },
  };
}

/** Keys by window start, starts in order. */
class StartIndex {
  private readonly keysByStart = new Map<number, string[]>();
  private readonly starts: number[] = [];

  add(start: number, key: string): void {
    const keys = this.keysByStart.get(start);
    if (keys !== undefined) return void keys.push(key);
    this.keysByStart.set(start, [key]);
    let at = this.starts.length;
    while (at > 0 && this.starts[at - 1] > start) at--;
    this.starts.splice(at, 0, start);
  }

  /** Removes every start up to `last` (inclusive), calling `each` for its keys in order. */
  takeUpTo(last: number, each: (start: number, key: string) => void): void {
    while (this.starts.length > 0 && this.starts[0] <= last) {
      const start = this.starts.shift()!;
      const keys = this.keysByStart.get(start)!;
      this.keysByStart.delete(start);
      for (const key of keys) each(start, key);
    }
  }
}
