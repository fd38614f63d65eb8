import { describe, expect, it } from 'vitest';
import { buildNetwork, disposeWeights, inputTensors, modelWeights, networkArtifacts, networkForward, runNetwork, weightsFromArtifacts } from '../../src/behavior/behaviorNetwork.js';
import { sequenceOf, type SequenceEvent } from '../../src/behavior/eventSequence.js';
import { encodeBatch, stepFeatures } from '../../src/behavior/featureEncoding.js';
import { buildModelMeta } from '../../src/behavior/modelMeta.js';
import { loadTensorflow } from '../../src/behavior/tfBackend.js';
import { examplesOf } from '../../src/behavior/trainingExamples.js';
import { seededRandom } from '../../src/behavior/seededShuffle.js';

const T0 = 1_700_000_000;
const random = seededRandom(3);
const sequences = Array.from({ length: 6 }, () =>
  sequenceOf(
    Array.from({ length: 12 }, (_, i): SequenceEvent => ({ time: T0 + i * 600 + Math.floor(random() * 300), type: Math.floor(random() * 5), category: 1 + Math.floor(random() * 9) })),
    16,
  )!,
);
const shape = { sequenceLength: 5, historyWindow: 16, hiddenUnits: 6, vocabularySize: 6, inputCategories: 3 };
const meta = buildModelMeta(sequences, examplesOf(sequences, { horizon: T0 + 99_999 }), T0 + 99_999, shape);
const stepFeaturesOf = () => stepFeatures(meta);
const batch = encodeBatch(sequences.map((sequence) => ({ sequence, anchor: sequence.length - 1 })), meta);

describe('behaviour network', () => {
  it('computes with core ops exactly what its layers compute', async () => {
    const { tf } = await loadTensorflow('wasm');
    const model = buildNetwork(tf, meta, 5);
    // Non-zero corrections, so that every head is compared.
    for (const name of ['purchase_correction', 'active_correction']) {
      const layer = model.getLayer(name);
      layer.setWeights(layer.getWeights().map((w) => tf.randomNormal(w.shape, 0, 0.5, 'float32', 9)));
    }
    const inputs = inputTensors(tf, meta, batch);
    const byLayers = model.predict(inputs) as import('@tensorflow/tfjs').Tensor[];
    const byOps = networkForward(tf, modelWeights(model), inputs);
    expect(byOps.map((t) => t.shape)).toEqual([[6, meta.classes], [6, 5], [6, 1], [6, 24]]);
    byLayers.forEach((expected, i) => {
      const a = expected.dataSync();
      const b = byOps[i].dataSync();
      for (let k = 0; k < a.length; k++) expect(b[k]).toBeCloseTo(a[k], 5);
    });
    tf.dispose([...inputs, ...byLayers, ...byOps]);
    model.dispose();
  });

  it('saves to memory and serves the same network from the saved weights', async () => {
    const { tf } = await loadTensorflow('wasm');
    const model = buildNetwork(tf, meta, 5);
    const artifacts = await networkArtifacts(tf, model);
    expect(artifacts.weightData).toBeInstanceOf(ArrayBuffer);
    const loaded = weightsFromArtifacts(tf, artifacts);
    expect(loaded.gru.map((w) => w.shape)).toEqual([[stepFeaturesOf(), 18], [6, 18], [18]]);
    expect(Array.from(runNetwork(tf, loaded, meta, batch).next)).toEqual(Array.from(runNetwork(tf, modelWeights(model), meta, batch).next));
    model.dispose();
    disposeWeights(tf, loaded);
  });

  it('starts each probability head at its prior: zero corrections', async () => {
    const { tf } = await loadTensorflow('wasm');
    const model = buildNetwork(tf, meta, 5);
    const outputs = runNetwork(tf, modelWeights(model), meta, batch);
    const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
    for (let b = 0; b < batch.size; b++) {
      expect(outputs.purchase[b]).toBeCloseTo(sigmoid(batch.purchasePrior[b]), 5);
      expect(outputs.active[b * 24 + 3]).toBeCloseTo(sigmoid(batch.hourPrior[b * 24 + 3]), 5);
    }
    model.dispose();
  });
});
