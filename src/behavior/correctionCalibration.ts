// How much of the network's corrections to its two priors (RFM logistic regression for purchase,
// own hour histogram for activity) to keep: per head (per hour for activity), the share in
// 0, 0.1, ..., 1 with the lowest log-loss on held-out examples. A correction that only fits the
// training users' past is shrunk toward the prior; one that carries over is kept whole.

import { logLoss } from './evaluationMetrics.js';
import type { ExamplePredictions } from './trainBehaviorModel.js';
import { ACTIVE_SLOTS, isActive, type BehaviorExample } from './trainingExamples.js';

export const SCALE_CHOICES = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];

export interface CorrectionScales {
  purchase: number;
  active: number[];
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** The scales with the lowest log-loss over `examples` (those with 24-hour labels; all ones without any). */
export function tuneCorrectionScales(examples: readonly BehaviorExample[], predictions: ExamplePredictions, indices?: readonly number[]): CorrectionScales {
  const chosen = (indices ?? examples.map((_, i) => i)).filter((i) => examples[i].future);
  if (chosen.length === 0) return { purchase: 1, active: new Array<number>(ACTIVE_SLOTS).fill(1) };
  const best = (probability: (i: number, scale: number) => number, label: (i: number) => boolean) => {
    let bestScale = 1;
    let bestLoss = Infinity;
    for (const scale of SCALE_CHOICES) {
      const loss = logLoss(chosen.map((i) => probability(i, scale)), chosen.map(label));
      if (loss < bestLoss - 1e-9) [bestScale, bestLoss] = [scale, loss];
    }
    return bestScale;
  };
  const purchase = best(
    (i, scale) => sigmoid(predictions.purchasePrior[i] + scale * predictions.purchaseCorrection[i]),
    (i) => examples[i].purchase,
  );
  const active = Array.from({ length: ACTIVE_SLOTS }, (_, k) =>
    best(
      (i, scale) => sigmoid(predictions.hourPrior[i * ACTIVE_SLOTS + k] + scale * predictions.activeCorrection[i * ACTIVE_SLOTS + k]),
      (i) => isActive(examples[i], k),
    ),
  );
  return { purchase, active };
}

/** Recomputes the predictions' probabilities with the given scales (in place). */
export function applyCorrectionScales(predictions: ExamplePredictions, scales: CorrectionScales): void {
  for (let i = 0; i < predictions.purchase.length; i++) {
    predictions.purchase[i] = sigmoid(predictions.purchasePrior[i] + scales.purchase * predictions.purchaseCorrection[i]);
    for (let k = 0; k < ACTIVE_SLOTS; k++) {
      const at = i * ACTIVE_SLOTS + k;
      predictions.active[at] = sigmoid(predictions.hourPrior[at] + scales.active[k] * predictions.activeCorrection[at]);
    }
  }
}
