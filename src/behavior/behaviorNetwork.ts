// The behaviour network: a GRU over the user's last events, joined with lifetime features, and
// four heads: next-category logits over the vocabulary plus "other"; a gate that mixes that
// softmax with the user's own history (last, recent, frequent categories) and the Markov chain;
// the logit of a purchase within 24 hours, added to a logistic regression on RFM features; and the
// logits of activity in each of the next 24 hours, added to the user's own-hour prior. The
// network learns corrections to those two priors (wide and deep, the wide part fitted first).
//
// A GRU rather than an LSTM: three gates instead of four make it about a quarter cheaper per step
// on the WASM backend, where training throughput is the constraint, and over 20 steps an LSTM's
// separate cell state buys nothing measurable. Inputs are dense (no embedding layer: WASM cannot
// train one).

import type * as tfTypes from '@tensorflow/tfjs';
import { COMPONENTS, stepFeatures, WIDE_FEATURES, type EncodedBatch } from './featureEncoding.js';
import type { ModelMeta } from './modelMeta.js';
import { ACTIVE_SLOTS } from './trainingExamples.js';
import type { Tf } from './tfBackend.js';

type Tensor = tfTypes.Tensor;
export type LayersModel = tfTypes.LayersModel;
export type ModelArtifacts = tfTypes.io.ModelArtifacts;

const HEAD_UNITS = 64;
/**
 * Weights of the heads' losses in the objective. The next-category loss is several times the
 * others in size and would otherwise steer the shared layers alone.
 */
export const PURCHASE_LOSS_WEIGHT = 2;
export const ACTIVE_LOSS_WEIGHT = 2;

export function buildNetwork(tf: Tf, meta: ModelMeta, seed: number): LayersModel {
  const { sequenceLength, hiddenUnits } = meta.json;
  const init = (offset: number) => tf.initializers.glorotUniform({ seed: seed + offset });
  const steps = tf.input({ shape: [sequenceLength, stepFeatures(meta)], name: 'steps' });
  const wide = tf.input({ shape: [WIDE_FEATURES], name: 'wide' });
  const hourPrior = tf.input({ shape: [ACTIVE_SLOTS], name: 'hour_prior' });
  const purchasePrior = tf.input({ shape: [1], name: 'purchase_prior' });
  // Glorot rather than the default orthogonal recurrent initializer, which warns and is slow; the
  // logistic sigmoid rather than tfjs's default hard sigmoid, one kernel instead of three per gate.
  const recurrent = tf.layers
    .gru({ units: hiddenUnits, kernelInitializer: init(1), recurrentInitializer: init(2), recurrentActivation: 'sigmoid', name: 'gru' })
    .apply(steps) as tfTypes.SymbolicTensor;
  const joined = tf.layers.concatenate({ name: 'joined' }).apply([recurrent, wide]) as tfTypes.SymbolicTensor;
  const hidden = tf.layers.dense({ units: HEAD_UNITS, activation: 'relu', kernelInitializer: init(3), name: 'hidden' }).apply(joined) as tfTypes.SymbolicTensor;
  const nextLogits = tf.layers.dense({ units: meta.classes, kernelInitializer: init(4), name: 'next_category' }).apply(hidden) as tfTypes.SymbolicTensor;
  const gate = tf.layers.dense({ units: 1 + COMPONENTS, activation: 'softmax', kernelInitializer: init(5), name: 'mixture_gate' }).apply(hidden) as tfTypes.SymbolicTensor;
  // The two probability heads start as their priors (zero corrections) and learn what the sequence adds.
  const purchaseCorrection = tf.layers.dense({ units: 1, kernelInitializer: 'zeros', name: 'purchase_correction' }).apply(hidden) as tfTypes.SymbolicTensor;
  const purchase = tf.layers.add({ name: 'purchase_24h' }).apply([purchaseCorrection, purchasePrior]) as tfTypes.SymbolicTensor;
  const activeCorrection = tf.layers.dense({ units: ACTIVE_SLOTS, kernelInitializer: 'zeros', name: 'active_correction' }).apply(hidden) as tfTypes.SymbolicTensor;
  const active = tf.layers.add({ name: 'active_hours' }).apply([activeCorrection, hourPrior]) as tfTypes.SymbolicTensor;
  return tf.model({ inputs: [steps, wide, hourPrior, purchasePrior], outputs: [nextLogits, gate, purchase, active], name: 'behavior' });
}

/** The network's weights by layer, in the layers' order: [kernel, (recurrent kernel,) bias]. */
export interface NetworkWeights {
  gru: Tensor[];
  hidden: Tensor[];
  next_category: Tensor[];
  mixture_gate: Tensor[];
  purchase_correction: Tensor[];
  active_correction: Tensor[];
}

const LAYERS = ['gru', 'hidden', 'next_category', 'mixture_gate', 'purchase_correction', 'active_correction'] as const;
const WEIGHT_ORDER = ['kernel', 'recurrent_kernel', 'bias'];

/** A model's variables, for training (gradients flow into them). */
export function modelWeights(model: LayersModel): NetworkWeights {
  const weights = {} as NetworkWeights;
  for (const layer of LAYERS) weights[layer] = model.getLayer(layer).weights.map((weight) => weight.read());
  return weights;
}

/**
 * The weights of saved artifacts as plain tensors, without building a layers model: what the
 * scorer serves from. A few tensor allocations, so swapping a model in holds the event loop for
 * about a millisecond.
 */
export function weightsFromArtifacts(tf: Tf, artifacts: ModelArtifacts): NetworkWeights {
  const named = tf.io.decodeWeights(artifacts.weightData!, artifacts.weightSpecs!);
  const byLayer = new Map<string, [number, Tensor][]>();
  for (const [name, tensor] of Object.entries(named)) {
    const [layer, weight] = name.split('/');
    const rank = WEIGHT_ORDER.indexOf(weight.replace(/_\d+$/, ''));
    if (!byLayer.has(layer)) byLayer.set(layer, []);
    byLayer.get(layer)!.push([rank, tensor]);
  }
  const weights = {} as NetworkWeights;
  for (const layer of LAYERS) {
    const entries = byLayer.get(layer);
    if (entries === undefined) throw new Error(`behavior model: no weights for layer ${layer}`);
    weights[layer] = entries.sort((a, b) => a[0] - b[0]).map(([, tensor]) => tensor);
  }
  return weights;
}

export function disposeWeights(tf: Tf, weights: NetworkWeights): void {
  for (const layer of LAYERS) tf.dispose(weights[layer]);
}

/**
 * The network's forward pass written with core ops: the same arithmetic as the layers (tfjs's
 * GRU: z, r = sigmoid(x W + h U + b); h~ = tanh(x W_h + (r * h) U_h + b_h); h = z * h + (1 - z) *
 * h~), in fewer than half the kernels, because the input projection of every step is one matrix
 * product and the two gates share theirs: about 2.5 times faster on WASM. Differentiable, so
 * training uses it too. Outputs as the model's: next-category logits, gate, purchase logit,
 * activity logits.
 */
export function networkForward(tf: Tf, weights: NetworkWeights, inputs: Tensor[]): Tensor[] {
  const [steps, wide, hourPrior, purchasePrior] = inputs;
  const [kernel, recurrentKernel, bias] = weights.gru;
  const [size, length, features] = steps.shape as [number, number, number];
  const units = recurrentKernel.shape[0];
  const projected = tf.matMul(steps.reshape([size * length, features]), kernel).add(bias).reshape([size, length, 3 * units]);
  const gatesKernel = recurrentKernel.slice([0, 0], [units, 2 * units]);
  const candidateKernel = recurrentKernel.slice([0, 2 * units], [units, units]);
  let h: Tensor = tf.zeros([size, units]);
  for (const x of tf.unstack(projected, 1)) {
    const [xGates, xCandidate] = tf.split(x, [2 * units, units], 1);
    const [z, r] = tf.split(tf.sigmoid(xGates.add(tf.matMul(h, gatesKernel))), 2, 1);
    const candidate = tf.tanh(xCandidate.add(tf.matMul(r.mul(h), candidateKernel)));
    h = z.mul(h).add(tf.onesLike(z).sub(z).mul(candidate));
  }
  const dense = ([w, b]: Tensor[], input: Tensor) => tf.matMul(input, w).add(b);
  const hidden = tf.relu(dense(weights.hidden, tf.concat([h, wide], 1)));
  return [
    dense(weights.next_category, hidden),
    tf.softmax(dense(weights.mixture_gate, hidden)),
    dense(weights.purchase_correction, hidden).add(purchasePrior),
    dense(weights.active_correction, hidden).add(hourPrior),
  ];
}

/** The inputs of a batch as tensors (the caller disposes them, or runs inside `tf.tidy`). */
export function inputTensors(tf: Tf, meta: ModelMeta, batch: EncodedBatch): Tensor[] {
  const L = meta.json.sequenceLength;
  return [
    tf.tensor3d(batch.steps, [batch.size, L, stepFeatures(meta)]),
    tf.tensor2d(batch.wide, [batch.size, WIDE_FEATURES]),
    tf.tensor2d(batch.hourPrior, [batch.size, ACTIVE_SLOTS]),
    tf.tensor2d(batch.purchasePrior, [batch.size, 1]),
  ];
}

export interface LossParts {
  total: tfTypes.Scalar;
  next: tfTypes.Scalar;
  purchase: tfTypes.Scalar;
  active: tfTypes.Scalar;
}

/**
 * The training objective: negative log-likelihood of the next category under the gated mixture,
 * plus the binary cross-entropies of the purchase and the 24 activity heads; each averaged over
 * the examples that have that label.
 */
export function networkLoss(tf: Tf, meta: ModelMeta, outputs: Tensor[], batch: EncodedBatch): LossParts {
  const [nextLogits, gate, purchaseLogit, activeLogits] = outputs;
  const size = batch.size;
  const nextClass = tf.tensor1d(batch.nextClass, 'int32');
  const target = tf.oneHot(nextClass, meta.classes).toFloat().mul(tf.tensor2d(batch.nextShare, [size, 1]));
  const gruProbability = tf.softmax(nextLogits).mul(target).sum(1);
  const gruGate = gate.slice([0, 0], [size, 1]).reshape([size]);
  const historyGates = gate.slice([0, 1], [size, COMPONENTS]);
  const mixture = gruGate.mul(gruProbability).add(historyGates.mul(tf.tensor2d(batch.components, [size, COMPONENTS])).sum(1));
  const nextMask = tf.tensor1d(batch.nextMask);
  const futureMask = tf.tensor1d(batch.futureMask);
  const next = mixture.add(1e-6).log().neg().mul(nextMask).sum().div(nextMask.sum().maximum(1)) as tfTypes.Scalar;
  const purchase = binaryCrossEntropy(tf, purchaseLogit.reshape([size]), tf.tensor1d(batch.purchase))
    .mul(futureMask)
    .sum()
    .div(futureMask.sum().maximum(1)) as tfTypes.Scalar;
  const active = binaryCrossEntropy(tf, activeLogits, tf.tensor2d(batch.active, [size, ACTIVE_SLOTS]))
    .mean(1)
    .mul(futureMask)
    .sum()
    .div(futureMask.sum().maximum(1)) as tfTypes.Scalar;
  const total = next.add(purchase.mul(PURCHASE_LOSS_WEIGHT)).add(active.mul(ACTIVE_LOSS_WEIGHT)) as tfTypes.Scalar;
  return { total, next, purchase, active };
}

/** max(x, 0) - x y + log(1 + e^-|x|): cross-entropy from logits, stable for large |x|. */
function binaryCrossEntropy(tf: Tf, logits: Tensor, labels: Tensor): Tensor {
  return tf.relu(logits).sub(logits.mul(labels)).add(tf.log1p(tf.exp(tf.abs(logits).neg())));
}

export interface NetworkOutputs {
  size: number;
  /** [size, classes]: softmax over the vocabulary plus "other". */
  next: Float32Array;
  /** [size, 1 + COMPONENTS]: mixture weights, the GRU's softmax first. */
  gate: Float32Array;
  /** [size]: P(purchase within 24 h), the prior plus the correction scaled by the meta's calibration. */
  purchase: Float32Array;
  /** [size, 24]: P(active in hour k after the anchor), likewise. */
  active: Float32Array;
  /** [size]: the network's correction to the purchase prior, in logits (before calibration). */
  purchaseCorrection: Float32Array;
  /** [size, 24]: its corrections to the hour priors. */
  activeCorrection: Float32Array;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** One forward pass (no training) and its outputs as typed arrays. Synchronous. */
export function runNetwork(tf: Tf, weights: NetworkWeights, meta: ModelMeta, batch: EncodedBatch): NetworkOutputs {
  const [next, gate, purchaseLogit, activeLogit] = tf.tidy(() => {
    const outputs = networkForward(tf, weights, inputTensors(tf, meta, batch));
    return [tf.softmax(outputs[0]), outputs[1], outputs[2], outputs[3]];
  });
  try {
    const size = batch.size;
    const purchaseCorrection = (purchaseLogit.dataSync() as Float32Array).slice();
    const activeCorrection = (activeLogit.dataSync() as Float32Array).slice();
    const purchase = new Float32Array(size);
    const active = new Float32Array(size * ACTIVE_SLOTS);
    const { purchaseCorrectionScale, activeCorrectionScale } = meta.json;
    for (let b = 0; b < size; b++) {
      const prior = batch.purchasePrior[b];
      purchaseCorrection[b] -= prior;
      purchase[b] = sigmoid(prior + purchaseCorrectionScale * purchaseCorrection[b]);
      for (let k = 0; k < ACTIVE_SLOTS; k++) {
        const at = b * ACTIVE_SLOTS + k;
        activeCorrection[at] -= batch.hourPrior[at];
        active[at] = sigmoid(batch.hourPrior[at] + activeCorrectionScale[k] * activeCorrection[at]);
      }
    }
    return { size, next: next.dataSync() as Float32Array, gate: gate.dataSync() as Float32Array, purchase, active, purchaseCorrection, activeCorrection };
  } finally {
    tf.dispose([next, gate, purchaseLogit, activeLogit]);
  }
}

/** The model's topology and weights in memory (what a version saves, and what crosses threads). */
export async function networkArtifacts(tf: Tf, model: LayersModel): Promise<ModelArtifacts> {
  let saved: ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  // One buffer, whatever the handler was given: it is what a version writes and a worker transfers.
  return { ...saved!, weightData: tf.io.CompositeArrayBuffer.join(saved!.weightData) };
}
