// Durable timers, one named store per pipeline: set, cancel, and take the ones that are due.
// Kept as [due, id] -> payload for due-order scans plus id -> due for cancelling by id. The
// earliest timers (up to HEAD_SIZE) are also held in memory, so that asking "anything due?" per
// event costs no read and taking what is due costs no cursor: a range scan cost about 30 µs
// through lmdb-js, and watermark-driven stores take a few timers thousands of times.
// The store does not know which clock `due` is on: `operators/dueTimers` fires them on the
// event-time watermark, `operators/dueByClock` on processing time. Either way a timer is taken
// out in the transaction that acts on it, so it fires once, and late (once) after downtime.

import type { Database } from 'lmdb';
import type { StateStore, WriteBehind } from './stateStore.js';

export interface Timer<P> {
  id: string;
  due: number;
  payload: P;
}

type DueKey = [number, string];

/** Timers read into the head at once. */
const HEAD_SIZE = 64;

export class TimerStore<P> implements WriteBehind {
  private readonly byDue: Database<P, DueKey>;
  private readonly dueById: Database<number, string>;
  /**
   * The earliest timers in due order, or undefined until read. Every timer outside it is due no
   * earlier than its last one; `headIsAll` when no timer is outside it.
   */
  private head: Timer<P>[] | undefined;
  private headIsAll = false;

  constructor(
    private readonly store: StateStore,
    readonly name: string,
  ) {
    this.byDue = store.database<DueKey, P>(`timers:${name}`);
    this.dueById = store.database<string, number>(`timer-index:${name}`);
  }

  /** Sets (or moves) the timer `id` to fire at `due`. Call inside the batch transaction. */
  set(id: string, due: number, payload: P): void {
    this.store.writeBehind(this);
    // Read before writing: a head read after the put would hold the new timer already.
    this.readHead();
    const previous = this.dueById.get(id);
    if (previous !== undefined) {
      this.byDue.removeSync([previous, id]);
      this.dropFromHead(id);
    }
    this.byDue.putSync([due, id], payload);
    this.dueById.putSync(id, due);
    const head = this.head;
    // Dropped for emptiness just now: it is read again from disk, this timer included, when asked.
    if (head === undefined) return;
    const last = head[head.length - 1];
    if (this.headIsAll || due < last.due) this.insertIntoHead({ id, due, payload });
  }

  /** Cancels the timer `id`; true if there was one. */
  cancel(id: string): boolean {
    const due = this.dueById.get(id);
    if (due === undefined) return false;
    this.store.writeBehind(this);
    this.byDue.removeSync([due, id]);
    this.dueById.removeSync(id);
    this.dropFromHead(id);
    return true;
  }

  get(id: string): Timer<P> | undefined {
    const due = this.dueById.get(id);
    if (due === undefined) return undefined;
    return { id, due, payload: this.byDue.get([due, id]) as P };
  }

  /** True when some timer is due at `time`; no read unless the head must be read again. */
  hasDue(time: number): boolean {
    const first = this.readHead()[0];
    return first !== undefined && first.due <= time;
  }

  /** Removes and returns every timer due at or before `time`, earliest first. */
  takeDue(time: number): Timer<P>[] {
    const due: Timer<P>[] = [];
    for (;;) {
      const head = this.readHead();
      let taken = 0;
      while (taken < head.length && head[taken].due <= time) taken++;
      if (taken === 0) return due;
      this.store.writeBehind(this);
      for (const timer of head.splice(0, taken)) {
        this.byDue.removeSync([timer.due, timer.id]);
        this.dueById.removeSync(timer.id);
        due.push(timer);
      }
      // A timer left in the head is later than `time`, and so is every timer outside it.
      if (head.length > 0 || this.headIsAll) return due;
      this.head = undefined;
    }
  }

  /** Nothing of the head is held back: the timers are written as they change. */
  flush(): void {}

  /** The transaction failed: the head may hold what it undid, so it is read again. */
  rollback(): void {
    this.head = undefined;
  }

  private readHead(): Timer<P>[] {
    if (this.head === undefined) {
      const head: Timer<P>[] = [];
      for (const { key, value } of this.byDue.getRange({ limit: HEAD_SIZE })) head.push({ id: key[1], due: key[0], payload: value });
      this.head = head;
      this.headIsAll = head.length < HEAD_SIZE;
    }
    return this.head;
  }

  private insertIntoHead(timer: Timer<P>): void {
    const head = this.head!;
    let at = head.length;
    // In key order, [due, id], as they are on disk: timers due together fire in the same order
    // whether the head was read from disk or built here (results must not depend on that).
    while (at > 0 && (head[at - 1].due > timer.due || (head[at - 1].due === timer.due && head[at - 1].id > timer.id))) at--;
    head.splice(at, 0, timer);
    if (head.length > 2 * HEAD_SIZE) {
      // Keep it short: what goes is due no earlier than what stays, and is still on disk.
      head.length = HEAD_SIZE;
      this.headIsAll = false;
    }
  }

  private dropFromHead(id: string): void {
    const head = this.head;
    if (head === undefined) return;
    const at = head.findIndex((timer) => timer.id === id);
    if (at < 0) return;
    head.splice(at, 1);
    // An emptied head may no longer be ahead of every timer on disk: read it again when asked.
    if (head.length === 0 && !this.headIsAll) this.head = undefined;
  }

  pending(): number {
    return this.dueById.getCount();
  }

  /** Ids of the pending timers, e.g. to rebuild an in-memory "has a timer?" set after a restart. */
  *ids(): Iterable<string> {
    yield* this.dueById.getKeys();
  }
}
