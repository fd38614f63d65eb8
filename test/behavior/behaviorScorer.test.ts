import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BehaviorScorer } from '../../src/behavior/behaviorScorer.js';
import { modelWeights } from '../../src/behavior/behaviorNetwork.js';
import { loadTensorflow } from '../../src/behavior/tfBackend.js';
import { trainCandidate } from '../../src/behavior/trainingRound.js';
import { shopperEvents, SequenceFixture, START, tinyConfig, DAY_MS } from './behaviorFixture.js';

describe('behaviour scorer', () => {
  const fixture = new SequenceFixture();
  const events = shopperEvents(12, 3);
  const config = tinyConfig(fixture.dir);
  const scorer = () => new BehaviorScorer(fixture.sequences(), { batchSize: 4, cacheSize: 100, historyWindow: 24 });
  let model: Awaited<ReturnType<typeof trainCandidate>>;

  beforeAll(async () => {
    fixture.append(events);
    const { tf } = await loadTensorflow('wasm');
    const all = ['u0', 'u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'u8', 'u9', 'u10', 'u11'].map((id) => fixture.sequences().get(id)!);
    const horizon = Math.max(...all.map((s) => s.times[s.length - 1])) + 1;
    const { behavior } = config;
    model = await trainCandidate(tf, all, horizon, { sequenceLength: 4, historyWindow: 24, hiddenUnits: 4, vocabularySize: 8, inputCategories: 4 }, {
      ...behavior.training,
    });
  });
  afterAll(async () => {
    model?.model.dispose();
    await fixture.close();
  });

  it('without a model, scores from the user history alone', () => {
    const scores = scorer().scoreUsers(['u1']).get('u1')!;
    expect(scores.source).toBe('history');
    expect(scores.modelVersion).toBeNull();
    expect(scores.purchaseIn24h).toBeNull();
    expect(scores.nextCategories.map((c) => c.categoryId).sort()).toEqual(['cat1', 'cat2', 'cat7']);
    expect(scores.activeHours).toHaveLength(24);
  });

  it('with a model: top-5 named next categories, a purchase probability and 24 activity probabilities', async () => {
    const { tf } = await loadTensorflow('wasm');
    const s = scorer();
    s.setModel({ tf, weights: modelWeights(model.model), meta: model.meta, version: 3 });
    const scores = s.scoreUsers(['u1', 'u2', 'nobody']);
    expect([...scores.keys()]).toEqual(['u1', 'u2']);
    const u1 = scores.get('u1')!;
    expect(u1.source).toBe('model');
    expect(u1.modelVersion).toBe(3);
    expect(u1.nextCategories).toHaveLength(5);
    // Its three favourite categories are among the five (the tiny model may rank a neighbour in between).
    expect(u1.nextCategories.map((c) => c.categoryId)).toEqual(expect.arrayContaining(['cat1', 'cat2', 'cat7']));
    expect(u1.purchaseIn24h).toBeGreaterThan(0);
    expect(u1.purchaseIn24h).toBeLessThan(1);
    expect(u1.activeHours.every((p) => p > 0 && p < 1)).toBe(true);
    const last = events.filter((e) => e.userId === 'u1').at(-1)!;
    expect(u1.asOf).toBe(Math.floor(last.time / 1000) * 1000);
  });

  it('batches the users it has to compute, and caches them until their next event', async () => {
    const { tf } = await loadTensorflow('wasm');
    const s = scorer();
    s.setModel({ tf, weights: modelWeights(model.model), meta: model.meta, version: 1 });
    const users = ['u0', 'u1', 'u2', 'u3', 'u4', 'u5'];
    const first = s.scoreUsers(users);
    expect(s.stats).toEqual({ hits: 0, misses: 6, batches: 2 });
    const again = s.scoreUsers(users);
    expect(s.stats.hits).toBe(6);
    expect(again.get('u3')).toBe(first.get('u3'));
    // A new event for u3 only: u3 is recomputed, the others come from the cache.
    fixture.append([{ kind: 'behavior', id: 'new', type: 'purchase', userId: 'u3', itemId: 'x', categoryId: 'cat5', time: START + 3 * DAY_MS + 3_600_000 }]);
    const after = s.scoreUsers(users);
    expect(s.stats.misses).toBe(7);
    expect(after.get('u3')).not.toBe(first.get('u3'));
    expect(after.get('u3')!.asOf).toBe(START + 3 * DAY_MS + 3_600_000);
    expect(after.get('u4')).toBe(first.get('u4'));
  });

  it('drops the cached scores of the old model when a new one is swapped in', async () => {
    const { tf } = await loadTensorflow('wasm');
    const s = scorer();
    s.setModel({ tf, weights: modelWeights(model.model), meta: model.meta, version: 1 });
    s.scoreUsers(['u6']);
    s.setModel({ tf, weights: modelWeights(model.model), meta: model.meta, version: 2 });
    expect(s.scoreUsers(['u6']).get('u6')!.modelVersion).toBe(2);
    expect(s.stats.misses).toBe(2);
  });
});
