// The operator's choice of dedupe layout, for event ids and issued notification ids: both layouts
// take each id once, and moving from the per-id layout to the hashed one keeps the ids seen. The
// two sets keep their ids apart.

import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { openEventDedupe, openIssuedNotificationIds } from '../../state/eventDedupe.js';
import { useTempStateStore } from '../support/tempStateStore.js';

const events = (dedupeIndex: 'memory' | 'lmdb') => configSchema.parse({ events: { dedupeIndex } }).events;

describe('openEventDedupe and openIssuedNotificationIds', () => {
  const temp = useTempStateStore('event-dedupe');

  it('keeps the ids it saw when the layout moves from lmdb to memory', async () => {
    const perId = openEventDedupe(temp.store, events('lmdb'));
    expect(temp.store.transaction(() => [perId.addIfAbsent('e1', 1_000), perId.addIfAbsent('e1', 1_000)])).toEqual([true, false]);
    const hashed = openEventDedupe(await temp.reopen(), events('memory'));
    expect(hashed.count()).toBe(1);
    expect(temp.store.transaction(() => [hashed.addIfAbsent('e1', 1_000), hashed.addIfAbsent('e2', 1_000)])).toEqual([false, true]);
  });

  it('carries issued notification ids over to the hashed layout, apart from the event ids', async () => {
    const perId = openIssuedNotificationIds(temp.store, events('lmdb'));
    temp.store.transaction(() => perId.addIfAbsent('n1', 5_000));
    const store = await temp.reopen();
    const issued = openIssuedNotificationIds(store, events('memory'));
    const seen = openEventDedupe(store, events('memory'));
    expect(issued.has('n1', 5_000)).toBe(true);
    expect(seen.has('n1', 5_000)).toBe(false);
    expect(store.transaction(() => [issued.addIfAbsent('n1', 5_000), seen.addIfAbsent('n1', 5_000)])).toEqual([false, true]);
  });
});
