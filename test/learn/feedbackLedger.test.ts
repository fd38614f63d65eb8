// The ledger of sent notifications: engagement checks come due once, records are forgotten at
// their time (transactional ones too, which have no check), and the last touch and last variant
// are kept per user. Checks, expiries and last variants are written when the transaction ends:
// they survive a restart with it, and a failed transaction leaves none of them.

import { describe, expect, it } from 'vitest';
import { FeedbackLedger, type SentNotification } from '../../state/feedbackLedger.js';
import { useTempStateStore } from '../support/tempStateStore.js';

const sent = (id: string, priority: SentNotification['priority'], sentAt: number, userId = 'u1'): SentNotification => ({
  id, userId, type: priority === 'marketing' ? 'abandoned_cart' : 'order_paid', channel: 'push', variant: 'a', priority, sentAt, arms: { all: 'all' }, segment: 'all', bandit: false, itemIds: ['i1'],
});

describe('FeedbackLedger', () => {
  const temp = useTempStateStore('ledger', { flushEachCommit: false });

  it('hands out each marketing check once when due, and forgets records at their time, transactional ones too', async () => {
    const store = temp.store;
    const ledger = new FeedbackLedger(store);
    store.transaction(() => {
      ledger.record(sent('m1', 'marketing', 1_000), 5_000, 9_000);
      ledger.record(sent('t1', 'transactional', 1_000), 5_000, 7_000);
    });
    expect(store.transaction(() => ledger.takeChecksDue(4_999))).toEqual([]);
    expect(store.transaction(() => ledger.takeChecksDue(5_000)).map((n) => n.id)).toEqual(['m1']);
    expect(store.transaction(() => ledger.takeChecksDue(6_000))).toEqual([]);
    store.transaction(() => ledger.takeChecksDue(7_000));
    expect(ledger.get('t1')).toBeUndefined();
    expect(ledger.get('m1')?.id).toBe('m1');
    expect(ledger.lastVariant('u1', 'abandoned_cart')).toEqual({ variant: 'a', at: 1_000 });
  });

  it('survives a restart with its pending checks', async () => {
    let store = temp.store;
    store.transaction(() => new FeedbackLedger(store).record(sent('m2', 'marketing', 1_000), 5_000, 9_000));
    store = await temp.reopen();
    const ledger = new FeedbackLedger(store);
    expect(store.transaction(() => ledger.takeChecksDue(5_000)).map((n) => n.id)).toEqual(['m2']);
    store.transaction(() => ledger.takeChecksDue(9_000));
    expect(ledger.get('m2')).toBeUndefined();
  });

  it('hands out the checks of one batch as each comes due, in due order, before and after a restart', async () => {
    let store = temp.store;
    let ledger = new FeedbackLedger(store);
    store.transaction(() => {
      ledger.record(sent('late', 'marketing', 1_000, 'u3'), 7_000, 20_000);
      ledger.record(sent('early', 'marketing', 1_000, 'u1'), 5_000, 10_000);
      ledger.record(sent('middle', 'marketing', 1_000, 'u2'), 6_000, 10_000);
      // Within the transaction, before it is written.
      expect(ledger.lastVariant('u2', 'abandoned_cart')).toEqual({ variant: 'a', at: 1_000 });
    });
    expect(store.transaction(() => ledger.takeChecksDue(6_000)).map((n) => n.id)).toEqual(['early', 'middle']);
    store = await temp.reopen();
    ledger = new FeedbackLedger(store);
    expect(ledger.lastVariant('u3', 'abandoned_cart')).toEqual({ variant: 'a', at: 1_000 });
    expect(store.transaction(() => ledger.takeChecksDue(6_500))).toEqual([]);
    expect(store.transaction(() => ledger.takeChecksDue(7_000)).map((n) => n.id)).toEqual(['late']);
    store.transaction(() => ledger.takeChecksDue(10_000));
    expect(['early', 'middle', 'late'].map((id) => ledger.get(id)?.id)).toEqual([undefined, undefined, 'late']);
    store.transaction(() => ledger.takeChecksDue(20_000));
    expect(ledger.get('late')).toBeUndefined();
  });

  it('leaves nothing of a transaction that failed: no record, check, expiry or last variant', async () => {
    let store = temp.store;
    let ledger = new FeedbackLedger(store);
    store.transaction(() => ledger.record(sent('kept', 'marketing', 1_000), 5_000, 9_000));
    expect(() =>
      store.transaction(() => {
        ledger.record(sent('lost', 'marketing', 2_000), 4_000, 8_000);
        throw new Error('crash before the end of the batch');
      }),
    ).toThrow('crash before');
    const check = (reader: FeedbackLedger) => {
      expect(reader.get('lost')).toBeUndefined();
      expect(reader.lastVariant('u1', 'abandoned_cart')).toEqual({ variant: 'a', at: 1_000 });
      expect(store.transaction(() => reader.takeChecksDue(5_000)).map((n) => n.id)).toEqual(['kept']);
    };
    check(ledger);
    store = await temp.reopen();
    ledger = new FeedbackLedger(store);
    expect(ledger.get('lost')).toBeUndefined();
    expect(ledger.lastVariant('u1', 'abandoned_cart')).toEqual({ variant: 'a', at: 1_000 });
    // The check was taken in the transaction above, which committed.
    expect(store.transaction(() => ledger.takeChecksDue(9_000))).toEqual([]);
    expect(ledger.get('kept')).toBeUndefined();
  });

  it('reads the checks and expiries of a store written one key per notification', async () => {
    const store = temp.store;
    const raw = store.database<unknown[], unknown>('learn:ledger');
    store.transaction(() => {
      raw.putSync(['n', 'old'], sent('old', 'marketing', 1_000));
      raw.putSync(['d', 5_000, 'old'], 1);
      raw.putSync(['x', 9_000, 'old'], 1);
    });
    const ledger = new FeedbackLedger(store);
    store.transaction(() => ledger.record(sent('new', 'marketing', 2_000), 6_000, 9_500));
    expect(store.transaction(() => ledger.takeChecksDue(6_000)).map((n) => n.id)).toEqual(['old', 'new']);
    store.transaction(() => ledger.takeChecksDue(9_000));
    expect(ledger.get('old')).toBeUndefined();
    expect(ledger.get('new')?.id).toBe('new');
  });
});
