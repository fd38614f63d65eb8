// What `pushflow inspect user ID` shows of the behaviour model: the user's five most probable
// next categories, the probability of a purchase within 24 hours, and the probability of
// activity in each of the 24 hours after the user's latest event, labelled in the user's zone.
// Read-only: opens the user's sequence and the champion model of an existing data directory.

import type { PushflowConfig } from '../config/schema.js';
import { BehaviorSequenceStore } from '../../state/behaviorSequenceStore.js';
import type { StateStore } from '../../state/stateStore.js';
import { UserStore } from '../../state/userStore.js';
import { disposeWeights, weightsFromArtifacts } from './behaviorNetwork.js';
import { BehaviorScorer } from './behaviorScorer.js';
import { ModelMeta } from './modelMeta.js';
import { ModelVersions } from './modelVersions.js';
import { loadTensorflow } from './tfBackend.js';
import type { InspectSection } from '../cli/inspectSections.js';

const HOUR_MS = 3_600_000;

export interface BehaviorInspection {
  userId: string;
  /** `model`: the network's scores; `history`: no trained model yet, the user's own history alone. */
  source: 'model' | 'history';
  modelVersion: number | null;
  /** TensorFlow.js backend the model ran on (absent without a model). */
  backend?: string;
  /** The user's latest event (ISO 8601): the scores are as of it. */
  asOf: string;
  timeZone: string;
  /** Buffered events the scores were read from. */
  events: number;
  nextCategories: { categoryId: string; probability: number }[];
  /** Null without a trained model. */
  purchaseIn24h: number | null;
  /** Hour k after the latest event: its start (ISO and local wall clock) and P(activity). */
  activeHours: { startsAt: string; local: string; probability: number }[];
}

/** The behaviour section of `pushflow inspect user ID`; undefined when the user has no recorded behaviour. */
export async function behaviorScoresForInspect(state: StateStore, config: PushflowConfig, userId: string): Promise<BehaviorInspection | undefined> {
  const settings = config.behavior;
  const sequences = new BehaviorSequenceStore(state, settings.bufferLength);
  const sequence = sequences.get(userId);
  if (sequence === undefined || sequence.length === 0) return undefined;
  const scorer = new BehaviorScorer(sequences, { batchSize: 1, cacheSize: 1, historyWindow: settings.bufferLength });
  const stored = await ModelVersions.under(config.dataDir, settings.training.versionsKept).loadChampion();
  let backend: string | undefined;
  if (stored !== undefined) {
    const runtime = await loadTensorflow(settings.backend);
    backend = runtime.backend;
    scorer.setModel({ tf: runtime.tf, weights: weightsFromArtifacts(runtime.tf, stored.artifacts), meta: new ModelMeta(stored.meta), version: stored.record.version });
  }
  try {
    const scores = scorer.scoreUsers([userId]).get(userId)!;
    const timeZone = new UserStore(state).get(userId)?.timeZone ?? config.defaults.timeZone;
    const clock = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    return {
      userId,
      source: scores.source,
      modelVersion: scores.modelVersion,
      ...(backend === undefined ? {} : { backend }),
      asOf: new Date(scores.asOf).toISOString(),
      timeZone,
      events: sequence.length,
      nextCategories: scores.nextCategories,
      purchaseIn24h: scores.purchaseIn24h,
      activeHours: scores.activeHours.map((probability, k) => {
        const startsAt = new Date(scores.asOf + k * HOUR_MS);
        return { startsAt: startsAt.toISOString(), local: clock.format(startsAt), probability };
      }),
    };
  } finally {
    const model = scorer.activeModel();
    if (model !== undefined) disposeWeights(model.tf, model.weights);
  }
}

/** The behaviour section of `pushflow inspect user ID`, when the model is on and the user has behaviour. */
export const behaviorSection: InspectSection = async ({ state, config }, userId) => {
  if (!config.behavior.enabled) return undefined;
  const data = await behaviorScoresForInspect(state, config, userId);
  return data === undefined ? undefined : { title: 'behavior', data };
};
