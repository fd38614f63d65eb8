import { describe, expect, it } from 'vitest';
import { ADD_TO_CART, PURCHASE, sequenceOf, VIEW, type SequenceEvent } from '../../src/behavior/eventSequence.js';
import { COMPONENTS, encodeBatch, stepFeatures, WIDE_FEATURES } from '../../src/behavior/featureEncoding.js';
import { buildModelMeta } from '../../src/behavior/modelMeta.js';
import { asOf, historyProbabilities, windowStart } from '../../src/behavior/userHistory.js';
import { examplesOf, labelAt } from '../../src/behavior/trainingExamples.js';

const T0 = 1_700_000_000;
const ev = (time: number, type: number, category: number): SequenceEvent => ({ time, type, category });
const shape = { sequenceLength: 4, historyWindow: 6, hiddenUnits: 4, vocabularySize: 2, inputCategories: 1 };

// Category 10 is the most frequent, then 20, then 30.
const sequence = sequenceOf(
  [ev(T0, VIEW, 10), ev(T0 + 60, VIEW, 10), ev(T0 + 120, ADD_TO_CART, 20), ev(T0 + 180, VIEW, 10), ev(T0 + 240, PURCHASE, 20), ev(T0 + 300, VIEW, 30)],
  64,
)!;
const meta = buildModelMeta([sequence], examplesOf([sequence], { horizon: T0 + 1000 }), T0 + 1000, shape);

describe('feature encoding', () => {
  it('builds the vocabularies from the most frequent categories', () => {
    expect(meta.json.vocabulary).toEqual([10, 20]);
    expect(meta.json.inputVocabulary).toEqual([10]);
    expect(meta.classes).toBe(3);
  });

  it('right-aligns the last events of the window, oldest first, zero-padded', () => {
    const F = stepFeatures(meta);
    const batch = encodeBatch([{ sequence, anchor: 1 }], meta);
    const step = (s: number) => Array.from(batch.steps.subarray(s * F, (s + 1) * F));
    expect(step(0).every((value) => value === 0)).toBe(true);
    expect(step(1).every((value) => value === 0)).toBe(true);
    // Step 2 is event 0, step 3 event 1 (the anchor): present, a view, category 10 one-hot.
    for (const s of [2, 3]) {
      expect(step(s)[0]).toBe(1);
      expect(step(s)[1 + VIEW]).toBe(1);
      expect(step(s)[F - 2]).toBe(1);
      expect(step(s)[F - 1]).toBe(0);
    }
  });

  it('marks categories outside the input vocabulary as "other" and flags repeats', () => {
    const F = stepFeatures(meta);
    const batch = encodeBatch([{ sequence, anchor: 4 }], meta);
    const last = Array.from(batch.steps.subarray(3 * F, 4 * F));
    expect(last[1 + PURCHASE]).toBe(1);
    expect(last[F - 1]).toBe(1); // category 20 is "other" to a one-category input vocabulary
    const repeats = last.slice(F - 5, F - 2); // same as previous, same as anchor, seen before
    expect(repeats).toEqual([0, 1, 1]);
  });

  it('counts the lifetime features as of the anchor, not as of now', () => {
    const state = asOf(sequence, 2);
    expect(Array.from(state.countsByType.subarray(0, 5))).toEqual([2, 1, 0, 0, 0]);
    expect(state.lastCart).toBe(T0 + 120);
    expect(state.lastPurchase).toBe(0);
    const batch = encodeBatch([{ sequence, anchor: 2 }], meta);
    expect(batch.wide[VIEW]).toBeCloseTo(Math.log1p(2) / 5);
    expect(batch.wide.length).toBe(WIDE_FEATURES);
  });

  it('encodes targets: next class, the share of "other", and the history components', () => {
    const example = labelAt(sequence, 4, T0 + 1000);
    example.sequence = 0;
    const batch = encodeBatch([{ sequence, anchor: 4, example }], meta);
    expect(batch.nextMask[0]).toBe(1);
    expect(batch.nextClass[0]).toBe(meta.otherClass); // 30 is outside the vocabulary
    expect(batch.nextShare[0]).toBeGreaterThan(0);
    expect(batch.nextShare[0]).toBeLessThan(1);
    const inVocabulary = labelAt(sequence, 2, T0 + 1000);
    const second = encodeBatch([{ sequence, anchor: 2, example: inVocabulary }], meta);
    expect(second.nextClass[0]).toBe(0);
    expect(second.nextShare[0]).toBe(1);
    // History components of category 10 after anchor 2 (10, 10, 20): last no, frequent 2/3.
    const out = new Float32Array(COMPONENTS);
    historyProbabilities(sequence, 2, windowStart(2, 6), meta.markov, 10, out, 0);
    expect(out[0]).toBe(0);
    expect(out[2]).toBeCloseTo(2 / 3);
    expect(out[3]).toBeCloseTo(meta.markov.probability(20, 10));
  });
});
