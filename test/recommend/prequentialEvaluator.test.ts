import { describe, expect, it } from 'vitest';
import { evaluatePrequential, labelTestInteractions } from '../../src/recommend/prequentialEvaluator.js';
import { RankingAccumulator } from '../../src/recommend/rankingMetrics.js';
import type { Interaction } from '../../src/recommend/recommender.js';
import { settingsWith } from './support.js';

const MINUTE = 60_000;
const view = (userId: string, itemId: string, minute: number): Interaction => ({ userId, itemId, type: 'view', time: minute * MINUTE });

// Popularity after the 4 training interactions: A 3, B 1 (decay negligible over minutes).
const DATA: Interaction[] = [
  view('u1', 'A', 0),
  view('u2', 'A', 1),
  view('u3', 'A', 2),
  view('u3', 'B', 3),
  view('u4', 'B', 4), // ranked [A, B]: hit at rank 1; u4 is new
  view('u1', 'C', 5), // A excluded (seen), C never seen yet: miss; u1 has history
  view('u1', 'A', 6), // a re-visit: learned, not scored
  view('u5', 'C', 7), // ranked [A, B, C]: rank 2, outside the top 2, inside the top 20
];

describe('ranking metrics', () => {
  it('count a hit at rank r as HR 1 and NDCG 1/log2(r+2) within K, and Recall@20 within 20', () => {
    const metrics = new RankingAccumulator(10);
    metrics.add(0);
    metrics.add(1);
    metrics.add(15);
    metrics.add(-1);
    const summary = metrics.summary();
    expect(summary.count).toBe(4);
    expect(summary.hr).toBeCloseTo(2 / 4);
    expect(summary.ndcg).toBeCloseTo((1 + 1 / Math.log2(3)) / 4);
    expect(summary.recall20).toBeCloseTo(3 / 4);
  });
});

describe('prequential evaluator', () => {
  const settings = settingsWith({ popularityHalfLifeHours: 10_000 });

  it('labels test interactions: re-visits are learned but not scored when seen items are excluded', () => {
    const { trainEnd, labels } = labelTestInteractions(DATA, settings, true, 0.5);
    expect(trainEnd).toBe(4);
    expect(labels).toEqual(['scored', 'scored', 'revisit', 'scored']);
    expect(labelTestInteractions(DATA, settings, false, 0.5).labels).toEqual(['scored', 'scored', 'scored', 'scored']);
  });

  it('reports the HR, NDCG and Recall@20 a hand computation gives, overall and for users with history', () => {
    const report = evaluatePrequential(DATA, { settings, k: 2, models: ['popularity'], excludeSeen: true, trainFraction: 0.5 });
    expect(report).toMatchObject({ trainInteractions: 4, testInteractions: 4, scored: 3, skippedRevisits: 1, users: 5, items: 3 });
    const [popularity] = report.models;
    expect(popularity.all.hr).toBeCloseTo(1 / 3);
    expect(popularity.all.ndcg).toBeCloseTo(1 / Math.log2(3) / 3);
    expect(popularity.all.recall20).toBeCloseTo(2 / 3);
    expect(popularity.withHistory).toMatchObject({ count: 1, hr: 0, ndcg: 0 });
    expect(report.updates.count).toBe(4);
  });

  it('learns before the next prediction: a test item becomes recommendable once seen', () => {
    const data = [view('u1', 'A', 0), view('u2', 'A', 1), view('u3', 'Z', 2), view('u4', 'Z', 3)];
    const report = evaluatePrequential(data, { settings, k: 1, models: ['popularity'], excludeSeen: true, trainFraction: 0.5 });
    // u3's Z is unknown when asked (miss); u4 is asked after Z was learned, but A is still the most popular.
    expect(report.models[0].all.recall20).toBeCloseTo(1 / 2);
  });
});
