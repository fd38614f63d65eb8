// Connects the models the pipelines build to what triggers and the policy ask of them: the
// recommender (recommendations pipeline), profiles and segments, and the behaviour model. Built
// once per process, before the runtime; every answer is looked up when asked, and each falls back
// cleanly (undefined, or the trigger's own fallback) when its model is off or knows nothing.

import type { PushflowConfig } from '../config/schema.js';
import type { SendTimeSignals } from '../decide/sendTimeSignals.js';
import { inQuietWindow, quietWindow } from '../decide/quietHours.js';
import { isValidTimeZone } from '../decide/zonedTime.js';
import { profileSendTimeSignals, profileTriggerPorts } from '../profile/profilePorts.js';
import { outOfStockIn } from '../recommend/recommendForInspect.js';
import { reasonLabel } from '../recommend/scoredItem.js';
import { behaviorSignals } from '../behavior/index.js';
import { LatestBehaviorScores } from '../behavior/latestBehaviorScores.js';
import type { BehaviorScorer } from '../behavior/behaviorScorer.js';
import { liveRecommenderOf } from '../../pipelines/recommendations.js';
import type { TriggerPorts } from '../../pipelines/ports.js';
import { CatalogStore } from '../../state/catalogStore.js';
import type { StateStore } from '../../state/stateStore.js';
import { UserStore } from '../../state/userStore.js';

export interface ModelConnections {
  ports: Partial<TriggerPorts>;
  signals: SendTimeSignals;
  /** Behaviour scores read by decisions; the process scores the users they asked about after each batch. */
  behaviorScores?: LatestBehaviorScores;
}

/**
 * @example
 * const models = connectModels(store, config, behavior?.scorer);
 * new PipelineRuntime({ ...options, ports: models.ports, signals: models.signals });
 * // after each committed batch: models.behaviorScores?.refresh(256)
 */
export function connectModels(store: StateStore, config: PushflowConfig, scorer?: BehaviorScorer): ModelConnections {
  const ports: Partial<TriggerPorts> = {};
  let signals: SendTimeSignals = {};
  if (config.profile.enabled) {
    Object.assign(ports, profileTriggerPorts(store, config));
    signals = profileSendTimeSignals(store, config);
  }
  if (config.recommend.enabled) ports.recommendItems = recommendedItems(store);
  if (scorer === undefined) return { ports, signals };

  const behaviorScores = new LatestBehaviorScores(scorer, config.behavior.scoring.cacheSize);
  const users = new UserStore(store);
  const timeZoneOf = (userId: string) => {
    const zone = users.get(userId)?.timeZone;
    return zone !== undefined && isValidTimeZone(zone) ? zone : config.defaults.timeZone;
  };
  const behavior = behaviorSignals((userId) => behaviorScores.read(userId), timeZoneOf);
  const { quietHours } = config.policy;
  const quiet = quietWindow(quietHours);
  // A digest planned in the quiet window would only be held to its end: pick the best hour outside it.
  const audible = (hour: number) => !(config.policy.enabled && quietHours.enabled) || (!inQuietWindow(quiet, hour * 60) && !inQuietWindow(quiet, hour * 60 + 59));
  ports.nextInterest = behavior.nextInterest;
  ports.bestSendHour = (userId) => behavior.bestSendHour(userId, audible);
  ports.purchasePropensity = (userId) => {
    if (!behaviorScores.hasModel) return undefined;
    // Scores from before the model (history alone) carry no propensity: fresh ones are on their way.
    return behavior.purchasePropensity(userId) ?? 'pending';
  };
  signals = { ...signals, activeHourProbabilities: behavior.activeHourProbabilities };
  return { ports, signals, behaviorScores };
}

/**
 * The hybrid recommender's top-k (eALS blended with popularity, co-visitation and category
 * affinity by the user's history; popularity alone for a cold user), without out-of-stock items
 * and (per `recommend.excludePurchased`) what the user bought. Empty until the pipeline has opened
 * the recommender or learnt anything, so that the trigger's own fallback answers.
 */
function recommendedItems(store: StateStore): TriggerPorts['recommendItems'] {
  const isUnavailable = outOfStockIn(new CatalogStore(store));
  return (userId, k) => {
    const live = liveRecommenderOf(store);
    if (live === undefined) return [];
    return live.recommend(userId, k, 'hybrid', { isUnavailable }).map(({ itemId, reason }) => ({ itemId, reason: reasonLabel(reason) }));
  };
}
