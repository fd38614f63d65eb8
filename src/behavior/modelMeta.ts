// What a trained network needs besides its weights to read and rank: the category vocabularies
// (output and input), the Markov chain of its mixture, the population's hourly activity rates and
// the category counts that spread the "other" class over the categories it stands for. Built
// from the training data of a round, saved with the weights as one version.

import { UNKNOWN_CATEGORY, type EventSequence } from './eventSequence.js';
import { MarkovCounter, MarkovTable } from './markovTable.js';
import { ACTIVE_SLOTS, HOUR_S, isActive, type BehaviorExample } from './trainingExamples.js';
import { LogisticRegression, rfmFeatures, type LogisticRegressionJson } from './baselines/rfmLogisticRegression.js';
import { HourHistogramBaseline } from './baselines/hourHistogram.js';

export const META_FORMAT = 1;
/** Successors kept per category in the Markov component. */
export const MARKOV_SUCCESSORS = 20;
/** Categories with a Markov row (the most frequent sources). */
export const MARKOV_ROWS = 50_000;
/** Categories whose count is kept to share out the "other" class. */
const COUNTED_CATEGORIES = 50_000;
/** Examples the purchase prior (RFM logistic regression) is fitted on, at most. */
const PURCHASE_PRIOR_EXAMPLES = 50_000;

export interface ModelShape {
  sequenceLength: number;
  /** Events of history the own-history components read (the ring buffer's length). */
  historyWindow: number;
  hiddenUnits: number;
  vocabularySize: number;
  inputCategories: number;
}

export interface ModelMetaJson extends ModelShape {
  format: number;
  vocabulary: number[];
  inputVocabulary: number[];
  markov: [number, number, number[], number[]][];
  hourRates: number[];
  /** Smoothing of the own-hour prior, in days of the population's rate (tuned on the training examples). */
  hourPriorDays: number;
  /** Logistic regression on RFM features: the purchase head's prior, which the network corrects. */
  purchasePrior: LogisticRegressionJson;
  /**
   * How much of the network's corrections to the priors to apply (0: the prior alone, 1: all of
   * it), chosen on held-out data after training: a correction that does not carry over to data
   * the network did not train on is shrunk away. Per hour for the activity head.
   */
  purchaseCorrectionScale: number;
  activeCorrectionScale: number[];
  categoryCounts: [number, number][];
}

export class ModelMeta {
  readonly vocabularyIndex: Map<number, number>;
  readonly inputIndex: Map<number, number>;
  readonly markov: MarkovTable;
  readonly hourRates: Float64Array;
  readonly purchasePrior: LogisticRegression;
  private readonly counts: Map<number, number>;
  private readonly otherTotal: number;

  constructor(readonly json: ModelMetaJson) {
    this.vocabularyIndex = new Map(json.vocabulary.map((code, index) => [code, index]));
    this.inputIndex = new Map(json.inputVocabulary.map((code, index) => [code, index]));
    this.markov = MarkovTable.fromJSON(json.markov);
    this.hourRates = Float64Array.from(json.hourRates);
    this.purchasePrior = LogisticRegression.fromJSON(json.purchasePrior);
    this.counts = new Map(json.categoryCounts);
    let other = 0;
    for (const [code, count] of json.categoryCounts) if (!this.vocabularyIndex.has(code)) other += count;
    this.otherTotal = other;
  }

  /** Classes of the network's next-category softmax: the vocabulary plus "other". */
  get classes(): number {
    return this.json.vocabulary.length + 1;
  }

  get otherClass(): number {
    return this.json.vocabulary.length;
  }

  /** Share of the "other" class that category `code` (outside the vocabulary) takes. */
  otherShare(code: number): number {
    return ((this.counts.get(code) ?? 0) + 0.5) / (this.otherTotal + 0.5 * COUNTED_CATEGORIES);
  }

  toJSON(): ModelMetaJson {
    return this.json;
  }
}

/** What the data says, apart from the network: category counts, Markov chain, and the two priors. */
type DataParts = Pick<ModelMetaJson, 'markov' | 'hourRates' | 'hourPriorDays' | 'purchasePrior' | 'categoryCounts'>;

function dataParts(sequences: readonly EventSequence[], examples: readonly BehaviorExample[], horizon: number): DataParts & { ranked: [number, number][] } {
  const counts = new Map<number, number>();
  const transitions = new MarkovCounter();
  for (const sequence of sequences) {
    const { times, categories, length } = sequence;
    for (let i = 0; i < length && times[i] < horizon; i++) {
      const c = categories[i];
      if (c === UNKNOWN_CATEGORY) continue;
      counts.set(c, (counts.get(c) ?? 0) + 1);
      if (i > 0 && categories[i - 1] !== UNKNOWN_CATEGORY) transitions.add(categories[i - 1], c);
    }
  }
  const ranked = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const hourActive = new Float64Array(24);
  const hourSeen = new Float64Array(24);
  for (const example of examples) {
    if (!example.future) continue;
    for (let k = 0; k < ACTIVE_SLOTS; k++) {
      const h = Math.floor((example.time + k * HOUR_S) / HOUR_S) % 24;
      hourSeen[h]++;
      if (isActive(example, k)) hourActive[h]++;
    }
  }
  const overall = hourActive.reduce((a, b) => a + b, 0) / Math.max(1, hourSeen.reduce((a, b) => a + b, 0));
  const hourRates = Array.from(hourSeen, (seen, h) => (hourActive[h] + 10 * (overall || 0.05)) / (seen + 10));
  const withFuture = examples.filter((example) => example.future);
  const step = Math.ceil(withFuture.length / PURCHASE_PRIOR_EXAMPLES);
  const sample = step <= 1 ? withFuture : withFuture.filter((_, i) => i % step === 0);
  const purchasePrior = new LogisticRegression().fit(
    sample.map((example) => rfmFeatures(sequences[example.sequence], example.anchor)),
    sample.map((example) => example.purchase),
  );
  return {
    ranked,
    markov: transitions.table(MARKOV_SUCCESSORS, MARKOV_ROWS).toJSON(),
    hourRates,
    hourPriorDays: HourHistogramBaseline.tuned(sequences, sample, hourRates).smoothingDays,
    purchasePrior: purchasePrior.toJSON(),
    categoryCounts: ranked.slice(0, COUNTED_CATEGORIES),
  };
}

/**
 * Builds the meta of a round from its sequences (events before `horizon`) and all of its training
 * examples (the network may train on a sample of them; the priors are cheap to fit on all).
 */
export function buildModelMeta(
  sequences: readonly EventSequence[],
  examples: readonly BehaviorExample[],
  horizon: number,
  shape: ModelShape,
): ModelMeta {
  const { ranked, ...parts } = dataParts(sequences, examples, horizon);
  return new ModelMeta({
    format: META_FORMAT,
    ...shape,
    vocabulary: ranked.slice(0, shape.vocabularySize).map(([code]) => code),
    inputVocabulary: ranked.slice(0, shape.inputCategories).map(([code]) => code),
    ...parts,
    purchaseCorrectionScale: 1,
    activeCorrectionScale: new Array<number>(ACTIVE_SLOTS).fill(1),
  });
}

/**
 * The meta with everything but the network's vocabularies and calibration refit on newer data:
 * Markov chain, category counts and the two priors. Purchase propensity drifts from day to day
 * (on the Taobao data, the RFM regression fitted without the last training day loses 0.02 of
 * test AUC), so the model in service gets priors fitted up to the latest labels.
 */
export function refreshModelMeta(meta: ModelMeta, sequences: readonly EventSequence[], examples: readonly BehaviorExample[], horizon: number): ModelMeta {
  const { ranked: _ranked, ...parts } = dataParts(sequences, examples, horizon);
  return new ModelMeta({ ...meta.json, ...parts });
}
