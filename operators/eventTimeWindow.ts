// What the window operators share: the options and results they speak, and the engine that
// drives a window layout (tumbling/hopping, sliding, session) from events and watermarks: late
// events to the side output, windows closed when the watermark passes their end plus the grace
// period, emission on close or on every update, and the write-back of the state at batch end.

import { Observable, type Observer, type OperatorFunction, Subscription } from 'rxjs';
import type { WindowState, WindowStore } from '../state/windowStore.js';

/** How a window folds its events; the accumulator must be plain data (it is stored as msgpack). */
export interface WindowAggregate<T, A> {
  /** What an empty window holds. */
  init(): A;
  /** Adds an event; may update `accumulator` in place and return it. */
  add(accumulator: A, event: T): A;
  /** Combines two accumulators; sliding and session windows need it. */
  merge?(a: A, b: A): A;
  /** A copy that later updates will not touch; defaults to `structuredClone`. */
  copy?(accumulator: A): A;
}

/** A window's aggregate as emitted: `[start, end)` in event time, for one key. */
export interface WindowResult<A> {
  /** The operator's store name, so that merged outputs stay attributable. */
  window: string;
  key: string;
  start: number;
  end: number;
  value: A;
}

/** Hooks for Prometheus (or anything else); labels are window names, a small fixed set. */
export interface WindowMetrics {
  lateEvent(window: string): void;
  stateSize(window: string, entries: number): void;
}

export interface WindowOptions<T, A> {
  /** The operator's durable state; its name names the window in results and metrics. */
  store: WindowStore<A>;
  key: (event: T) => string;
  aggregate: WindowAggregate<T, A>;
  /** The stream's watermark; windows close when it reaches their end plus the grace. */
  watermark$: Observable<number>;
  /** End of each batch, inside its transaction: the state is written back then. */
  batchEnd$: Observable<unknown>;
  /** How long after its end a window still accepts late events (default 0). */
  graceMs?: number;
  /** `close` (default): one final result per window. `update`: a result after every change, none at close. */
  emit?: 'close' | 'update';
  /** Side output for events that arrived after their window closed (they are also counted). */
  lateEvents?: Partial<Observer<T>>;
  metrics?: WindowMetrics;
}

/** The part that differs between window kinds: where an event goes and when windows close. */
export interface WindowLayout<T, A> {
  /**
   * Adds the event to its open windows, calling `updated` for each changed window when given.
   * Returns false when the event is late for (some of) its windows.
   */
  add(event: T, key: string, watermark: number, updated?: (window: WindowState<A>) => void): boolean;
  /** Removes and reports the windows that the watermark closed, in order of closing. */
  close(watermark: number, closed: (window: WindowState<A>) => void): void;
}

/**
 * Drives a window layout as an operator. Each subscription builds the layout over the store's
 * live windows, so a restarted or rebuilt graph carries on where the last one stopped.
 */
export function eventTimeWindow<T extends { time: number }, A>(
  options: WindowOptions<T, A>,
  layout: (store: WindowStore<A>) => WindowLayout<T, A>,
): OperatorFunction<T, WindowResult<A>> {
  const { store, aggregate, metrics } = options;
  const window = store.name;
  const copy = aggregate.copy ?? structuredClone;
  return (source) =>
    new Observable<WindowResult<A>>((subscriber) => {
      const windows = layout(store);
      let watermark = store.watermark;
      const closed = (state: WindowState<A>) => subscriber.next({ window, key: state.key, start: state.start, end: state.end, value: state.value });
      const updated =
        options.emit === 'update'
          ? (state: WindowState<A>) => subscriber.next({ window, key: state.key, start: state.start, end: state.end, value: copy(state.value) })
          : undefined;
      const onClosed = options.emit === 'update' ? () => undefined : closed;
      const fail = (error: unknown) => subscriber.error(error);

      const subscription = new Subscription();
      subscription.add(
        options.watermark$.subscribe({
          next: (next) => {
            if (next <= watermark) return;
            watermark = next;
            store.watermark = next;
            windows.close(next, onClosed);
          },
          error: fail,
        }),
      );
      subscription.add(
        options.batchEnd$.subscribe({
          next: () => {
            store.flush();
            metrics?.stateSize(window, store.size);
          },
          error: fail,
        }),
      );
      subscription.add(
        source.subscribe({
          next: (event) => {
            if (windows.add(event, options.key(event), watermark, updated)) return;
            store.countLateEvent();
            metrics?.lateEvent(window);
            options.lateEvents?.next?.(event);
          },
          error: fail,
          complete: () => subscriber.complete(),
        }),
      );
      return subscription;
    });
}

interface Due {
  at: number;
  key: string;
  start: number;
}

/** Ties close in start then key order, so that the order survives a restart. */
const before = (a: Due, b: Due) => a.at < b.at || (a.at === b.at && (a.start < b.start || (a.start === b.start && a.key < b.key)));

/**
 * Windows ordered by the event time they close at (a binary min-heap), for layouts whose
 * windows do not close in a fixed rhythm. Entries may go stale (a session grew); the layout
 * checks each against the store when it comes due.
 */
export class CloseQueue {
  private readonly heap: Due[] = [];

  get size(): number {
    return this.heap.length;
  }

  push(at: number, key: string, start: number): void {
    const heap = this.heap;
    heap.push({ at, key, start });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i], heap[parent])) break;
      [heap[parent], heap[i]] = [heap[i], heap[parent]];
      i = parent;
    }
  }

  /** Removes and returns the earliest entry due at or before `time`. */
  popDue(time: number): Due | undefined {
    const heap = this.heap;
    if (heap.length === 0 || heap[0].at > time) return undefined;
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < heap.length && before(heap[left], heap[smallest])) smallest = left;
        if (right < heap.length && before(heap[right], heap[smallest])) smallest = right;
        if (smallest === i) break;
        [heap[smallest], heap[i]] = [heap[i], heap[smallest]];
        i = smallest;
      }
    }
    return top;
  }
}
