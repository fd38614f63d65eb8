import { describe, expect, it } from 'vitest';
import { NextCategoryBaselines } from '../../src/behavior/baselines/nextCategoryBaselines.js';
import { fillWithPopular, PopularityRanking } from '../../src/behavior/baselines/popularityRanking.js';
import { LogisticRegression } from '../../src/behavior/baselines/rfmLogisticRegression.js';
import { HourHistogramBaseline } from '../../src/behavior/baselines/hourHistogram.js';
import { auc } from '../../src/behavior/evaluationMetrics.js';
import { MarkovCounter } from '../../src/behavior/markovTable.js';
import { sequenceOf, VIEW } from '../../src/behavior/eventSequence.js';

describe('popularity ranking', () => {
  it('keeps categories ordered by count as counts grow', () => {
    const ranking = new PopularityRanking();
    for (const c of [1, 2, 2, 3, 3, 3, 1, 1, 1]) ranking.add(c);
    expect(ranking.top(3)).toEqual([1, 3, 2]);
    expect(ranking.count(1)).toBe(4);
  });

  it('fills a short list with the most popular categories it lacks', () => {
    const ranking = new PopularityRanking();
    for (const c of [5, 5, 6, 7]) ranking.add(c);
    expect(fillWithPopular([6], ranking, 3)).toEqual([6, 5, 7]);
  });
});

describe('next-category baselines', () => {
  const baselines = new NextCategoryBaselines();
  // Everyone goes 1 -> 2 -> 3; u1 also loves category 9.
  for (const user of ['a', 'b', 'c']) for (const c of [1, 2, 3]) baselines.observe(user, c);
  for (const c of [9, 9, 9, 1]) baselines.observe('u1', c);

  it('first-order Markov: the most frequent successors of the last category', () => {
    expect(baselines.rank('u1', 5).markov.slice(0, 1)).toEqual([2]);
  });

  it('most popular: the same list for everyone', () => {
    expect(baselines.rank('u1', 2).popularity).toEqual(baselines.rank('a', 2).popularity);
    expect(baselines.rank('a', 5).popularity.slice(0, 2)).toEqual([1, 2]);
  });

  it("own history: the user's most frequent categories", () => {
    expect(baselines.rank('u1', 5).ownHistory[0]).toBe(9);
  });

  it('the blend puts the last category first, then own and Markov', () => {
    const blend = baselines.rank('u1', 5).lastOwnMarkov;
    expect(blend[0]).toBe(1);
    expect(blend.slice(1, 3).sort()).toEqual([2, 9]);
  });

  it('a user never seen gets the popular list', () => {
    expect(baselines.rank('new', 3).markov).toEqual(baselines.rank('new', 3).popularity);
  });
});

describe('Markov table', () => {
  it('leaves a training example its own transition out', () => {
    const counter = new MarkovCounter();
    counter.add(1, 2);
    counter.add(1, 2);
    counter.add(1, 3);
    const table = counter.table(10);
    expect(table.probability(1, 2)).toBeCloseTo(2 / 3);
    expect(table.probability(1, 2, true)).toBeCloseTo(1 / 2);
    expect(table.probability(1, 3, true)).toBe(0);
    expect(table.probability(4, 2)).toBe(0);
  });
});

describe('logistic regression (the RFM baseline)', () => {
  it('learns a monotone relation and ranks by it', () => {
    const rows: number[][] = [];
    const labels: boolean[] = [];
    for (let i = 0; i < 200; i++) {
      const x = (i % 20) / 20;
      rows.push([x, (i * 7) % 3]);
      labels.push(x > 0.5 !== (i % 10 === 0));
    }
    const model = new LogisticRegression().fit(rows, labels);
    expect(model.coefficients()[1]).toBeGreaterThan(0);
    expect(model.predict([0.9, 1])).toBeGreaterThan(model.predict([0.1, 1]));
    expect(auc(rows.map((row) => model.predict(row)), labels)).toBeGreaterThan(0.85);
  });
});

describe('own hour histogram', () => {
  it('predicts the hours of day the user was active in', () => {
    const day = 86_400;
    const start = 1_700_006_400 - (1_700_006_400 % day);
    // Active at 09:xx UTC on five days, then an anchor at 08:00 on the sixth.
    const events = Array.from({ length: 5 }, (_, d) => ({ time: start + d * day + 9 * 3600 + 60, type: VIEW, category: 1 }));
    events.push({ time: start + 5 * day + 8 * 3600, type: VIEW, category: 1 });
    const sequence = sequenceOf(events, 64)!;
    const baseline = new HourHistogramBaseline(new Array(24).fill(0.05), 1);
    const prior = baseline.predict(sequence, sequence.length - 1);
    // The hour starting at 08:00 is 08:00-09:00, the next 09:00-10:00.
    expect(prior[1]).toBeGreaterThan(0.6);
    expect(prior[5]).toBeLessThan(0.1);
  });
});
