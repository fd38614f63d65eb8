// The prequential ("test-then-train") evaluation of eALS's online protocol: interactions sorted
// by time, the first 90% train the models (eALS by full sweeps, the others by streaming them in
// order), then each later interaction is first predicted (top-K for its user, before the model
// knows it) and then learned. Reported per model: HR@K, NDCG@K and Recall@20 over all test
// interactions and over those of users with history, the recommend latency, and the update
// throughput.
//
// Which interactions count: those whose behaviour carries feedback (weight > 0). With
// `excludeSeen` the items the user already interacted with are never recommended, and a test
// interaction on such an item (a re-visit) is learned but not scored, as no model could hit it.
// Without it nothing is excluded, purchases included, and every test interaction is scored.

import { performance } from 'node:perf_hooks';
import { Recommender, type Interaction, type ModelName } from './recommender.js';
import { confidenceOf, type RecommendSettings } from './feedbackWeights.js';
import { LatencyRecorder, RankingAccumulator, type RankingSummary } from './rankingMetrics.js';

export interface EvaluationOptions {
  settings: RecommendSettings;
  k: number;
  models: ModelName[];
  /** Exclude items the user already interacted with, and skip test re-visits. */
  excludeSeen: boolean;
  /** Share of the interactions that trains (default 0.9). */
  trainFraction?: number;
  /** Share of the interactions up to which the test runs (default 1; < 1 for a validation split). */
  testEndFraction?: number;
  /** Full eALS sweeps over the training prefix (default 20). */
  trainSweeps?: number;
  /** A full eALS sweep every this many test interactions, as the background sweep would (0: none). */
  sweepEvery?: number;
  /** Entries of a row one online eALS update reads (default: the recommender's). */
  onlineHistory?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface ModelEvaluation {
  model: ModelName;
  all: RankingSummary;
  withHistory: RankingSummary;
  latencyMs: { p50: number; p99: number };
}

export interface EvaluationReport {
  interactions: number;
  trainInteractions: number;
  testInteractions: number;
  /** Test interactions that were scored. */
  scored: number;
  /** Test re-visits learned but not scored (with `excludeSeen`). */
  skippedRevisits: number;
  users: number;
  items: number;
  k: number;
  excludeSeen: boolean;
  trainMs: number;
  /** Online updates of the test phase (every model learning one interaction). */
  updates: { count: number; perSec: number };
  models: ModelEvaluation[];
}

/** Where a test interaction stands: scored, learned without scoring, or not feedback. */
export type TestLabel = 'scored' | 'revisit' | 'ignored';

/**
 * Labels the test interactions exactly as the evaluator treats them, so that the benchmark's
 * peer is scored on the very same ones.
 */
export function labelTestInteractions(
  interactions: Interaction[],
  settings: RecommendSettings,
  excludeSeen: boolean,
  trainFraction = 0.9,
  testEndFraction = 1,
): { trainEnd: number; testEnd: number; labels: TestLabel[] } {
  const trainEnd = Math.floor(interactions.length * trainFraction);
  const testEnd = Math.floor(interactions.length * testEndFraction);
  const seen = new Set<string>();
  const labels: TestLabel[] = [];
  for (let index = 0; index < testEnd; index++) {
    const { userId, itemId, type } = interactions[index];
    const feedback = confidenceOf(type, settings.confidence) > 0;
    const pair = `${userId}\u0000${itemId}`;
    if (index >= trainEnd) labels.push(!feedback ? 'ignored' : excludeSeen && seen.has(pair) ? 'revisit' : 'scored');
    if (feedback) seen.add(pair);
  }
  return { trainEnd, testEnd, labels };
}

export function evaluatePrequential(interactions: Interaction[], options: EvaluationOptions): EvaluationReport {
  const { settings, k, models, excludeSeen } = options;
  const { trainEnd, testEnd, labels } = labelTestInteractions(
    interactions,
    settings,
    excludeSeen,
    options.trainFraction,
    options.testEndFraction,
  );
  const recommender = new Recommender(settings, options.onlineHistory === undefined ? {} : { onlineHistory: options.onlineHistory });
  const trainStarted = performance.now();
  for (let index = 0; index < trainEnd; index++) recommender.learn(interactions[index], false);
  recommender.eals.recomputeCaches();
  for (let sweep = 0; sweep < (options.trainSweeps ?? 20); sweep++) recommender.eals.sweep();
  const trainMs = performance.now() - trainStarted;

  const depth = Math.max(k, 20);
  const exclude = { excludeSeen, excludePurchased: excludeSeen };
  const results = models.map((model) => ({
    model,
    all: new RankingAccumulator(k),
    withHistory: new RankingAccumulator(k),
    latency: new LatencyRecorder(),
  }));
  let updateMs = 0;
  let updates = 0;
  let scored = 0;
  let skippedRevisits = 0;
  const sweepEvery = options.sweepEvery ?? 0;
  for (let index = trainEnd; index < testEnd; index++) {
    const interaction = interactions[index];
    const label = labels[index - trainEnd];
    if (label === 'ignored') continue;
    if (label === 'scored') {
      scored++;
      const hasHistory = recommender.historyLength(interaction.userId) > 0;
      for (const result of results) {
        const started = performance.now();
        const list = recommender.recommendScored(result.model, interaction.userId, depth, { exclude });
        result.latency.add(performance.now() - started);
        const item = recommender.items.get(interaction.itemId);
        const rank = item < 0 ? -1 : list.findIndex((candidate) => candidate.item === item);
        result.all.add(rank);
        if (hasHistory) result.withHistory.add(rank);
      }
    } else skippedRevisits++;
    const started = performance.now();
    recommender.learn(interaction, true);
    updateMs += performance.now() - started;
    updates++;
    if (sweepEvery > 0 && updates % sweepEvery === 0) recommender.eals.sweep();
    if (options.onProgress && updates % 1000 === 0) options.onProgress(index - trainEnd, testEnd - trainEnd);
  }

  return {
    interactions: testEnd,
    trainInteractions: trainEnd,
    testInteractions: testEnd - trainEnd,
    scored,
    skippedRevisits,
    users: recommender.users.size,
    items: recommender.items.size,
    k,
    excludeSeen,
    trainMs: Math.round(trainMs),
    updates: { count: updates, perSec: Math.round(updates / (updateMs / 1000)) },
    models: results.map((result) => ({
      model: result.model,
      all: result.all.summary(),
      withHistory: result.withHistory.summary(),
      latencyMs: { p50: result.latency.percentile(50), p99: result.latency.percentile(99) },
    })),
  };
}
