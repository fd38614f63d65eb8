// The dedupe set on a real LMDB: one no-overwrite put per id, and expiry by whole generations.

import { beforeEach, describe, expect, it } from 'vitest';
import { ExpiringIdSet } from '../../state/expiringIdSet.js';
import { useTempStateStore } from '../support/tempStateStore.js';

const TTL = 1_000;

describe('ExpiringIdSet', () => {
  const temp = useTempStateStore('idset');
  let ids: ExpiringIdSet;
  beforeEach(() => {
    ids = new ExpiringIdSet(temp.store, 'test:ids', TTL);
  });

  it('adds an id once: the repeat, carrying the same time, is refused', () => {
    expect(temp.store.transaction(() => ids.addIfAbsent('e1', 1_500))).toBe(true);
    expect(temp.store.transaction(() => ids.addIfAbsent('e1', 1_500))).toBe(false);
    expect(ids.has('e1', 1_500)).toBe(true);
    expect(ids.has('e2', 1_500)).toBe(false);
  });

  it('keeps ids of the current and the previous generation, and drops older ones once the boundary moves', () => {
    temp.store.transaction(() => {
      ids.addIfAbsent('old', 500); // generation 0
      ids.addIfAbsent('previous', 1_500); // generation 1
      ids.addIfAbsent('current', 2_500); // generation 2
    });
    expect(temp.store.transaction(() => ids.expire(2_600))).toBe(1);
    expect(ids.has('old', 500)).toBe(false);
    expect(ids.has('previous', 1_500)).toBe(true);
    expect(ids.has('current', 2_500)).toBe(true);
    // Nothing more until event time crosses the next boundary.
    expect(temp.store.transaction(() => ids.expire(2_900))).toBe(0);
    expect(temp.store.transaction(() => ids.expire(3_100))).toBe(1);
    expect(ids.count()).toBe(1);
  });
});
