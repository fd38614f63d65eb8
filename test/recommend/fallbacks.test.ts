import { describe, expect, it } from 'vitest';
import { DecayedScores } from '../../src/recommend/decayedScores.js';
import { PopularityRecommender } from '../../src/recommend/popularityRecommender.js';
import { CoVisitation } from '../../src/recommend/coVisitation.js';
import { CandidateFilter } from '../../src/recommend/candidateFilter.js';
import { InteractionMatrix } from '../../src/recommend/interactionMatrix.js';
import { Recommender } from '../../src/recommend/recommender.js';
import { SeededRandom } from '../../src/recommend/seededRandom.js';
import { settingsWith } from './support.js';

const HOUR = 3_600_000;
const openFilter = (items = 100) => new CandidateFilter().prepare(new InteractionMatrix(10), -1, { excludeSeen: false, excludePurchased: false }, items, new Int32Array(items).fill(-1));

describe('time-decayed scores', () => {
  it('halve with every half-life of event time', () => {
    const scores = new DecayedScores(DecayedScores.halfLifeToTau(HOUR), 10);
    scores.add(1, 8, 0);
    expect(scores.valueAt(1, 0)).toBeCloseTo(8);
    expect(scores.valueAt(1, 2 * HOUR)).toBeCloseTo(2);
    scores.add(2, 3, 2 * HOUR);
    expect(scores.top()[0]).toBe(2);
  });

  it('keep their top list exactly in order through many adds and rescales', () => {
    const scores = new DecayedScores(DecayedScores.halfLifeToTau(HOUR), 15);
    const random = new SeededRandom(3);
    let time = 0;
    for (let n = 0; n < 3000; n++) {
      time += random.next() * 20 * HOUR; // spans several rescales
      scores.add(Math.floor(random.next() * 60), 1 + random.next(), time);
    }
    const brute = [...scores.scores.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([key]) => key);
    expect([...scores.top()]).toEqual(brute);
  });
});

describe('popularity', () => {
  it('prefers recent interactions over older ones of the same count', () => {
    const popularity = new PopularityRecommender(DecayedScores.halfLifeToTau(HOUR));
    popularity.observe(1, 1, 0);
    popularity.observe(1, 1, 0);
    popularity.observe(2, 1, 3 * HOUR); // 1 now beats 2 * 1/8
    expect(popularity.recommend(2, openFilter()).map((s) => s.item)).toEqual([2, 1]);
  });

  it('serves a segment its own favourites first, then the global ones', () => {
    const popularity = new PopularityRecommender(DecayedScores.halfLifeToTau(HOUR));
    for (let n = 0; n < 5; n++) popularity.observe(1, 1, 0);
    popularity.observe(7, 1, 0, 'night-owls');
    expect(popularity.recommend(2, openFilter(), 'night-owls').map((s) => s.item)).toEqual([7, 1]);
    expect(popularity.recommend(2, openFilter()).map((s) => s.item)).toEqual([1, 7]);
  });
});

describe('co-visitation', () => {
  const options = { window: 2, seeds: 2, backwardWeight: 0.5, seedDecay: 0.5 };

  it('counts each interaction with the user\'s previous distinct items, forward 1 and backward as configured', () => {
    const co = new CoVisitation(options);
    co.observe(0, 10);
    co.observe(0, 11);
    co.observe(0, 12); // window 2: pairs with 10 and 11
    co.observe(0, 13); // pairs with 11 and 12, not 10
    expect(co.countOf(10, 11)).toBe(1);
    expect(co.countOf(11, 10)).toBe(0.5);
    expect(co.countOf(10, 12)).toBe(1);
    expect(co.countOf(10, 13)).toBe(0);
    expect(co.countOf(12, 13)).toBe(1);
    expect(co.countOf(13, 11)).toBe(0.5);
  });

  it('does not count a re-visit within the window again', () => {
    const co = new CoVisitation(options);
    co.observe(0, 10);
    co.observe(0, 11);
    co.observe(0, 10);
    co.observe(0, 11);
    expect(co.countOf(10, 11)).toBe(1);
    expect(co.seedsOf(0)).toEqual([11, 10]);
  });

  it('recommends what followed the user\'s recent items, naming the seed', () => {
    const co = new CoVisitation(options);
    for (let user = 1; user <= 3; user++) {
      co.observe(user, 10);
      co.observe(user, 20);
    }
    co.observe(4, 30);
    co.observe(4, 40);
    co.observe(0, 10);
    const [first] = co.recommend(0, 5, openFilter(), 100);
    expect(first).toMatchObject({ item: 20, model: 'covisit', seedItem: 10 });
  });
});

describe('category affinity', () => {
  it('recommends popular items of the user\'s favourite category, naming it', () => {
    const r = new Recommender(settingsWith());
    for (let n = 0; n < 5; n++) r.learn({ userId: `u${n}`, itemId: 'shoe-1', categoryId: 'shoes', type: 'view', time: n });
    r.learn({ userId: 'u9', itemId: 'hat-1', categoryId: 'hats', type: 'view', time: 9 });
    r.learn({ userId: 'me', itemId: 'shoe-2', categoryId: 'shoes', type: 'add_to_cart', time: 10 });
    const [first] = r.recommend('me', 3, 'category');
    expect(first).toMatchObject({ itemId: 'shoe-1', reason: { model: 'category', categoryId: 'shoes' } });
  });
});
