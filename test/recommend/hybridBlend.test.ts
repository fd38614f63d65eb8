import { describe, expect, it } from 'vitest';
import { blend, blendWeights } from '../../src/recommend/hybridBlend.js';
import { Recommender } from '../../src/recommend/recommender.js';
import { SeededRandom } from '../../src/recommend/seededRandom.js';
import type { ScoredItem } from '../../src/recommend/scoredItem.js';
import { settingsWith } from './support.js';

describe('hybrid blend', () => {
  it('shifts weight to matrix factorization as the history grows, away from popularity', () => {
    const { blend: settings } = settingsWith();
    const cold = blendWeights(0, 20, settings);
    const some = blendWeights(20, 20, settings);
    const long = blendWeights(500, 20, settings);
    expect(cold.eals).toBe(0);
    expect(some.eals).toBeCloseTo(0.5 * settings.model);
    expect(long.eals).toBeGreaterThan(some.eals);
    expect(long.popularity).toBeLessThan(some.popularity);
    expect(some.popularity).toBeLessThan(cold.popularity);
  });

  it('ranks an item several models agree on first, with the reason of its strongest contributor', () => {
    const mf: ScoredItem[] = [1, 2, 3].map((item) => ({ item, score: 1, model: 'eals' }));
    const covisit: ScoredItem[] = [3, 4].map((item) => ({ item, score: 1, model: 'covisit', seedItem: 9 }));
    const [first, second] = blend([mf, covisit], { eals: 1, covisit: 1, popularity: 0, category: 0 }, 2, 10);
    expect(first).toMatchObject({ item: 3, model: 'covisit', seedItem: 9 });
    expect(second.item).toBe(1);
  });

  it('gives a cold user popularity and a user with a long history mostly the model', () => {
    const r = new Recommender(
      settingsWith({ factors: 8, historyHalfWeight: 5, regularization: 0.01, missingWeight: 16, blend: { model: 1, coVisit: 1, rankOffset: 10 } }),
    );
    const random = new SeededRandom(9);
    for (let n = 0; n < 3000; n++) {
      r.learn({ userId: `u${Math.floor(random.next() * 30)}`, itemId: `i${Math.floor(random.next() * random.next() * 200)}`, type: 'view', time: n * 1000 });
    }
    for (let sweep = 0; sweep < 5; sweep++) r.eals.sweep();
    expect(r.recommend('new-user', 10).every((rec) => rec.reason.model === 'popularity')).toBe(true);
    const heavy = r.users.ids.reduce((best, id) => (r.historyLength(id) > r.historyLength(best) ? id : best));
    const models = r.recommend(heavy, 10).map((rec) => rec.reason.model);
    expect(models).toContain('eals');
    expect(models.filter((model) => model === 'popularity').length).toBeLessThan(5);
  });
});
