import { afterEach, describe, expect, it } from 'vitest';
import { PipelineTestDriver } from '../../src/runtime/pipelineTestDriver.js';
import { catalogAndUsers } from '../../pipelines/catalogAndUsers.js';
import { recommendations, liveRecommenderOf } from '../../pipelines/recommendations.js';
import { recommendForInspect } from '../../src/recommend/recommendForInspect.js';
import { FactorStore } from '../../state/factorStore.js';
import type { StateStore } from '../../state/stateStore.js';

const T0 = Date.UTC(2026, 10, 1, 12, 0, 0);
let seq = 0;
const behavior = (type: string, userId: string, itemId: string, minute: number, categoryId = 'c1') => ({
  kind: 'behavior',
  id: `e${seq++}`,
  type,
  userId,
  itemId,
  categoryId,
  time: T0 + minute * 60_000,
});

/** A small shop: 12 users each viewing a few of 20 items, some items in a second category. */
function history(): object[] {
  const events: object[] = [];
  for (let user = 0; user < 12; user++) {
    for (let n = 0; n < 6; n++) {
      const item = (user * 3 + n * 5) % 20;
      events.push(behavior('view', `u${user}`, `i${item}`, user * 10 + n, item < 10 ? 'c1' : 'c2'));
    }
  }
  return events;
}

describe('recommendations pipeline', () => {
  let driver: PipelineTestDriver;
  const open = () =>
    (driver = new PipelineTestDriver({
      pipelines: [catalogAndUsers, recommendations],
      config: { time: { maxOutOfOrdernessMs: 0 }, recommend: { factors: 8, sweepIntervalSeconds: 0 } },
    }));
  // The driver's store is private; the recommender and the factor rows are read through it.
  const state = () => (driver as unknown as { store: StateStore }).store;
  afterEach(async () => driver?.close());

  it('updates the user\'s and the item\'s factors per event and writes them in the batch', () => {
    open();
    driver.pipe(history());
    const live = liveRecommenderOf(state())!;
    const { eals, users, items } = live.recommender;
    const before = eals.score(users.get('u1'), items.get('i19'));
    const userRow = eals.userRow(users.get('u1')).slice();
    driver.pipe([behavior('add_to_cart', 'u1', 'i19', 200)]);
    expect(eals.score(users.get('u1'), items.get('i19'))).toBeGreaterThan(before);
    expect([...eals.userRow(users.get('u1'))]).not.toEqual([...userRow]);
    const stored = new FactorStore(state());
    expect([...stored.get('user', 'u1')!]).toEqual([...eals.userRow(users.get('u1'))]);
    expect([...stored.get('item', 'i19')!]).toEqual([...eals.itemRow(items.get('i19'))]);
    expect(stored.count('user')).toBe(12);
  });

  it('ignores behaviours that are not feedback and events without an item', () => {
    open();
    driver.pipe([
      { kind: 'behavior', id: 's1', type: 'search', userId: 'u1', query: 'shoes', time: T0 },
      { kind: 'behavior', id: 'r1', type: 'remove_from_cart', userId: 'u1', itemId: 'i1', time: T0 },
      { kind: 'behavior', id: 'v1', type: 'view', userId: 'u1', time: T0 },
    ]);
    expect(new FactorStore(state()).count('user')).toBe(0);
  });

  it('survives a restart: the same factors and recommendations, and learning goes on', async () => {
    open();
    driver.pipe(history());
    const beforeRestart = recommendForInspect(state(), driver.config, 'u3', 5);
    const beforeLive = liveRecommenderOf(state())!;
    const row = [...beforeLive.recommender.eals.userRow(beforeLive.recommender.users.get('u3'))];
    await driver.restart();
    const live = liveRecommenderOf(state())!;
    expect(live).not.toBe(beforeLive); // loaded afresh from LMDB by the new process's graph
    const afterRestart = recommendForInspect(state(), driver.config, 'u3', 5);
    expect(afterRestart.recommendations.map((r) => r.itemId)).toEqual(beforeRestart.recommendations.map((r) => r.itemId));
    expect([...live.recommender.eals.userRow(live.recommender.users.get('u3'))]).toEqual(row);
    const historyBefore = live.recommender.historyLength('u0');
    driver.pipe([behavior('view', 'u0', 'i-new', 500)]);
    expect(live.recommender.historyLength('u0')).toBe(historyBefore + 1);
    expect(new FactorStore(state()).get('item', 'i-new')).toBeDefined();
  });

  it('recommends for inspect with reasons, without what the user bought or what is out of stock', () => {
    open();
    driver.pipe(history());
    driver.pipe([
      behavior('purchase', 'u2', 'i7', 300),
      { kind: 'catalog', id: 'stock-i0', itemId: 'i0', stock: 0, time: T0 + 301 * 60_000 },
    ]);
    const result = recommendForInspect(state(), driver.config, 'u2', 10);
    expect(result.historyLength).toBe(5); // u2 viewed i6, i11, i16, i1 (some twice), then bought i7
    expect(result.recommendations).toHaveLength(10);
    const ids = result.recommendations.map((r) => r.itemId);
    expect(ids).not.toContain('i7');
    expect(ids).not.toContain('i0');
    for (const { reason } of result.recommendations) {
      expect(['eals', 'popularity', 'covisit', 'category']).toContain(reason.model);
      if (reason.model === 'covisit') expect(reason.seedItemId).toMatch(/^i\d+$/);
      if (reason.model === 'category') expect(reason.categoryId).toMatch(/^c[12]$/);
    }
  });
});
