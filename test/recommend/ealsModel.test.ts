import { describe, expect, it } from 'vitest';
import { EalsModel } from '../../src/recommend/ealsModel.js';
import { SeededRandom } from '../../src/recommend/seededRandom.js';
import { EALS_OPTIONS, randomModel } from './support.js';

/** The objective summed pair by pair over every user and item, without any cache. */
function directLoss(model: EalsModel): number {
  let loss = 0;
  for (let user = 0; user < model.userCount; user++) {
    for (let item = 0; item < model.itemCount; item++) {
      const prediction = model.score(user, item);
      const w = model.interactions.confidence(user, item);
      loss += w > 0 ? w * (1 - prediction) ** 2 : model.missingWeightOf(item) * prediction ** 2;
    }
  }
  let norms = 0;
  for (let index = 0; index < model.userCount * model.k; index++) norms += model.userFactors[index] ** 2;
  for (let index = 0; index < model.itemCount * model.k; index++) norms += model.itemFactors[index] ** 2;
  return loss + model.options.regularization * norms;
}

/** S^q = sum_i c_i q_i q_i^T and S^p = sum_u p_u p_u^T, computed directly. */
function directCaches(model: EalsModel): { sq: number[]; sp: number[] } {
  const k = model.k;
  const sq = new Array<number>(k * k).fill(0);
  const sp = new Array<number>(k * k).fill(0);
  for (let item = 0; item < model.itemCount; item++) {
    const c = model.missingWeightOf(item);
    for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) sq[a * k + b] += c * model.itemFactors[item * k + a] * model.itemFactors[item * k + b];
  }
  for (let user = 0; user < model.userCount; user++) {
    for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) sp[a * k + b] += model.userFactors[user * k + a] * model.userFactors[user * k + b];
  }
  return { sq, sp };
}

/**
 * One pass of coordinate descent over a user's (or an item's) factors by the textbook formula,
 * summing over every item (user) without caches: the observed pairs are the row's `history`
 * most recent entries, every other pair is missing data with weight c_i.
 *   x_f = (sum_obs w (1 - r_-f) g_f - sum_missing c r_-f g_f) / (sum_obs w g_f^2 + sum_missing c g_f^2 + lambda)
 */
function directUpdate(model: EalsModel, side: 'user' | 'item', row: number, history = Infinity): number[] {
  const k = model.k;
  const rows = side === 'user' ? model.interactions.byUser : model.interactions.byItem;
  const own = side === 'user' ? model.userFactors : model.itemFactors;
  const others = side === 'user' ? model.itemFactors : model.userFactors;
  const otherCount = side === 'user' ? model.itemCount : model.userCount;
  const length = rows.lengths[row];
  const observed = new Map<number, number>();
  const start = rows.starts[row];
  for (let j = Math.max(0, length - history); j < length; j++) observed.set(rows.columns[start + j], rows.weights[start + j]);
  const x = Array.from(own.subarray(row * k, (row + 1) * k));
  for (let f = 0; f < k; f++) {
    let numerator = 0;
    let denominator = model.options.regularization;
    for (let other = 0; other < otherCount; other++) {
      const g = others.subarray(other * k, (other + 1) * k);
      let rest = 0;
      for (let h = 0; h < k; h++) if (h !== f) rest += x[h] * g[h];
      const w = observed.get(other);
      if (w !== undefined) {
        numerator += w * (1 - rest) * g[f];
        denominator += w * g[f] * g[f];
      } else {
        const c = model.missingWeightOf(side === 'user' ? other : row);
        numerator -= c * rest * g[f];
        denominator += c * g[f] * g[f];
      }
    }
    x[f] = Math.fround(numerator / denominator);
  }
  return x;
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  for (let index = 0; index < expected.length; index++) expect(Math.abs(actual[index] - expected[index])).toBeLessThan(tolerance);
}

describe('eALS model', () => {
  it('computes the loss with its caches exactly as the pair-by-pair sum', () => {
    const model = randomModel(12, 15, 0.3);
    model.sweep();
    expect(model.loss()).toBeCloseTo(directLoss(model), 6);
  });

  it('never increases the loss over sweeps, and lowers it substantially', () => {
    const model = randomModel(30, 40, 0.15);
    const losses = [model.loss()];
    for (let sweep = 0; sweep < 8; sweep++) {
      model.sweep();
      losses.push(model.loss());
    }
    for (let index = 1; index < losses.length; index++) expect(losses[index]).toBeLessThanOrEqual(losses[index - 1] + 1e-6);
    expect(losses.at(-1)!).toBeLessThan(losses[0] * 0.8);
  });

  it('solves each coordinate exactly: at the fixed point of user updates, no single factor can lower the loss', () => {
    const model = randomModel(10, 12, 0.3);
    model.sweep();
    // Each pass minimizes coordinate by coordinate; repeated passes reach the row's optimum.
    for (let pass = 0; pass < 200; pass++) model.updateUser(3);
    model.recomputeCaches();
    const base = model.loss();
    for (let f = 0; f < model.k; f++) {
      for (const step of [1e-3, -1e-3]) {
        model.userFactors[3 * model.k + f] += step;
        model.recomputeCaches();
        expect(model.loss()).toBeGreaterThanOrEqual(base - 1e-9);
        model.userFactors[3 * model.k + f] -= step;
      }
    }
  });

  it('keeps S^q and S^p equal to a direct computation through online updates, new users and new items', () => {
    const model = randomModel(10, 10, 0.3);
    model.sweep();
    model.learn(2, 5, 3);
    model.learn(10, 3, 1); // a new user
    model.learn(4, 11, 2); // a new item (and item 10 in between)
    model.learn(10, 11, 4, true);
    const { sq, sp } = directCaches(model);
    expectClose(model.itemCache(), sq, 1e-9);
    expectClose(model.userCache(), sp, 1e-9);
    expect(model.userCount).toBe(11);
    expect(model.itemCount).toBe(12);
  });

  it('updates a user and an item exactly as the textbook formula summed over every pair', () => {
    const model = randomModel(25, 30, 0.3, 5, { factors: 7 });
    for (let sweep = 0; sweep < 2; sweep++) model.sweep();
    for (const user of [0, 7, 24]) {
      const expected = directUpdate(model, 'user', user);
      model.updateUser(user);
      expectClose(model.userRow(user), expected, 1e-5);
    }
    for (const item of [1, 13, 29]) {
      const expected = directUpdate(model, 'item', item);
      model.updateItem(item);
      expectClose(model.itemRow(item), expected, 1e-5);
    }
  });

  it('updates rows longer than the kernel first had room for exactly, its caches kept through the growth', () => {
    const model = randomModel(3, 700, 0.6, 11, { factors: 5 });
    expect(model.interactions.userLength(0)).toBeGreaterThan(256);
    model.sweep();
    const expected = directUpdate(model, 'user', 0);
    model.updateUser(0);
    expectClose(model.userRow(0), expected, 1e-5);
    const { sq, sp } = directCaches(model);
    expectClose(model.itemCache(), sq, 1e-9);
    expectClose(model.userCache(), sp, 1e-9);
  });

  it('reads only the most recent entries of a long row when capped, as the formula with the older ones missing', () => {
    const model = randomModel(20, 40, 0.5, 9, { factors: 6 });
    model.sweep();
    const user = 3;
    const length = model.interactions.userLength(user);
    expect(length).toBeGreaterThan(12);
    const expected = directUpdate(model, 'user', user, 8);
    model.updateUser(user, 8);
    expectClose(model.userRow(user), expected, 1e-5);
    const item = 5;
    expect(model.interactions.itemLength(item)).toBeGreaterThan(6);
    const expectedItem = directUpdate(model, 'item', item, 4);
    model.updateItem(item, 4);
    expectClose(model.itemRow(item), expectedItem, 1e-5);
  });

  it('learns online exactly as the uncapped update while every row is shorter than the cap', () => {
    const capped = randomModel(15, 20, 0.2, 4, { onlineHistory: 64 });
    const full = randomModel(15, 20, 0.2, 4);
    capped.sweep();
    full.sweep();
    const random = new SeededRandom(8);
    for (let n = 0; n < 60; n++) {
      const user = Math.floor(random.next() * 17);
      const item = Math.floor(random.next() * 23);
      capped.learn(user, item, 1 + (n % 3));
      full.learn(user, item, 1 + (n % 3));
    }
    expect([...capped.userFactors]).toEqual([...full.userFactors]);
    expect([...capped.itemFactors]).toEqual([...full.itemFactors]);
  });

  it('raises the user\'s score on the item of an online update', () => {
    const model = randomModel(20, 30, 0.1);
    for (let sweep = 0; sweep < 5; sweep++) model.sweep();
    const item = [...Array(30).keys()].find((candidate) => model.interactions.confidence(4, candidate) === 0)!;
    const before = model.score(4, item);
    model.learn(4, item, 4);
    expect(model.score(4, item)).toBeGreaterThan(before + 0.05);
  });

  it('adds repeated events to a pair\'s confidence, up to the cap', () => {
    const model = new EalsModel({ ...EALS_OPTIONS, maxConfidence: 5 });
    model.observe(0, 0, 2);
    model.observe(0, 0, 2);
    expect(model.interactions.confidence(0, 0)).toBe(4);
    model.observe(0, 0, 2);
    expect(model.interactions.confidence(0, 0)).toBe(5);
    expect(model.interactions.itemLength(0)).toBe(1);
  });

  it('gives popular items more of the missing weight, which sums to c0', () => {
    const model = new EalsModel({ ...EALS_OPTIONS, missingWeight: 10, popularityExponent: 1 });
    model.observe(0, 0, 1);
    model.observe(1, 0, 1);
    model.observe(2, 0, 1);
    model.observe(0, 1, 1);
    expect(model.missingWeightOf(0)).toBeCloseTo(7.5);
    expect(model.missingWeightOf(1)).toBeCloseTo(2.5);
  });

  it('is deterministic for a seed', () => {
    const a = randomModel(8, 8, 0.3, 3);
    const b = randomModel(8, 8, 0.3, 3);
    a.sweep();
    b.sweep();
    expect([...a.userFactors]).toEqual([...b.userFactors]);
  });
});
