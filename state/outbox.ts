// A durable queue between the decision and the delivery: entries are added inside the batch
// transaction (so they exist exactly when the batch's effects do) and removed only after a
// sink acknowledged them. Keys are a monotonic sequence, so delivery follows decision order.
// The values this process committed are also kept in memory until removed: delivery usually
// reads an entry moments after it was written, and decoding it again cost as much as writing it.

import type { Database } from 'lmdb';
import type { StateStore, WriteBehind } from './stateStore.js';

export interface OutboxEntry<T> {
  seq: number;
  value: T;
}

export class Outbox<T> implements WriteBehind {
  private readonly db: Database<T, number>;
  private nextSeq: number;
  private committedDepth: number;
  /** Added in the open transaction: they join `held` on commit, or go on rollback. */
  private uncommitted: Array<[number, T]> = [];
  /** Committed values not yet removed (this process's only: after a restart they are read back). */
  private readonly held = new Map<number, T>();

  constructor(
    private readonly store: StateStore,
    readonly name: string,
  ) {
    this.db = store.database<number, T>(name);
    let last = -1;
    for (const key of this.db.getKeys({ reverse: true, limit: 1 })) last = key;
    this.nextSeq = last + 1;
    this.committedDepth = this.db.getCount();
  }

  /**
   * Appends inside the caller's transaction. The caller reports the commit with `committed()`; a
   * rollback forgets the appends (they only waste sequence numbers). The value must not be
   * changed afterwards: readers get this very object.
   */
  add(value: T): number {
    this.store.writeBehind(this);
    const seq = this.nextSeq++;
    this.db.putSync(seq, value);
    this.uncommitted.push([seq, value]);
    return seq;
  }

  /** The transaction holding the appends since the last call committed (depth gauge, backpressure). */
  committed(): void {
    for (const [seq, value] of this.uncommitted) this.held.set(seq, value);
    this.committedDepth += this.uncommitted.length;
    this.uncommitted = [];
  }

  /** Appends are written as they come. */
  flush(): void {}

  /** The transaction holding the appends since the last commit failed. */
  rollback(): void {
    this.uncommitted = [];
  }

  /** Oldest entries first. */
  peek(limit: number): OutboxEntry<T>[] {
    const entries: OutboxEntry<T>[] = [];
    for (const seq of this.db.getKeys({ limit })) {
      const value = this.held.get(seq) ?? this.db.get(seq);
      if (value !== undefined) entries.push({ seq, value });
    }
    return entries;
  }

  /** Removes acknowledged entries in one asynchronous transaction. */
  async remove(seqs: number[]): Promise<void> {
    await this.db.transaction(() => {
      for (const seq of seqs) this.db.removeSync(seq);
    });
    for (const seq of seqs) this.held.delete(seq);
    this.committedDepth -= seqs.length;
  }

  /** Entries waiting, as known to this process. */
  depth(): number {
    return this.committedDepth;
  }
}
