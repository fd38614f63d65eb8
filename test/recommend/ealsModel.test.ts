import { describe, expect, it } from 'vitest';
import { EalsModel } from '../../src/recommend/ealsModel.js';
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
