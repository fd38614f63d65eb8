// The ledger of sent notifications: engagement checks come due once, records are forgotten at
// their time (transactional ones too, which have no check), and the last touch and last variant
// are kept per user.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StateStore } from '../../state/stateStore.js';
import { FeedbackLedger, type SentNotification } from '../../state/feedbackLedger.js';

const sent = (id: string, priority: SentNotification['priority'], sentAt: number): SentNotification => ({
  id, userId: 'u1', type: priority === 'marketing' ? 'abandoned_cart' : 'order_paid', channel: 'push', variant: 'a', priority, sentAt, arms: { all: 'all' }, segment: 'all', bandit: false, itemIds: ['i1'],
});

describe('FeedbackLedger', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const open = () => {
    const dir = mkdtempSync(join(tmpdir(), 'pushflow-ledger-'));
    dirs.push(dir);
    return new StateStore({ path: dir, flushEachCommit: false });
  };

  it('hands out each marketing check once when due, and forgets records at their time, transactional ones too', async () => {
    const store = open();
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
    await store.close();
  });

  it('survives a restart with its pending checks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pushflow-ledger-'));
    dirs.push(dir);
    let store = new StateStore({ path: dir, flushEachCommit: false });
    store.transaction(() => new FeedbackLedger(store).record(sent('m2', 'marketing', 1_000), 5_000, 9_000));
    await store.close();
    store = new StateStore({ path: dir, flushEachCommit: false });
    const ledger = new FeedbackLedger(store);
    expect(store.transaction(() => ledger.takeChecksDue(5_000)).map((n) => n.id)).toEqual(['m2']);
    store.transaction(() => ledger.takeChecksDue(9_000));
    expect(ledger.get('m2')).toBeUndefined();
    await store.close();
  });
});
