// One training round, from users' sequences to a candidate model measured against the current
// one. The most recent slice of the data (by event time) is held out; the network trains on what
// came before it, with labels only from before it. Half of the holdout calibrates how much of the
// network's corrections to its priors to keep, the other half compares the candidate with the
// model in service. Runs in the training worker, inline in tests, and in the offline evaluator
// (`trainCandidate`), so that the evaluation measures exactly what the background trainer does.

import { buildNetwork, disposeWeights, modelWeights, networkArtifacts, weightsFromArtifacts, type LayersModel, type ModelArtifacts } from './behaviorNetwork.js';
import { applyCorrectionScales, tuneCorrectionScales } from './correctionCalibration.js';
import { decodeSequence, type EventSequence } from './eventSequence.js';
import { buildModelMeta, ModelMeta, refreshModelMeta, type ModelMetaJson, type ModelShape } from './modelMeta.js';
import { sampleInOrder, seededRandom } from './seededShuffle.js';
import type { Tf, TfBackendName } from './tfBackend.js';
import {
  holdoutMetrics,
  predictExamples,
  trainNetwork,
  type ExamplePredictions,
  type HoldoutMetrics,
  type TrainingHooks,
  type TrainingSettings,
  type TrainingStats,
} from './trainBehaviorModel.js';
import { examplesOf, type BehaviorExample } from './trainingExamples.js';

/** Held-out examples scored per model, at most (the holdout is a sample of the recent slice). */
const MAX_HOLDOUT = 6_000;
/** Fewer labelled examples than this and a round does not train. */
export const MIN_TRAINING_EXAMPLES = 50;

export type RoundSettings = TrainingSettings & { maxExamples: number; holdoutFraction: number };

export interface RoundInput {
  /** Users' raw ring buffers (eventSequence.ts layout). */
  sequences: Uint8Array[];
  shape: ModelShape;
  training: RoundSettings;
  /** The model in service, to be measured on the same holdout. */
  champion?: { artifacts: ModelArtifacts; meta: ModelMetaJson };
}

export interface RoundResult {
  candidate: { artifacts: ModelArtifacts; meta: ModelMetaJson };
  candidateHoldout: HoldoutMetrics;
  championHoldout?: HoldoutMetrics;
  /** The candidate beats the champion on the holdout's loss (or there is no champion). */
  better: boolean;
  training: TrainingStats & { examples: number; holdoutExamples: number; users: number };
  /** Latest event time in the data (Unix seconds): the stream's event time when sampled. */
  horizon: number;
  backend: TfBackendName;
}

export class NotEnoughData extends Error {}

export interface TrainingSplit {
  /** Every anchor before the holdout, labelled only from before it. */
  trainable: BehaviorExample[];
  holdout: BehaviorExample[];
  /** Where the holdout starts for next-category labels, and for 24-hour labels (Unix seconds). */
  nextStart: number;
  futureStart: number;
}

/** The time at or after which the most recent `fraction` of the examples lie. */
function recentSliceStart(examples: readonly BehaviorExample[], fraction: number): number {
  const times = examples.map((example) => example.time).sort((a, b) => a - b);
  return times[Math.min(times.length - 1, Math.floor(times.length * (1 - fraction)))];
}

/**
 * Holds out the most recent `fraction` of the next-category labels and, separately, of the
 * 24-hour labels (which are at least a day old, so their recent slice starts earlier).
 */
export function splitForTraining(sequences: readonly EventSequence[], horizon: number, fraction: number, random: () => number): TrainingSplit {
  const everything = examplesOf(sequences, { horizon });
  const withNext = everything.filter((example) => example.next >= 0);
  const withFuture = everything.filter((example) => example.future);
  if (withNext.length < MIN_TRAINING_EXAMPLES) throw new NotEnoughData(`${withNext.length} labelled sequences`);
  const nextStart = recentSliceStart(withNext, fraction);
  const futureStart = withFuture.length >= MIN_TRAINING_EXAMPLES ? recentSliceStart(withFuture, fraction) : horizon;
  const holdout = sampleInOrder(
    everything
      .filter((example) => (example.next >= 0 && example.time >= nextStart) || (example.future && example.time >= futureStart))
      .map((example) => ({ ...example, next: example.time >= nextStart ? example.next : -1, future: example.future && example.time >= futureStart })),
    MAX_HOLDOUT,
    random,
  );
  const trainable = examplesOf(sequences, { to: nextStart, horizon: nextStart, futureHorizon: futureStart });
  if (trainable.length < MIN_TRAINING_EXAMPLES) throw new NotEnoughData(`${trainable.length} sequences before the holdout`);
  return { trainable, holdout, nextStart, futureStart };
}

export interface Candidate {
  model: LayersModel;
  meta: ModelMeta;
  split: TrainingSplit;
  /** Training examples the network saw (a sample of `split.trainable`). */
  trained: number;
  stats: TrainingStats;
  /** Holdout indices that calibrated the corrections, and those left to compare models on. */
  calibration: number[];
  comparison: number[];
  /** The candidate's holdout predictions, calibrated (made before the priors were refit). */
  predictions: ExamplePredictions;
}

/**
 * Splits, trains a network on a sample of the training examples, calibrates it on half the
 * holdout and predicts the holdout; then refits the meta's priors and Markov chain on every
 * label up to `horizon`, holdout included, for the model that goes into service.
 */
export async function trainCandidate(
  tf: Tf,
  sequences: readonly EventSequence[],
  horizon: number,
  shape: ModelShape,
  training: RoundSettings,
  hooks: TrainingHooks & { afterPhase?: () => Promise<void> | void } = {},
): Promise<Candidate> {
  const random = seededRandom(training.seed);
  const split = splitForTraining(sequences, horizon, training.holdoutFraction, random);
  const sample = sampleInOrder(split.trainable, training.maxExamples, random);
  const meta = buildModelMeta(sequences, split.trainable, split.nextStart, shape);
  await hooks.afterPhase?.();
  const model = buildNetwork(tf, meta, training.seed);
  try {
    const stats = await trainNetwork(tf, model, meta, sequences, sample, training, hooks);
    const predictions = await predictExamples(tf, modelWeights(model), meta, sequences, split.holdout, training.batchSize, hooks.afterStep);
    const calibration = split.holdout.map((_, i) => i).filter((i) => i % 2 === 0);
    const comparison = split.holdout.map((_, i) => i).filter((i) => i % 2 === 1);
    const scales = tuneCorrectionScales(split.holdout, predictions, calibration);
    meta.json.purchaseCorrectionScale = scales.purchase;
    meta.json.activeCorrectionScale = scales.active;
    applyCorrectionScales(predictions, scales);
    await hooks.afterPhase?.();
    const refreshed = refreshModelMeta(meta, sequences, examplesOf(sequences, { horizon }), horizon);
    return { model, meta: refreshed, split, trained: sample.length, stats, calibration, comparison, predictions };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

function subset(predictions: ExamplePredictions, indices: readonly number[]): ExamplePredictions {
  const pick = <T extends Float32Array | Float64Array>(array: T, width: number): T => {
    const out = new (array.constructor as new (n: number) => T)(indices.length * width);
    indices.forEach((i, at) => out.set(array.subarray(i * width, (i + 1) * width), at * width));
    return out;
  };
  return {
    ranked: indices.map((i) => predictions.ranked[i]),
    gruRanked: indices.map((i) => predictions.gruRanked[i]),
    nextProbability: pick(predictions.nextProbability, 1),
    purchase: pick(predictions.purchase, 1),
    active: pick(predictions.active, 24),
    purchasePrior: pick(predictions.purchasePrior, 1),
    purchaseCorrection: pick(predictions.purchaseCorrection, 1),
    hourPrior: pick(predictions.hourPrior, 24),
    activeCorrection: pick(predictions.activeCorrection, 24),
  };
}

export async function runTrainingRound(
  tf: Tf,
  backend: TfBackendName,
  input: RoundInput,
  hooks: TrainingHooks & { afterPhase?: () => Promise<void> | void } = {},
): Promise<RoundResult> {
  const sequences: EventSequence[] = input.sequences.map((bytes) => decodeSequence(bytes)).filter((sequence) => sequence.length > 0);
  let latest = 0;
  for (const sequence of sequences) latest = Math.max(latest, sequence.times[sequence.length - 1]);
  const candidate = await trainCandidate(tf, sequences, latest + 1, input.shape, input.training, hooks);
  const { model, meta, split, comparison } = candidate;
  try {
    const compared = comparison.map((i) => split.holdout[i]);
    const candidateHoldout = holdoutMetrics(compared, subset(candidate.predictions, comparison));
    let championHoldout: HoldoutMetrics | undefined;
    if (input.champion !== undefined) {
      const championWeights = weightsFromArtifacts(tf, input.champion.artifacts);
      try {
        const championMeta = new ModelMeta(input.champion.meta);
        const predictions = await predictExamples(tf, championWeights, championMeta, sequences, compared, input.training.batchSize, hooks.afterStep);
        championHoldout = holdoutMetrics(compared, predictions);
      } finally {
        disposeWeights(tf, championWeights);
      }
    }
    return {
      candidate: { artifacts: await networkArtifacts(tf, model), meta: meta.toJSON() },
      candidateHoldout,
      championHoldout,
      better: championHoldout === undefined || candidateHoldout.loss < championHoldout.loss,
      training: { ...candidate.stats, examples: candidate.trained, holdoutExamples: split.holdout.length, users: sequences.length },
      horizon: latest,
      backend,
    };
  } finally {
    model.dispose();
  }
}
