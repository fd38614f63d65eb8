// Turns (sequence, anchor) pairs into the network's dense inputs, and labelled examples into its
// targets. No embedding layer: the WASM backend cannot train one (no UnsortedSegmentSum kernel),
// so categories go in one-hot for the most frequent `inputCategories` and as "other" beyond,
// together with whether a category repeats (the previous event's, the anchor's, seen before),
// which is what carries over to categories the vocabulary does not name.

import { ADD_TO_CART, FAVORITE, PURCHASE, TYPE_COUNT, UNKNOWN_CATEGORY, VIEW, type EventSequence } from './eventSequence.js';
import type { ModelMeta } from './modelMeta.js';
import { rfmFeatures } from './baselines/rfmLogisticRegression.js';
import { ACTIVE_SLOTS, DAY_S, HOUR_S, isActive, type BehaviorExample } from './trainingExamples.js';
import { asOf, HISTORY_COMPONENTS, historyProbabilities, ownHourPrior, windowStart } from './userHistory.js';

/** Step features before the one-hot categories: presence, type, gap, age, hour, three repeat flags. */
const STEP_BASE = 8 + TYPE_COUNT;
export const WIDE_FEATURES = 24;
export const COMPONENTS = HISTORY_COMPONENTS.length;

/** Width of one step of the sequence input. */
export function stepFeatures(meta: ModelMeta): number {
  return STEP_BASE + meta.json.inputVocabulary.length + 1;
}

export interface Anchor {
  sequence: EventSequence;
  anchor: number;
  /** Labels, when training or evaluating. */
  example?: BehaviorExample;
}

export interface EncodedBatch {
  size: number;
  /** [size, sequenceLength, stepFeatures], the oldest step first, left-padded with zeros. */
  steps: Float32Array;
  /** [size, WIDE_FEATURES]: lifetime and recent-activity features as of the anchor. */
  wide: Float32Array;
  /** [size, 24]: logit of the own-hour prior of each hour after the anchor. */
  hourPrior: Float32Array;
  /** [size]: logit of the RFM logistic regression's purchase probability. */
  purchasePrior: Float32Array;
  /** Class of the next category (vocabulary index, or "other"), -1 without a label. */
  nextClass: Int32Array;
  /** Share of its class the next category takes (1 in the vocabulary, its share of "other" beyond). */
  nextShare: Float32Array;
  /** [size, COMPONENTS]: probability each history component gives the next category. */
  components: Float32Array;
  nextMask: Float32Array;
  futureMask: Float32Array;
  purchase: Float32Array;
  /** [size, 24]. */
  active: Float32Array;
}

const TWO_PI = 2 * Math.PI;
const logHours = (seconds: number, scale: number) => Math.log1p(Math.max(0, seconds) / HOUR_S) / scale;

export function encodeBatch(anchors: readonly Anchor[], meta: ModelMeta, leaveOneOut = false): EncodedBatch {
  const size = anchors.length;
  const { sequenceLength: L, historyWindow } = meta.json;
  const F = stepFeatures(meta);
  const batch: EncodedBatch = {
    size,
    steps: new Float32Array(size * L * F),
    wide: new Float32Array(size * WIDE_FEATURES),
    hourPrior: new Float32Array(size * ACTIVE_SLOTS),
    purchasePrior: new Float32Array(size),
    nextClass: new Int32Array(size).fill(-1),
    nextShare: new Float32Array(size),
    components: new Float32Array(size * COMPONENTS),
    nextMask: new Float32Array(size),
    futureMask: new Float32Array(size),
    purchase: new Float32Array(size),
    active: new Float32Array(size * ACTIVE_SLOTS),
  };
  const other = meta.json.inputVocabulary.length;
  const prior = new Float64Array(ACTIVE_SLOTS);
  for (let b = 0; b < size; b++) {
    const { sequence, anchor, example } = anchors[b];
    const { times, types, categories } = sequence;
    const start = windowStart(anchor, historyWindow);
    const anchorTime = times[anchor];
    const anchorCategory = categories[anchor];
    // Steps: the last L events of the window, oldest first, right-aligned.
    const first = Math.max(start, anchor - L + 1);
    for (let i = first; i <= anchor; i++) {
      const at = (b * L + (L - 1 - (anchor - i))) * F;
      const steps = batch.steps;
      steps[at] = 1;
      steps[at + 1 + types[i]] = 1;
      steps[at + 1 + TYPE_COUNT] = i > start ? logHours(times[i] - times[i - 1], 3) : 0;
      steps[at + 2 + TYPE_COUNT] = logHours(anchorTime - times[i], 3);
      const hour = ((times[i] % DAY_S) / DAY_S) * TWO_PI;
      steps[at + 3 + TYPE_COUNT] = Math.sin(hour);
      steps[at + 4 + TYPE_COUNT] = Math.cos(hour);
      const c = categories[i];
      const known = c !== UNKNOWN_CATEGORY;
      steps[at + 5 + TYPE_COUNT] = known && i > start && categories[i - 1] === c ? 1 : 0;
      steps[at + 6 + TYPE_COUNT] = known && c === anchorCategory ? 1 : 0;
      let seen = 0;
      if (known) for (let k = i - 1; k >= start; k--) if (categories[k] === c) { seen = 1; break; }
      steps[at + 7 + TYPE_COUNT] = seen;
      steps[at + STEP_BASE + (meta.inputIndex.get(c) ?? other)] = 1;
    }
    // Wide features as of the anchor.
    const state = asOf(sequence, anchor);
    const w = b * WIDE_FEATURES;
    const wide = batch.wide;
    for (let t = 0; t < TYPE_COUNT; t++) wide[w + t] = Math.log1p(state.countsByType[t]) / 5;
    wide[w + 6] = logHours(anchorTime - (sequence.firstTime || anchorTime), 5);
    wide[w + 7] = state.lastPurchase > 0 ? logHours(anchorTime - state.lastPurchase, 5) : 0;
    wide[w + 8] = state.lastPurchase > 0 ? 1 : 0;
    wide[w + 9] = state.lastCart > 0 ? logHours(anchorTime - state.lastCart, 5) : 0;
    wide[w + 10] = state.lastCart > 0 ? 1 : 0;
    let lastHour = 0;
    let lastDay = 0;
    let openCarts = 0;
    let purchased = false;
    const dayByType = new Float64Array(TYPE_COUNT);
    const distinct = new Set<number>();
    for (let i = anchor; i >= start; i--) {
      const age = anchorTime - times[i];
      if (age <= HOUR_S) lastHour++;
      if (age <= DAY_S) {
        lastDay++;
        dayByType[types[i]]++;
      }
      if (types[i] === PURCHASE) purchased = true;
      else if (types[i] === ADD_TO_CART && !purchased) openCarts++;
      distinct.add(categories[i]);
    }
    wide[w + 11] = Math.log1p(lastHour) / 3;
    wide[w + 12] = Math.log1p(lastDay) / 4;
    wide[w + 13] = distinct.size / (anchor - start + 1);
    const hour = ((anchorTime % DAY_S) / DAY_S) * TWO_PI;
    wide[w + 14] = Math.sin(hour);
    wide[w + 15] = Math.cos(hour);
    wide[w + 16] = Math.log1p(anchor - start + 1) / 4;
    wide[w + 17] = anchor > start ? logHours(anchorTime - times[anchor - 1], 3) : 0;
    // Recent intent: carts since the last purchase, and the last day's events by type.
    wide[w + 18] = Math.log1p(openCarts) / 2;
    wide[w + 19] = Math.log1p(dayByType[VIEW]) / 4;
    wide[w + 20] = Math.log1p(dayByType[ADD_TO_CART]) / 2;
    wide[w + 21] = Math.log1p(dayByType[FAVORITE]) / 2;
    wide[w + 22] = Math.log1p(dayByType[PURCHASE]) / 2;
    wide[w + 23] = state.countsByType[PURCHASE] / Math.max(1, (anchorTime - (sequence.firstTime || anchorTime)) / DAY_S + 1);
    // The priors, as logits: the network learns corrections to them.
    ownHourPrior(sequence, anchor, state.hourCells, meta.hourRates, meta.json.hourPriorDays, prior);
    for (let k = 0; k < ACTIVE_SLOTS; k++) batch.hourPrior[b * ACTIVE_SLOTS + k] = Math.log(prior[k] / (1 - prior[k]));
    batch.purchasePrior[b] = meta.purchasePrior.logit(rfmFeatures(sequence, anchor, state));
    // Targets.
    if (example === undefined) continue;
    if (example.next >= 0) {
      const index = meta.vocabularyIndex.get(example.next);
      batch.nextClass[b] = index ?? meta.otherClass;
      batch.nextShare[b] = index === undefined ? meta.otherShare(example.next) : 1;
      batch.nextMask[b] = 1;
      historyProbabilities(sequence, anchor, start, meta.markov, example.next, batch.components, b * COMPONENTS, leaveOneOut);
    }
    if (example.future) {
      batch.futureMask[b] = 1;
      batch.purchase[b] = example.purchase ? 1 : 0;
      for (let k = 0; k < ACTIVE_SLOTS; k++) batch.active[b * ACTIVE_SLOTS + k] = isActive(example, k) ? 1 : 0;
    }
  }
  return batch;
}
