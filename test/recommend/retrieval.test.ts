import { describe, expect, it } from 'vitest';
import { TopKHeap } from '../../src/recommend/topKHeap.js';
import { topKByDotProduct } from '../../src/recommend/dotProductRetrieval.js';
import { CandidateFilter } from '../../src/recommend/candidateFilter.js';
import { Recommender } from '../../src/recommend/recommender.js';
import { SeededRandom } from '../../src/recommend/seededRandom.js';
import { randomModel, settingsWith } from './support.js';

describe('TopKHeap', () => {
  it('keeps the k best of a stream, best first', () => {
    const heap = new TopKHeap(3);
    for (const [item, score] of [[0, 0.5], [1, 2], [2, -1], [3, 1.5], [4, 0.7], [5, 3]]) heap.push(item, score);
    expect(heap.sorted()).toEqual([{ item: 5, score: 3 }, { item: 1, score: 2 }, { item: 3, score: 1.5 }]);
    expect(heap.threshold()).toBe(1.5);
  });
});

describe('top-K by dot product', () => {
  it('returns exactly the k highest scores of a brute-force ranking', () => {
    const model = randomModel(5, 300, 0.05, 11);
    model.sweep();
    const filter = new CandidateFilter().prepare(model.interactions, 2, { excludeSeen: false, excludePurchased: false }, model.itemCount, new Int32Array(model.itemCount).fill(-1));
    const heap = new TopKHeap(10);
    topKByDotProduct(model.userFactors, 2 * model.k, model.itemFactors, model.itemCount, model.k, filter, heap);
    const brute = [...Array(model.itemCount).keys()]
      .map((item) => ({ item, score: model.score(2, item) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, 10);
    expect(heap.sorted().map((entry) => entry.item)).toEqual(brute.map((entry) => entry.item));
    filter.release();
  });

  it('scores the last items of a catalog that is not a multiple of its block, with an odd factor count', () => {
    const model = randomModel(4, 303, 0.05, 12, { factors: 5 });
    model.sweep();
    const filter = new CandidateFilter().prepare(model.interactions, 1, { excludeSeen: false, excludePurchased: false }, model.itemCount, new Int32Array(model.itemCount).fill(-1));
    for (const k of [1, 7, 303]) {
      const heap = new TopKHeap(k);
      topKByDotProduct(model.userFactors, 1 * model.k, model.itemFactors, model.itemCount, model.k, filter, heap);
      const brute = [...Array(model.itemCount).keys()]
        .map((item) => ({ item, score: model.score(1, item) }))
        .sort((a, b) => b.score - a.score || a.item - b.item)
        .slice(0, k);
      expect(heap.sorted().map((entry) => entry.item)).toEqual(brute.map((entry) => entry.item));
    }
    filter.release();
  });

  it('asks the stock check only of items that would enter the top k', () => {
    const model = randomModel(3, 1000, 0.01, 13, { factors: 8 });
    model.sweep();
    const asked: number[] = [];
    const filter = new CandidateFilter().prepare(model.interactions, 0, { excludeSeen: false, excludePurchased: false }, model.itemCount, new Int32Array(model.itemCount).fill(-1), {
      isUnavailable: (item) => {
        asked.push(item);
        return item % 2 === 0;
      },
    });
    const heap = new TopKHeap(5);
    topKByDotProduct(model.userFactors, 0, model.itemFactors, model.itemCount, model.k, filter, heap);
    const result = heap.sorted().map((entry) => entry.item);
    expect(result.every((item) => item % 2 === 1)).toBe(true);
    expect(asked.length).toBeLessThan(200);
    filter.release();
  });
});

describe('retrieval exclusions', () => {
  const recommender = () => {
    const r = new Recommender(settingsWith({ factors: 4, excludePurchased: true }));
    const random = new SeededRandom(5);
    for (let n = 0; n < 400; n++) {
      const user = `u${Math.floor(random.next() * 20)}`;
      const item = Math.floor(random.next() * 40);
      r.learn({ userId: user, itemId: `i${item}`, categoryId: `c${item % 4}`, type: 'view', time: n * 1000 });
    }
    r.learn({ userId: 'buyer', itemId: 'i1', categoryId: 'c1', type: 'purchase', time: 500_000 });
    r.learn({ userId: 'buyer', itemId: 'i2', categoryId: 'c2', type: 'view', time: 500_001 });
    return r;
  };
  const everything = (r: Recommender, options = {}) => r.recommend('buyer', 40, 'eals', options).map((rec) => rec.itemId);

  it('never recommends what the user bought, but may re-recommend what they viewed', () => {
    const ids = everything(recommender());
    expect(ids).not.toContain('i1');
    expect(ids).toContain('i2');
  });

  it('excludes every item the user interacted with when re-visits are excluded', () => {
    const ids = everything(recommender(), { exclude: { excludeSeen: true } });
    expect(ids).not.toContain('i1');
    expect(ids).not.toContain('i2');
  });

  it('recommends purchases again when told not to exclude them', () => {
    expect(everything(recommender(), { exclude: { excludePurchased: false } })).toContain('i1');
  });

  it('excludes items that are out of stock, from every model', () => {
    const r = recommender();
    const outOfStock = new Set(['i3', 'i4', 'i5']);
    for (const model of ['eals', 'popularity', 'covisit', 'category', 'hybrid'] as const) {
      const ids = r.recommend('buyer', 40, model, { isUnavailable: (id) => outOfStock.has(id) }).map((rec) => rec.itemId);
      for (const id of outOfStock) expect(ids, model).not.toContain(id);
    }
  });

  it('recommends only within a category when one is asked for', () => {
    const r = recommender();
    const ids = r.recommend('buyer', 10, 'eals', { categoryId: 'c3' }).map((rec) => rec.itemId);
    expect(ids.length).toBe(10);
    for (const id of ids) expect(Number(id.slice(1)) % 4).toBe(3);
    expect(r.recommend('buyer', 10, 'eals', { categoryId: 'nope' })).toEqual([]);
  });

  it('gives an unknown user no personal model, but popular items', () => {
    const r = recommender();
    expect(r.recommend('stranger', 5, 'eals')).toEqual([]);
    const hybrid = r.recommend('stranger', 5, 'hybrid');
    expect(hybrid).toHaveLength(5);
    for (const rec of hybrid) expect(rec.reason.model).toBe('popularity');
  });
});
