// Trains the behaviour network on labelled examples with a hand-written loop (Adam, masked
// losses per head), awaiting a hook after every gradient step so that, on the main thread, the
// event loop gets its turn between steps; and measures a model on held-out examples with the
// evaluator's own metrics, which is how a new model is compared with the current one.

import type * as tfTypes from '@tensorflow/tfjs';
import { inputTensors, modelWeights, networkForward, networkLoss, runNetwork, type LayersModel, type NetworkWeights } from './behaviorNetwork.js';
import type { EventSequence } from './eventSequence.js';
import { auc, logLoss, mrrAtK, recallAtK } from './evaluationMetrics.js';
import { COMPONENTS, encodeBatch, type Anchor } from './featureEncoding.js';
import type { ModelMeta } from './modelMeta.js';
import { rankNextCategories } from './nextCategoryRanking.js';
import { seededRandom, shuffleInPlace } from './seededShuffle.js';
import { ACTIVE_SLOTS, isActive, type BehaviorExample } from './trainingExamples.js';
import type { Tf } from './tfBackend.js';

export interface TrainingSettings {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Wall-clock budget; training stops after the step that spends it. */
  maxSeconds: number;
  seed: number;
}

export interface TrainingHooks {
  /** Awaited after each gradient step (on the main thread: a yield to the event loop). */
  afterStep?: () => Promise<void> | void;
  /** Checked before each step; true stops training (the round is being abandoned). */
  aborted?: () => boolean;
}

export interface TrainingStats {
  steps: number;
  /** Sequences trained on, counting each epoch. */
  sequences: number;
  seconds: number;
  sequencesPerSecond: number;
  /** Loss of the last step. */
  lastLoss: number;
  /** Longest synchronous step (encoding, forward, backward, update), in ms. */
  longestStepMs: number;
  /** Training stopped early on the time budget. */
  outOfTime: boolean;
}

const anchorsOf = (sequences: readonly EventSequence[], examples: readonly BehaviorExample[]): Anchor[] =>
  examples.map((example) => ({ sequence: sequences[example.sequence], anchor: example.anchor, example }));

export async function trainNetwork(
  tf: Tf,
  model: LayersModel,
  meta: ModelMeta,
  sequences: readonly EventSequence[],
  examples: readonly BehaviorExample[],
  settings: TrainingSettings,
  hooks: TrainingHooks = {},
): Promise<TrainingStats> {
  const started = performance.now();
  const random = seededRandom(settings.seed);
  const anchors = anchorsOf(sequences, examples);
  const optimizer = tf.train.adam(settings.learningRate);
  const variables = model.trainableWeights.map((weight) => weight.read() as tfTypes.Variable);
  const weights = modelWeights(model);
  const stats: TrainingStats = { steps: 0, sequences: 0, seconds: 0, sequencesPerSecond: 0, lastLoss: NaN, longestStepMs: 0, outOfTime: false };
  try {
    training: for (let epoch = 0; epoch < settings.epochs; epoch++) {
      shuffleInPlace(anchors, random);
      for (let from = 0; from < anchors.length; from += settings.batchSize) {
        if (hooks.aborted?.()) break training;
        const stepStarted = performance.now();
        const batch = encodeBatch(anchors.slice(from, from + settings.batchSize), meta, true);
        const cost = optimizer.minimize(
          () => networkLoss(tf, meta, networkForward(tf, weights, inputTensors(tf, meta, batch)), batch).total,
          true,
          variables,
        );
        stats.lastLoss = cost!.dataSync()[0];
        cost!.dispose();
        stats.longestStepMs = Math.max(stats.longestStepMs, performance.now() - stepStarted);
        stats.steps++;
        stats.sequences += batch.size;
        await hooks.afterStep?.();
        if ((performance.now() - started) / 1000 > settings.maxSeconds) {
          stats.outOfTime = true;
          break training;
        }
      }
    }
  } finally {
    optimizer.dispose();
  }
  stats.seconds = (performance.now() - started) / 1000;
  stats.sequencesPerSecond = stats.sequences / Math.max(1e-9, stats.seconds);
  return stats;
}

export interface HoldoutMetrics {
  examples: number;
  /** The sum of the three heads' losses: the number a new model must lower to replace the current one. */
  loss: number;
  nextLoss: number;
  purchaseLoss: number;
  activeLoss: number;
  recallAt5: number;
  mrrAt5: number;
  purchaseAuc: number;
}

/** Per-example predictions of a model over examples: what the evaluator and the holdout both score. */
export interface ExamplePredictions {
  /** Top-5 category codes per example (for examples with a next label; empty otherwise). */
  ranked: number[][];
  /** Top-5 of the GRU's softmax alone (vocabulary entries; for the evaluator's comparison). */
  gruRanked: number[][];
  /** Probability the mixture gave the true next category (NaN without a label). */
  nextProbability: Float64Array;
  purchase: Float32Array;
  /** [examples, 24]. */
  active: Float32Array;
  /** The priors (logits) and the network's uncalibrated corrections, to tune and re-apply the calibration. */
  purchasePrior: Float32Array;
  purchaseCorrection: Float32Array;
  hourPrior: Float32Array;
  activeCorrection: Float32Array;
}

/** Runs the network over examples in batches, awaiting `afterBatch` between them. */
export async function predictExamples(
  tf: Tf,
  weights: NetworkWeights,
  meta: ModelMeta,
  sequences: readonly EventSequence[],
  examples: readonly BehaviorExample[],
  batchSize: number,
  afterBatch?: () => Promise<void> | void,
): Promise<ExamplePredictions> {
  const n = examples.length;
  const predictions: ExamplePredictions = {
    ranked: [],
    gruRanked: [],
    nextProbability: new Float64Array(n).fill(NaN),
    purchase: new Float32Array(n),
    active: new Float32Array(n * ACTIVE_SLOTS),
    purchasePrior: new Float32Array(n),
    purchaseCorrection: new Float32Array(n),
    hourPrior: new Float32Array(n * ACTIVE_SLOTS),
    activeCorrection: new Float32Array(n * ACTIVE_SLOTS),
  };
  const anchors = anchorsOf(sequences, examples);
  const gateWidth = 1 + COMPONENTS;
  for (let from = 0; from < n; from += batchSize) {
    const batch = encodeBatch(anchors.slice(from, from + batchSize), meta);
    const outputs = runNetwork(tf, weights, meta, batch);
    for (let b = 0; b < batch.size; b++) {
      const i = from + b;
      predictions.purchase[i] = outputs.purchase[b];
      predictions.active.set(outputs.active.subarray(b * ACTIVE_SLOTS, (b + 1) * ACTIVE_SLOTS), i * ACTIVE_SLOTS);
      predictions.purchasePrior[i] = batch.purchasePrior[b];
      predictions.purchaseCorrection[i] = outputs.purchaseCorrection[b];
      predictions.hourPrior.set(batch.hourPrior.subarray(b * ACTIVE_SLOTS, (b + 1) * ACTIVE_SLOTS), i * ACTIVE_SLOTS);
      predictions.activeCorrection.set(outputs.activeCorrection.subarray(b * ACTIVE_SLOTS, (b + 1) * ACTIVE_SLOTS), i * ACTIVE_SLOTS);
      if (batch.nextMask[b] === 0) {
        predictions.ranked.push([]);
        predictions.gruRanked.push([]);
        continue;
      }
      const next = outputs.next.subarray(b * meta.classes, (b + 1) * meta.classes);
      const gate = outputs.gate.subarray(b * gateWidth, (b + 1) * gateWidth);
      const { sequence, anchor } = anchors[i];
      predictions.ranked.push(rankNextCategories(meta, sequence, anchor, next, gate, 5).map((entry) => entry.category));
      predictions.gruRanked.push(topVocabulary(meta, next, 5));
      let p = gate[0] * next[batch.nextClass[b]] * batch.nextShare[b];
      for (let c = 0; c < COMPONENTS; c++) p += gate[1 + c] * batch.components[b * COMPONENTS + c];
      predictions.nextProbability[i] = p;
    }
    await afterBatch?.();
  }
  return predictions;
}

function topVocabulary(meta: ModelMeta, next: ArrayLike<number>, k: number): number[] {
  const indices = meta.json.vocabulary.map((_, index) => index);
  return indices
    .sort((a, b) => next[b] - next[a])
    .slice(0, k)
    .map((index) => meta.json.vocabulary[index]);
}

/** The holdout measures of a model's predictions. */
export function holdoutMetrics(examples: readonly BehaviorExample[], predictions: ExamplePredictions): HoldoutMetrics {
  const truths: number[] = [];
  const rankings: number[][] = [];
  let nextLoss = 0;
  const purchaseScores: number[] = [];
  const purchaseLabels: boolean[] = [];
  const activeScores: number[] = [];
  const activeLabels: boolean[] = [];
  examples.forEach((example, i) => {
    if (example.next >= 0) {
      truths.push(example.next);
      rankings.push(predictions.ranked[i]);
      nextLoss -= Math.log(predictions.nextProbability[i] + 1e-6);
    }
    if (example.future) {
      purchaseScores.push(predictions.purchase[i]);
      purchaseLabels.push(example.purchase);
      for (let k = 0; k < ACTIVE_SLOTS; k++) {
        activeScores.push(predictions.active[i * ACTIVE_SLOTS + k]);
        activeLabels.push(isActive(example, k));
      }
    }
  });
  const nextMean = truths.length > 0 ? nextLoss / truths.length : 0;
  const purchaseLoss = purchaseScores.length > 0 ? logLoss(purchaseScores, purchaseLabels) : 0;
  const activeLoss = activeScores.length > 0 ? logLoss(activeScores, activeLabels) : 0;
  return {
    examples: examples.length,
    loss: nextMean + purchaseLoss + activeLoss,
    nextLoss: nextMean,
    purchaseLoss,
    activeLoss,
    recallAt5: recallAtK(rankings, truths, 5),
    mrrAt5: mrrAtK(rankings, truths, 5),
    purchaseAuc: auc(purchaseScores, purchaseLabels),
  };
}
