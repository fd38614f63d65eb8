// The active-hours baseline: the user's own hour-of-day histogram (share of the user's days with
// activity in each clock hour), smoothed toward the population's hourly rates with a weight, in
// days, picked on the training anchors by log-loss.

import type { EventSequence } from '../eventSequence.js';
import { logLoss } from '../evaluationMetrics.js';
import { asOf, ownHourPrior } from '../userHistory.js';
import { ACTIVE_SLOTS, isActive, type BehaviorExample } from '../trainingExamples.js';

export const SMOOTHING_CHOICES = [0.25, 0.5, 1, 2, 4, 8, 16];
const DEFAULT_SMOOTHING_DAYS = 2;

export class HourHistogramBaseline {
  constructor(
    private readonly hourRates: ArrayLike<number>,
    readonly smoothingDays: number,
  ) {}

  /** P(active) in each of the 24 hours after the anchor. */
  predict(sequence: EventSequence, anchor: number): Float64Array {
    return ownHourPrior(sequence, anchor, asOf(sequence, anchor).hourCells, this.hourRates, this.smoothingDays);
  }

  /** The smoothing with the lowest log-loss on `examples` (those with 24-hour labels). */
  static tuned(sequences: readonly EventSequence[], examples: readonly BehaviorExample[], hourRates: ArrayLike<number>): HourHistogramBaseline {
    // Without labelled examples (too little data yet), a middling smoothing.
    let best = new HourHistogramBaseline(hourRates, DEFAULT_SMOOTHING_DAYS);
    let bestLoss = Infinity;
    for (const smoothing of SMOOTHING_CHOICES) {
      const baseline = new HourHistogramBaseline(hourRates, smoothing);
      const loss = baseline.logLoss(sequences, examples);
      if (loss < bestLoss) [best, bestLoss] = [baseline, loss];
    }
    return best;
  }

  logLoss(sequences: readonly EventSequence[], examples: readonly BehaviorExample[]): number {
    const probabilities: number[] = [];
    const labels: boolean[] = [];
    for (const example of examples) {
      if (!example.future) continue;
      const prior = this.predict(sequences[example.sequence], example.anchor);
      for (let k = 0; k < ACTIVE_SLOTS; k++) {
        probabilities.push(prior[k]);
        labels.push(isActive(example, k));
      }
    }
    return logLoss(probabilities, labels);
  }
}
