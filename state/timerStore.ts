// Durable timers, one named store per pipeline: set, cancel, and take the ones that are due.
// Kept as [due, id] -> payload for due-order scans plus id -> due for cancelling by id; the
// earliest due time is cached so that asking "anything due?" per event costs no read.
// The store does not know which clock `due` is on: `operators/dueTimers` fires them on the
// event-time watermark, `operators/dueByClock` on processing time. Either way a timer is taken
// out in the transaction that acts on it, so it fires once, and late (once) after downtime.

import type { Database } from 'lmdb';
import type { StateStore } from './stateStore.js';

export interface Timer<P> {
  id: string;
  due: number;
  payload: P;
}

type DueKey = [number, string];

export class TimerStore<P> {
  private readonly byDue: Database<P, DueKey>;
  private readonly dueById: Database<number, string>;
  private earliestDue: number;

  constructor(
    store: StateStore,
    readonly name: string,
  ) {
    this.byDue = store.database<DueKey, P>(`timers:${name}`);
    this.dueById = store.database<string, number>(`timer-index:${name}`);
    this.earliestDue = this.readEarliestDue();
  }

  private readEarliestDue(): number {
    for (const key of this.byDue.getKeys({ limit: 1 })) return key[0];
    return Infinity;
  }

  /** Sets (or moves) the timer `id` to fire at `due`. Call inside the batch transaction. */
  set(id: string, due: number, payload: P): void {
    const previous = this.dueById.get(id);
    if (previous !== undefined) this.byDue.removeSync([previous, id]);
    this.byDue.putSync([due, id], payload);
    this.dueById.putSync(id, due);
    if (due < this.earliestDue) this.earliestDue = due;
  }

  /** Cancels the timer `id`; true if there was one. */
  cancel(id: string): boolean {
    const due = this.dueById.get(id);
    if (due === undefined) return false;
    this.byDue.removeSync([due, id]);
    this.dueById.removeSync(id);
    if (due === this.earliestDue) this.earliestDue = this.readEarliestDue();
    return true;
  }

  get(id: string): Timer<P> | undefined {
    const due = this.dueById.get(id);
    if (due === undefined) return undefined;
    return { id, due, payload: this.byDue.get([due, id]) as P };
  }

  /** True when some timer is due at `time`; no read unless one is. */
  hasDue(time: number): boolean {
    return this.earliestDue <= time;
  }

  /** Removes and returns every timer due at or before `time`, earliest first. */
  takeDue(time: number): Timer<P>[] {
    if (this.earliestDue > time) return [];
    const due: Timer<P>[] = [];
    // One scan finds the due timers and the next due time after them (a second cursor for the
    // earliest due time cost as much as the scan: this runs at most once per watermark advance).
    let next = Infinity;
    for (const { key, value } of this.byDue.getRange()) {
      if (key[0] > time) {
        next = key[0];
        break;
      }
      due.push({ id: key[1], due: key[0], payload: value });
    }
    for (const timer of due) {
      this.byDue.removeSync([timer.due, timer.id]);
      this.dueById.removeSync(timer.id);
    }
    this.earliestDue = next;
    return due;
  }

  pending(): number {
    return this.dueById.getCount();
  }

  /** Ids of the pending timers, e.g. to rebuild an in-memory "has a timer?" set after a restart. */
  *ids(): Iterable<string> {
    yield* this.dueById.getKeys();
  }
}
