// Held sends by due time and by user: a user's held sends are found until released, by the
// process that holds them and by a reader of the same data (inspect), a failed transaction
// changes neither, and the sends of a store written before (with a by-user database) still go out.

import { describe, expect, it } from 'vitest';
import { ScheduledSends, type ScheduledSend } from '../../state/scheduledSends.js';
import { useTempStateStore } from '../support/tempStateStore.js';

const send = (userId: string, heldAt: number): ScheduledSend => ({
  candidate: { type: 'abandoned_cart', priority: 'marketing', userId, dedupeKey: `${userId}:${heldAt}`, time: heldAt, payload: {} },
  reason: 'quiet_hours',
  heldAt,
  validUntil: heldAt + 86_400_000,
  ingestedAt: 0,
});

describe('ScheduledSends', () => {
  const temp = useTempStateStore('scheduled', { flushEachCommit: false });
  const ids = (sends: { id: string }[]) => sends.map(({ id }) => id);

  it("finds a user's held sends until they are released, in this process and after a reopen", async () => {
    let store = temp.store;
    const scheduled = new ScheduledSends(store);
    store.transaction(() => {
      scheduled.schedule('a1', 2_000, send('u1', 1_000));
      scheduled.schedule('a2', 3_000, send('u1', 1_000));
      scheduled.schedule('b1', 2_500, send('u2', 1_000));
    });
    expect(ids(scheduled.forUser('u1'))).toEqual(['a1', 'a2']);
    expect(scheduled.forUser('u3')).toEqual([]);
    expect(ids(new ScheduledSends(store).forUser('u2'))).toEqual(['b1']);
    expect(ids(store.transaction(() => scheduled.takeDue(2_500)))).toEqual(['a1', 'b1']);
    expect(ids(scheduled.forUser('u1'))).toEqual(['a2']);
    expect(scheduled.forUser('u2')).toEqual([]);
    store = await temp.reopen();
    const reopened = new ScheduledSends(store);
    expect(ids(reopened.forUser('u1'))).toEqual(['a2']);
    store.transaction(() => reopened.schedule('c1', 4_000, send('u3', 3_500)));
    expect(ids(reopened.forUser('u1'))).toEqual(['a2']);
    expect(ids(reopened.forUser('u3'))).toEqual(['c1']);
  });

  it('keeps the held sends of a transaction that failed to release them, and holds none that failed to be held', () => {
    const store = temp.store;
    const scheduled = new ScheduledSends(store);
    store.transaction(() => scheduled.schedule('a1', 2_000, send('u1', 1_000)));
    expect(() =>
      store.transaction(() => {
        expect(ids(scheduled.takeDue(2_000))).toEqual(['a1']);
        scheduled.schedule('b1', 2_500, send('u2', 1_000));
        throw new Error('crash before the end of the batch');
      }),
    ).toThrow('crash before');
    expect(ids(scheduled.forUser('u1'))).toEqual(['a1']);
    expect(scheduled.forUser('u2')).toEqual([]);
    expect(scheduled.hasDue(2_000)).toBe(true);
    expect(ids(store.transaction(() => scheduled.takeDue(3_000)))).toEqual(['a1']);
  });

  it('writes nothing for a send held and released in the same transaction, and the rest at its end', () => {
    const store = temp.store;
    const scheduled = new ScheduledSends(store);
    const byDue = store.database<unknown[], ScheduledSend>('policy:scheduled-sends');
    store.transaction(() => {
      scheduled.schedule('soon', 1_500, send('u1', 1_000));
      scheduled.schedule('later', 9_000, send('u1', 1_000));
      expect(ids(scheduled.forUser('u1'))).toEqual(['soon', 'later']);
      expect(scheduled.hasDue(1_500)).toBe(true);
      expect(ids(scheduled.takeDue(2_000))).toEqual(['soon']);
      expect(scheduled.hasDue(2_000)).toBe(false);
      // Inside the transaction, nothing was written yet: 'soon' never is.
      expect(byDue.getCount()).toBe(0);
    });
    expect([...byDue.getKeys()]).toEqual([[9_000, 'later', 'u1']]);
    expect(ids(new ScheduledSends(store).forUser('u1'))).toEqual(['later']);
  });

  it('releases once a stored send held again under the same due and id in the releasing transaction', () => {
    const store = temp.store;
    const scheduled = new ScheduledSends(store);
    store.transaction(() => scheduled.schedule('a1', 2_000, send('u1', 1_000)));
    const released = store.transaction(() => {
      scheduled.schedule('a1', 2_000, send('u1', 1_000));
      return scheduled.takeDue(2_000);
    });
    expect(ids(released)).toEqual(['a1']);
    expect(scheduled.pending()).toBe(0);
  });

  it('reads, finds and releases the sends of a store written with a separate by-user index', () => {
    const store = temp.store;
    const byDue = store.database<unknown[], ScheduledSend>('policy:scheduled-sends');
    const byUser = store.database<unknown[], true>('policy:scheduled-by-user');
    store.transaction(() => {
      byDue.putSync([2_000, 'old'], send('u1', 1_000));
      byUser.putSync(['u1', 2_000, 'old'], true);
    });
    const scheduled = new ScheduledSends(store);
    store.transaction(() => scheduled.schedule('new', 1_500, send('u1', 1_000)));
    expect(ids(scheduled.forUser('u1'))).toEqual(['new', 'old']);
    expect(scheduled.pending()).toBe(2);
    expect(ids(store.transaction(() => scheduled.takeDue(2_000)))).toEqual(['new', 'old']);
    expect(scheduled.forUser('u1')).toEqual([]);
    expect(byUser.getCount()).toBe(0);
    expect(scheduled.pending()).toBe(0);
  });
});
