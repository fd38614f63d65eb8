// The decision log on a real LMDB: one record per batch, read back per user through the
// records' Bloom filters, across a reopen, with old generations expired.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildBloomFilter } from '../../src/hash/bloomFilter.js';
import { DecisionLog, type DecisionLogEntry } from '../../state/decisionLog.js';
import { StateStore } from '../../state/stateStore.js';

const DAY = 86_400_000;
const entry = (at: number, id: string, outcome: DecisionLogEntry['outcome'] = 'queued'): DecisionLogEntry => ({ at, notificationId: id, type: 'abandoned_cart', outcome });

describe('DecisionLog', () => {
  const dirs: string[] = [];
  const stores: StateStore[] = [];
  const open = (dir = mkdtempSync(join(tmpdir(), 'pushflow-decisionlog-'))) => {
    if (!dirs.includes(dir)) dirs.push(dir);
    const store = new StateStore({ path: dir });
    stores.push(store);
    return { dir, store, log: new DecisionLog(store, 7 * DAY) };
  };
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("returns a user's entries newest first, from many batches, after a reopen, and no one else's", async () => {
    const { dir, store, log } = open();
    for (let batch = 0; batch < 30; batch++) {
      store.transaction(() => {
        for (let user = 0; user < 50; user++) log.append(`u${user}`, entry(batch * 1_000 + user, `n-${batch}-${user}`));
        log.flush();
      });
    }
    await store.close();
    stores.length = 0;
    const reopened = open(dir).log;
    const recent = reopened.recent('u7', 5);
    expect(recent.map((e) => e.notificationId)).toEqual(['n-29-7', 'n-28-7', 'n-27-7', 'n-26-7', 'n-25-7']);
    expect(reopened.recent('u7', 100)).toHaveLength(30);
    expect(reopened.recent('nobody')).toEqual([]);
  });

  it('keeps every field, and shows entries of the open batch before they are written', () => {
    const { store, log } = open();
    const full: DecisionLogEntry = { at: 5, notificationId: 'n1', type: 'price_drop', outcome: 'deferred', channel: 'email', reason: 'quiet_hours', until: 99, deliveredAt: 7, reasons: ['quiet hours: 22:00-08:00', 'held'] };
    store.transaction(() => log.append('u1', full));
    expect(log.recent('u1')).toEqual([full]);
    store.transaction(() => log.flush());
    expect(log.recent('u1')).toEqual([full]);
  });

  it('writes templated reasons with their values and reads them back as text, after a reopen', async () => {
    const { dir, store, log } = open();
    const held: DecisionLogEntry = {
      at: 5, notificationId: 'n1', type: 'abandoned_cart', outcome: 'deferred', reason: 'send_time', until: 99,
      reasons: ['consent: marketing ok', ['channel: {}', 'push>email'], ['send_time: held to {t} (score {4} vs {4} now)', Date.parse('2026-11-03T12:00:00Z'), 0.123456, 0.05]],
    };
    const texts = ['consent: marketing ok', 'channel: push>email', 'send_time: held to 2026-11-03T12:00:00.000Z (score 0.1235 vs 0.0500 now)'];
    store.transaction(() => log.append('u1', held));
    expect(log.recent('u1')[0].reasons).toEqual(texts);
    store.transaction(() => {
      log.append('u2', { ...held, notificationId: 'n2', reasons: [['channel: {}', 'sms'], 'consent: marketing ok'] });
      log.flush();
    });
    await store.close();
    stores.length = 0;
    const reopened = open(dir).log;
    expect(reopened.recent('u1')[0].reasons).toEqual(texts);
    expect(reopened.recent('u2')[0].reasons).toEqual(['channel: sms', 'consent: marketing ok']);
  });

  it('reads the records of stores written before, whose entries carry their reason texts', () => {
    const { store, log } = open();
    const records = store.database<[number, number], string>('policy:decision-batches', { encoding: 'string' });
    const users = store.database<[number, number], Buffer>('policy:decision-batch-users', { encoding: 'binary' });
    store.transaction(() => {
      records.putSync([0, 99], JSON.stringify([['u1', 5, 'n-old', 'abandoned_cart', 'suppressed', null, 'consent_marketing', null, null, ['consent: marketing refused']]]));
      users.putSync([0, 99], Buffer.from(buildBloomFilter(['u1'], 1)));
      log.append('u1', { ...entry(6, 'n-new'), reasons: ['consent: marketing ok', 'rate_limit: ok'] });
      log.append('u2', { ...entry(6, 'n-other'), reasons: ['rate_limit: ok', 'consent: marketing ok'] });
      log.flush();
    });
    expect(log.recent('u1')).toEqual([
      { ...entry(6, 'n-new'), reasons: ['consent: marketing ok', 'rate_limit: ok'] },
      { at: 5, notificationId: 'n-old', type: 'abandoned_cart', outcome: 'suppressed', reason: 'consent_marketing', reasons: ['consent: marketing refused'] },
    ]);
    expect(log.recent('u2')[0].reasons).toEqual(['rate_limit: ok', 'consent: marketing ok']);
  });

  it('drops generations older than the one before the current time', () => {
    const { store, log } = open();
    store.transaction(() => {
      log.append('u1', entry(1 * DAY, 'old'));
      log.flush();
      log.append('u1', entry(9 * DAY, 'kept'));
      log.flush();
    });
    store.transaction(() => log.expire(15 * DAY));
    expect(log.recent('u1').map((e) => e.notificationId)).toEqual(['kept']);
  });
});
