// A set of ids that forgets them after a time-to-live, measured in event time.
// Keys are [generation, id] with generation = floor(time / ttl): a member is found with one
// lookup (a repeat carries the same time as the original), and expiry drops whole old
// generations, so each id lives between one and two TTLs past its own time.

import type { Database } from 'lmdb';
import type { StateStore } from './stateStore.js';

type Key = [number, string];

export class ExpiringIdSet {
  private readonly db: Database<number, Key>;
  private expiredBelow = -Infinity;

  constructor(
    store: StateStore,
    readonly name: string,
    private readonly ttlMs: number,
  ) {
    this.db = store.database<Key, number>(name);
  }

  private generation(time: number): number {
    return Math.floor(time / this.ttlMs);
  }

  has(id: string, time: number): boolean {
    return this.db.doesExist([this.generation(time), id]);
  }

  /** Adds the id; call inside the batch transaction. */
  add(id: string, time: number): void {
    this.db.putSync([this.generation(time), id], time);
  }

  /**
   * Forgets ids of generations older than the one before `streamTime`'s. Cheap when nothing
   * is due: it only scans when the generation boundary moved.
   */
  expire(streamTime: number): number {
    const keepFrom = this.generation(streamTime) - 1;
    if (keepFrom <= this.expiredBelow) return 0;
    let removed = 0;
    for (const key of this.db.getKeys({ end: [keepFrom] })) {
      this.db.removeSync(key);
      removed++;
    }
    this.expiredBelow = keepFrom;
    return removed;
  }

  count(): number {
    return this.db.getCount();
  }
}
