// StateStore.writeBehind: what a store module holds in memory during a transaction is written at
// its end, inside it, so it commits with the transaction's other writes or not at all; a failed
// transaction rolls the module back.

import { describe, expect, it } from 'vitest';
import { ExperimentStats } from '../../state/experimentStats.js';
import { StateStore, type WriteBehind } from '../../state/stateStore.js';
import { useTempStateStore } from '../support/tempStateStore.js';

/** A counter kept in memory and written back at the end of each transaction that changed it. */
class Counter {
  private readonly db;
  value: number;
  flushes = 0;
  private readonly writeBehind: WriteBehind = {
    flush: () => {
      this.flushes++;
      this.db.putSync('n', this.value);
    },
    rollback: () => {
      this.value = this.db.get('n') ?? 0;
    },
  };

  constructor(private readonly store: StateStore) {
    this.db = store.database<string, number>('test:counter');
    this.value = this.db.get('n') ?? 0;
  }

  add(delta: number): void {
    this.store.writeBehind(this.writeBehind);
    this.value += delta;
  }
}

describe('StateStore.writeBehind', () => {
  const temp = useTempStateStore('writebehind', { flushEachCommit: false });

  it('writes what was held at the end of the transaction, once, also when transactions nest', async () => {
    let store = temp.store;
    const counter = new Counter(store);
    store.transaction(() => {
      counter.add(2);
      store.transaction(() => counter.add(3));
      expect(counter.flushes).toBe(0);
    });
    expect(counter.flushes).toBe(1);
    store = await temp.reopen();
    expect(new Counter(store).value).toBe(5);
  });

  it('commits nothing of a failed transaction, its direct writes nor what it held, and rolls the module back', async () => {
    let store = temp.store;
    const counter = new Counter(store);
    const other = store.database<string, string>('test:other');
    store.transaction(() => counter.add(1));
    expect(() =>
      store.transaction(() => {
        counter.add(10);
        other.putSync('k', 'written');
        throw new Error('crash before the end of the batch');
      }),
    ).toThrow('crash before');
    expect(counter.value).toBe(1);
    expect(other.get('k')).toBeUndefined();
    // A flush that fails fails the transaction too.
    const failing: WriteBehind = { flush: () => { throw new Error('flush failed'); }, rollback: () => {} };
    store.writeBehind(failing);
    expect(() => store.transaction(() => counter.add(100))).toThrow('flush failed');
    expect(counter.value).toBe(1);
    store = await temp.reopen();
    expect(new Counter(store).value).toBe(1);
    expect(store.database<string, string>('test:other').get('k')).toBeUndefined();
  });

  it("keeps an experiment's arm counts and exposures as LMDB has them when a transaction fails", async () => {
    let store = temp.store;
    const stats = new ExperimentStats(store);
    store.transaction(() => {
      stats.add('e', 'a', { sent: 1 });
      stats.setExposure('e', 'u1', { arm: 'a', exposedAt: 1 });
    });
    expect(() =>
      store.transaction(() => {
        stats.add('e', 'a', { sent: 5 });
        stats.setExposure('e', 'u2', { arm: 'a', exposedAt: 2 });
        throw new Error('crash');
      }),
    ).toThrow('crash');
    expect(stats.counts('e', 'a').sent).toBe(1);
    expect(stats.exposure('e', 'u1')).toEqual({ arm: 'a', exposedAt: 1 });
    expect(stats.exposure('e', 'u2')).toBeUndefined();
    store = await temp.reopen();
    const reopened = new ExperimentStats(store);
    expect(reopened.counts('e', 'a').sent).toBe(1);
    expect(reopened.exposure('e', 'u2')).toBeUndefined();
  });
});
