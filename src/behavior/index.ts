// The behaviour model's public surface: what the process, triggers, policy and `pushflow
// inspect` use. The model itself (GRU, features, training) stays behind these.

import { ZoneClock } from '../sources/simulator/localTime.js';
import type { BehaviorScorer, BehaviorScores } from './behaviorScorer.js';

export { BehaviorModelService, type BehaviorModelServiceOptions } from './behaviorModelService.js';
export { BehaviorScorer, activeHourStart, type BehaviorScores } from './behaviorScorer.js';
export { LatestBehaviorScores } from './latestBehaviorScores.js';
export { behaviorScoresForInspect, type BehaviorInspection } from './behaviorScoresForInspect.js';
export { evaluateBehavior, type BehaviorEvaluation } from './evaluateBehavior.js';
export { loadTensorflow, type TfBackendName } from './tfBackend.js';

const HOUR_MS = 3_600_000;
const zoneClocks = new Map<string, ZoneClock>();

/**
 * The scores' 24 activity probabilities re-indexed by the user's LOCAL hour of day (0-23), the
 * shape send-time policy reads: hour k after the latest event is filed under the local hour its
 * middle falls in.
 */
export function activeProbabilityByLocalHour(scores: BehaviorScores, timeZone: string): Float64Array {
  let clock = zoneClocks.get(timeZone);
  if (clock === undefined) zoneClocks.set(timeZone, (clock = new ZoneClock(timeZone)));
  const byHour = new Float64Array(24);
  scores.activeHours.forEach((probability, k) => {
    const hour = clock!.hourAt(scores.asOf + k * HOUR_MS + HOUR_MS / 2);
    byHour[hour] = Math.max(byHour[hour], probability);
  });
  return byHour;
}

/**
 * Adapters from the scorer to what triggers (`TriggerPorts.nextInterest`, `bestSendHour`) and the
 * send-time policy (`SendTimeSignals.activeHourProbabilities`) ask, plus the purchase propensity
 * for whether to send. Given the scorer, each call scores one user through its cache; given a
 * lookup instead (`LatestBehaviorScores.read`), it reads what is cached and never computes.
 */
export function behaviorSignals(source: BehaviorScorer | ((userId: string) => BehaviorScores | undefined), timeZoneOf: (userId: string) => string) {
  const scoresOf = typeof source === 'function' ? source : (userId: string) => source.scoreUsers([userId]).get(userId);
  const byLocalHour = (userId: string): Float64Array | undefined => {
    const scores = scoresOf(userId);
    return scores === undefined ? undefined : activeProbabilityByLocalHour(scores, timeZoneOf(userId));
  };
  return {
    /** The category the user most probably engages with next. */
    nextInterest: (userId: string): string | undefined => scoresOf(userId)?.nextCategories[0]?.categoryId,
    /** P(activity) by local hour of day, from the 24 hours after the user's latest event. */
    activeHourProbabilities: byLocalHour,
    /**
     * The local hour (0-23) of the highest P(activity) among the `allowed` ones; undefined when the
     * user is unknown or the model sees no difference between those hours.
     */
    bestSendHour: (userId: string, allowed: (hour: number) => boolean = () => true): number | undefined => {
      const probabilities = byLocalHour(userId);
      if (probabilities === undefined) return undefined;
      let best: number | undefined;
      let lowest = Infinity;
      for (let hour = 0; hour < 24; hour++) {
        if (!allowed(hour)) continue;
        lowest = Math.min(lowest, probabilities[hour]);
        if (best === undefined || probabilities[hour] > probabilities[best]) best = hour;
      }
      return best !== undefined && probabilities[best] - lowest > 1e-6 ? best : undefined;
    },
    /** P(purchase within 24 h of the latest event), with that event's time; undefined before a model is trained. */
    purchasePropensity: (userId: string): { probability: number; asOf: number } | undefined => {
      const scores = scoresOf(userId);
      return scores?.purchaseIn24h == null ? undefined : { probability: scores.purchaseIn24h, asOf: scores.asOf };
    },
  };
}
