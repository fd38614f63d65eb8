// A durable queue between the decision and the delivery: entries are added inside the batch
// transaction (so they exist exactly when the batch's effects do) and removed only after a
// sink acknowledged them. Keys are a monotonic sequence, so delivery follows decision order.

import type { Database } from 'lmdb';
import type { StateStore } from './stateStore.js';

export interface OutboxEntry<T> {
  seq: number;
  value: T;
}

export class Outbox<T> {
  private readonly db: Database<T, number>;
  private nextSeq: number;
  private committedDepth: number;

  constructor(
    store: StateStore,
    readonly name: string,
  ) {
    this.db = store.database<number, T>(name);
    let last = -1;
    for (const key of this.db.getKeys({ reverse: true, limit: 1 })) last = key;
    this.nextSeq = last + 1;
    this.committedDepth = this.db.getCount();
  }

  /**
   * Appends inside the caller's transaction. The caller reports the commit with `committed(n)`;
   * a rolled-back append only wastes sequence numbers.
   */
  add(value: T): number {
    const seq = this.nextSeq++;
    this.db.putSync(seq, value);
    return seq;
  }

  /** Tells the outbox that `count` appends were committed (for the depth gauge and backpressure). */
  committed(count: number): void {
    this.committedDepth += count;
  }

  /** Oldest entries first. */
  peek(limit: number): OutboxEntry<T>[] {
    return [...this.db.getRange({ limit })].map(({ key, value }) => ({ seq: key, value }));
  }

  /** Removes acknowledged entries in one asynchronous transaction. */
  async remove(seqs: number[]): Promise<void> {
    await this.db.transaction(() => {
      for (const seq of seqs) this.db.removeSync(seq);
    });
    this.committedDepth -= seqs.length;
  }

  /** Entries waiting, as known to this process. */
  depth(): number {
    return this.committedDepth;
  }
}
