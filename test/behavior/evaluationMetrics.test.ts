import { describe, expect, it } from 'vitest';
import { auc, logLoss, mrrAtK, recallAtK } from '../../src/behavior/evaluationMetrics.js';

describe('evaluation metrics', () => {
  const rankings = [
    [1, 2, 3, 4, 5],
    [9, 8, 7, 6, 5],
    [1, 2, 3, 4, 5, 6],
  ];

  it('Recall@5 counts the truths within the first five', () => {
    expect(recallAtK(rankings, [3, 1, 6], 5)).toBeCloseTo(1 / 3);
    expect(recallAtK(rankings, [1, 5, 5], 5)).toBe(1);
  });

  it('MRR@5 averages the reciprocal rank within the first five, 0 beyond', () => {
    expect(mrrAtK(rankings, [3, 5, 6], 5)).toBeCloseTo((1 / 3 + 1 / 5 + 0) / 3);
  });

  it('AUC is the share of positive-negative pairs ranked right, ties counting half', () => {
    expect(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.75);
    expect(auc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBeCloseTo(0.5);
    expect(auc([0.9, 0.8, 0.1], [1, 1, 0])).toBe(1);
    expect(auc([1, 2], [1, 1])).toBeNaN();
  });

  it('log-loss is the mean binary cross-entropy, probabilities clipped', () => {
    expect(logLoss([0.5, 0.5], [1, 0])).toBeCloseTo(Math.log(2));
    expect(logLoss([0.9, 0.2], [1, 0])).toBeCloseTo(-(Math.log(0.9) + Math.log(0.8)) / 2);
    expect(Number.isFinite(logLoss([0, 1], [1, 0]))).toBe(true);
  });
});
