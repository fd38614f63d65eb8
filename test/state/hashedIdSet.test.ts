// The ingest loop's dedupe set on a real LMDB: ids held in memory as hashes, written one record per
// transaction at its end, forgotten when it fails, read back on open, expired by whole generations.

import { describe, expect, it } from 'vitest';
import { ExpiringIdSet } from '../../state/expiringIdSet.js';
import { HashedIdSet } from '../../state/hashedIdSet.js';
import { useTempStateStore } from '../support/tempStateStore.js';

const TTL = 1_000;

describe('HashedIdSet', () => {
  const temp = useTempStateStore('hashed-ids');

  /** One batch: its adds in one transaction of the store. */
  function batch(ids: HashedIdSet, entries: Array<[string, number]>): boolean[] {
    return temp.store.transaction(() => entries.map(([id, time]) => ids.addIfAbsent(id, time)));
  }

  it('takes an id once, within a batch and across batches', () => {
    const ids = new HashedIdSet(temp.store, 'test:ids', TTL);
    expect(batch(ids, [['e1', 1_500], ['e2', 1_500], ['e1', 1_500]])).toEqual([true, true, false]);
    expect(batch(ids, [['e2', 1_500], ['e3', 1_600]])).toEqual([false, true]);
    expect(ids.has('e3', 1_600)).toBe(true);
    expect(ids.has('e4', 1_600)).toBe(false);
    expect(ids.count()).toBe(3);
  });

  it('reads the committed ids back when the store is opened again', async () => {
    const ids = new HashedIdSet(temp.store, 'test:ids', TTL);
    const many = Array.from({ length: 5_000 }, (_, i): [string, number] => [`event-${i}`, 1_000 + (i % 900)]);
    batch(ids, many.slice(0, 2_500));
    batch(ids, many.slice(2_500));
    await temp.reopen();
    const again = new HashedIdSet(temp.store, 'test:ids', TTL);
    expect(again.count()).toBe(5_000);
    expect(batch(again, [many[0], many[4_999], ['new', 1_500]])).toEqual([false, false, true]);
    // Records written after the reopen do not overwrite the earlier ones.
    await temp.reopen();
    expect(new HashedIdSet(temp.store, 'test:ids', TTL).count()).toBe(5_001);
  });

  it('forgets what a batch added when its transaction did not commit', async () => {
    const ids = new HashedIdSet(temp.store, 'test:ids', TTL);
    batch(ids, [['kept', 1_500]]);
    expect(() =>
      temp.store.transaction(() => {
        expect(ids.addIfAbsent('lost', 1_500)).toBe(true);
        expect(ids.addIfAbsent('lost', 1_500)).toBe(false);
        throw new Error('batch failed');
      }),
    ).toThrow('batch failed');
    // The redelivered event is new again, in memory and after a restart.
    expect(ids.has('lost', 1_500)).toBe(false);
    await temp.reopen();
    const again = new HashedIdSet(temp.store, 'test:ids', TTL);
    expect(again.has('kept', 1_500)).toBe(true);
    expect(again.has('lost', 1_500)).toBe(false);
  });

  it('drops whole generations older than the previous one, in memory and on disk', async () => {
    const ids = new HashedIdSet(temp.store, 'test:ids', TTL);
    batch(ids, [['old', 500], ['previous', 1_500], ['current', 2_500]]);
    expect(temp.store.transaction(() => ids.expire(2_600))).toBe(1);
    expect(ids.has('old', 500)).toBe(false);
    expect(ids.has('previous', 1_500)).toBe(true);
    await temp.reopen();
    const again = new HashedIdSet(temp.store, 'test:ids', TTL);
    expect(again.count()).toBe(2);
    expect(again.has('old', 500)).toBe(false);
  });

  it('carries the ids of the per-id layout over once, and empties it', async () => {
    const legacy = new ExpiringIdSet(temp.store, 'test:legacy', TTL);
    temp.store.transaction(() => {
      legacy.addIfAbsent('a', 1_500);
      legacy.addIfAbsent('b', 2_500);
    });
    const ids = new HashedIdSet(temp.store, 'test:ids', TTL, 'test:legacy');
    expect(ids.count()).toBe(2);
    expect(ids.has('a', 1_500)).toBe(true);
    expect(ids.has('b', 2_500)).toBe(true);
    expect(legacy.count()).toBe(0);
    await temp.reopen();
    expect(new HashedIdSet(temp.store, 'test:ids', TTL, 'test:legacy').count()).toBe(2);
  });
});
