// The operator's choice of dedupe layout: both take each id once, and moving from the per-id
// layout to the hashed one keeps the ids seen (the two share the per-id database's name).

import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { openEventDedupe } from '../../state/eventDedupe.js';
import { useTempStateStore } from '../support/tempStateStore.js';

const events = (dedupeIndex: 'memory' | 'lmdb') => configSchema.parse({ events: { dedupeIndex } }).events;

describe('openEventDedupe', () => {
  const temp = useTempStateStore('event-dedupe');

  it('keeps the ids it saw when the layout moves from lmdb to memory', async () => {
    const perId = openEventDedupe(temp.store, events('lmdb'));
    expect(temp.store.transaction(() => [perId.addIfAbsent('e1', 1_000), perId.addIfAbsent('e1', 1_000)])).toEqual([true, false]);
    const hashed = openEventDedupe(await temp.reopen(), events('memory'));
    expect(hashed.count()).toBe(1);
    expect(temp.store.transaction(() => [hashed.addIfAbsent('e1', 1_000), hashed.addIfAbsent('e2', 1_000)])).toEqual([false, true]);
  });
});
