// Expiry by generations, for stores whose entries live for a span of event time: keys start with
// generation = floor(time / span), and once event time moves into a new generation, every key of
// the generations before the previous one goes in one range scan. Each entry so lives between
// one and two spans past its own time, and expiry costs nothing until a boundary is crossed.

import type { Database, Key } from 'lmdb';

export class Generations {
  private expiredBelow = -Infinity;

  constructor(readonly spanMs: number) {}

  of(time: number): number {
    return Math.floor(time / this.spanMs);
  }

  /**
   * Removes the keys below `endKey(keepFrom)` from each database, keepFrom being the generation
   * before `time`'s, when that boundary moved since the last call; returns how many went. Call
   * inside the batch transaction.
   */
  expire<K extends Key>(time: number, endKey: (keepFrom: number) => K, ...databases: Database<unknown, K>[]): number {
    const keepFrom = this.of(time) - 1;
    if (!Number.isFinite(keepFrom) || keepFrom <= this.expiredBelow) return 0;
    let removed = 0;
    for (const db of databases) {
      for (const key of db.getKeys({ end: endKey(keepFrom) })) {
        db.removeSync(key);
        removed++;
      }
    }
    this.expiredBelow = keepFrom;
    return removed;
  }
}
