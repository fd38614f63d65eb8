// What a user's sequence says as of one of its events (the anchor): lifetime counts, last
// purchase and cart, the hours of day the user is active in, and the next-category
// distributions of the user's own history (last category, recent and frequent categories) and
// of the Markov chain. The network and the baselines read the same numbers.

import { ADD_TO_CART, PURCHASE, TYPE_COUNT, UNKNOWN_CATEGORY, type EventSequence } from './eventSequence.js';
import type { MarkovRow, MarkovTable } from './markovTable.js';
import { ACTIVE_SLOTS, DAY_S, HOUR_S } from './trainingExamples.js';

/** Weight of an event k events before the anchor in the "recent" distribution: RECENT_DECAY^k. */
export const RECENT_DECAY = 0.7;

/** The mixture's history components, in the order of the network's gate (after the GRU's own softmax). */
export const HISTORY_COMPONENTS = ['last', 'recent', 'frequent', 'markov'] as const;

export interface AsOf {
  countsByType: Float64Array;
  hourCells: Float64Array;
  /** Unix seconds, 0 when none. */
  lastPurchase: number;
  lastCart: number;
}

/** First event of the anchor's history window (the buffer's length in production). */
export function windowStart(anchor: number, historyWindow: number): number {
  return Math.max(0, anchor - historyWindow + 1);
}

/** Lifetime counters as they were right after the anchor event: the header minus what came later. */
export function asOf(sequence: EventSequence, anchor: number): AsOf {
  const countsByType = Float64Array.from(sequence.countsByType);
  const hourCells = Float64Array.from(sequence.hourCells);
  const { times, types, length } = sequence;
  for (let i = anchor + 1; i < length; i++) {
    countsByType[types[i]]--;
    if (Math.floor(times[i] / HOUR_S) !== Math.floor(times[i - 1] / HOUR_S)) hourCells[Math.floor(times[i] / HOUR_S) % 24]--;
  }
  let lastPurchase = sequence.evictedLastPurchase;
  let lastCart = sequence.evictedLastCart;
  for (let i = 0; i <= anchor; i++) {
    if (types[i] === PURCHASE) lastPurchase = Math.max(lastPurchase, times[i]);
    else if (types[i] === ADD_TO_CART) lastCart = Math.max(lastCart, times[i]);
  }
  for (let t = 0; t < TYPE_COUNT; t++) countsByType[t] = Math.max(0, countsByType[t]);
  for (let h = 0; h < 24; h++) hourCells[h] = Math.max(0, hourCells[h]);
  return { countsByType, hourCells, lastPurchase, lastCart };
}

/**
 * P(active in each of the 24 hours after the anchor) from the user's own hour-of-day histogram:
 * per hour of day, the share of the user's days with activity in it, smoothed toward the
 * population's `hourRates` with the weight of `smoothingDays` days. A slot spanning two clock
 * hours takes both in proportion.
 */
export function ownHourPrior(
  sequence: EventSequence,
  anchor: number,
  hourCells: ArrayLike<number>,
  hourRates: ArrayLike<number>,
  smoothingDays: number,
  out: Float64Array = new Float64Array(ACTIVE_SLOTS),
): Float64Array {
  const time = sequence.times[anchor];
  const first = sequence.firstTime || time;
  const days = Math.max(1, (time - first) / DAY_S + 1);
  const fraction = (time % HOUR_S) / HOUR_S;
  const startHour = Math.floor(time / HOUR_S) % 24;
  const rate = (h: number) => (hourCells[h] + smoothingDays * hourRates[h]) / (days + smoothingDays);
  for (let k = 0; k < ACTIVE_SLOTS; k++) {
    const h = (startHour + k) % 24;
    out[k] = Math.min(0.999, Math.max(0.001, (1 - fraction) * rate(h) + fraction * rate((h + 1) % 24)));
  }
  return out;
}

/** Probabilities the history components give category `y` as the event after the anchor. */
export function historyProbabilities(
  sequence: EventSequence,
  anchor: number,
  start: number,
  markov: MarkovTable,
  y: number,
  out: Float32Array,
  offset: number,
  leaveOneOut = false,
): void {
  const { categories } = sequence;
  const last = categories[anchor];
  let weight = 1;
  let recentHit = 0;
  let recentTotal = 0;
  let hits = 0;
  for (let i = anchor; i >= start; i--) {
    if (categories[i] === y) {
      recentHit += weight;
      hits++;
    }
    recentTotal += weight;
    weight *= RECENT_DECAY;
  }
  out[offset] = last === y ? 1 : 0;
  out[offset + 1] = recentTotal > 0 ? recentHit / recentTotal : 0;
  out[offset + 2] = hits / (anchor - start + 1);
  out[offset + 3] = last === UNKNOWN_CATEGORY ? 0 : markov.probability(last, y, leaveOneOut);
}

/** The history components as whole distributions (for ranking), keyed by category code. */
export interface HistoryDistributions {
  last: number;
  recent: Map<number, number>;
  frequent: Map<number, number>;
  markov: MarkovRow | undefined;
}

export function historyDistributions(sequence: EventSequence, anchor: number, start: number, markov: MarkovTable): HistoryDistributions {
  const { categories } = sequence;
  const recent = new Map<number, number>();
  const frequent = new Map<number, number>();
  let weight = 1;
  let recentTotal = 0;
  for (let i = anchor; i >= start; i--) {
    const c = categories[i];
    recentTotal += weight;
    if (c !== UNKNOWN_CATEGORY) {
      recent.set(c, (recent.get(c) ?? 0) + weight);
      frequent.set(c, (frequent.get(c) ?? 0) + 1);
    }
    weight *= RECENT_DECAY;
  }
  const n = anchor - start + 1;
  for (const [c, w] of recent) recent.set(c, w / recentTotal);
  for (const [c, w] of frequent) frequent.set(c, w / n);
  const last = categories[anchor];
  return { last, recent, frequent, markov: last === UNKNOWN_CATEGORY ? undefined : markov.successors(last) };
}
