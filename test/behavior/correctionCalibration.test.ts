import { describe, expect, it } from 'vitest';
import { applyCorrectionScales, tuneCorrectionScales } from '../../src/behavior/correctionCalibration.js';
import type { ExamplePredictions } from '../../src/behavior/trainBehaviorModel.js';
import type { BehaviorExample } from '../../src/behavior/trainingExamples.js';
import { seededRandom } from '../../src/behavior/seededShuffle.js';

const logit = (p: number) => Math.log(p / (1 - p));

/** Examples whose true purchase probability is `truth`; the prior says 0.3 for all. */
function fixture(n: number, correctionIsRight: boolean) {
  const random = seededRandom(11);
  const examples: BehaviorExample[] = [];
  const predictions: ExamplePredictions = {
    ranked: [],
    gruRanked: [],
    nextProbability: new Float64Array(n),
    purchase: new Float32Array(n),
    active: new Float32Array(n * 24),
    purchasePrior: new Float32Array(n).fill(logit(0.3)),
    purchaseCorrection: new Float32Array(n),
    hourPrior: new Float32Array(n * 24).fill(logit(0.2)),
    activeCorrection: new Float32Array(n * 24),
  };
  for (let i = 0; i < n; i++) {
    const truth = i % 2 === 0 ? 0.1 : 0.6;
    const purchase = random() < (correctionIsRight ? truth : 0.3);
    examples.push({ sequence: 0, anchor: i, time: i, next: -1, future: true, purchase, active: 0 });
    predictions.purchaseCorrection[i] = logit(truth) - logit(0.3);
  }
  return { examples, predictions };
}

describe('correction calibration', () => {
  it('keeps a correction that holds on held-out examples', () => {
    const { examples, predictions } = fixture(2000, true);
    expect(tuneCorrectionScales(examples, predictions).purchase).toBeGreaterThanOrEqual(0.8);
  });

  it('shrinks away a correction that does not', () => {
    const { examples, predictions } = fixture(2000, false);
    expect(tuneCorrectionScales(examples, predictions).purchase).toBeLessThanOrEqual(0.2);
  });

  it('drops hour corrections that raise hours in which no held-out user was active', () => {
    const { examples, predictions } = fixture(200, true);
    predictions.activeCorrection.fill(1);
    const scales = tuneCorrectionScales(examples, predictions);
    expect(scales.active).toEqual(new Array(24).fill(0));
    applyCorrectionScales(predictions, scales);
    expect(predictions.active[5]).toBeCloseTo(0.2, 5);
  });
});
