// Ranks the categories a user may engage with next under the network's gated mixture:
// score(c) = g0 P_gru(c) + g1 [c = last] + g2 P_recent(c) + g3 P_frequent(c) + g4 P_markov(c | last).
// The candidates are the union of the GRU's best vocabulary entries, the user's own window and
// the Markov successors of the last category: any category outside all three scores only through
// the GRU's "other" class, below every candidate.

import type { EventSequence } from './eventSequence.js';
import type { ModelMeta } from './modelMeta.js';
import { historyDistributions, windowStart } from './userHistory.js';

/** The GRU's best vocabulary entries taken as candidates. */
const GRU_CANDIDATES = 10;

export interface RankedCategory {
  /** Category code. */
  category: number;
  /** Probability under the mixture. */
  probability: number;
}

/**
 * The `k` most probable next categories for the sequence at `anchor`, given the network's softmax
 * row `next` (vocabulary plus "other") and gate row `gate`.
 */
export function rankNextCategories(
  meta: ModelMeta,
  sequence: EventSequence,
  anchor: number,
  next: ArrayLike<number>,
  gate: ArrayLike<number>,
  k: number,
): RankedCategory[] {
  const start = windowStart(anchor, meta.json.historyWindow);
  const history = historyDistributions(sequence, anchor, start, meta.markov);
  const scores = new Map<number, number>();
  const vocabulary = meta.json.vocabulary;
  const gruOf = (code: number) => {
    const index = meta.vocabularyIndex.get(code);
    return index === undefined ? next[meta.otherClass] * meta.otherShare(code) : next[index];
  };
  const add = (code: number) => {
    if (!scores.has(code)) scores.set(code, gate[0] * gruOf(code));
  };
  // The GRU's top entries: one pass keeping the best few in order.
  const best = new Int32Array(GRU_CANDIDATES).fill(-1);
  const bestValue = new Float64Array(GRU_CANDIDATES).fill(-Infinity);
  for (let i = 0; i < vocabulary.length; i++) {
    const value = next[i];
    if (value <= bestValue[GRU_CANDIDATES - 1]) continue;
    let at = GRU_CANDIDATES - 1;
    while (at > 0 && bestValue[at - 1] < value) {
      bestValue[at] = bestValue[at - 1];
      best[at] = best[at - 1];
      at--;
    }
    bestValue[at] = value;
    best[at] = i;
  }
  for (const index of best) if (index >= 0) add(vocabulary[index]);
  for (const code of history.recent.keys()) add(code);
  if (history.markov) for (const code of history.markov.next) add(code);
  const bump = (code: number, amount: number) => scores.set(code, scores.get(code)! + amount);
  if (history.last !== 0) bump(history.last, gate[1]);
  for (const [code, p] of history.recent) bump(code, gate[2] * p);
  for (const [code, p] of history.frequent) bump(code, gate[3] * p);
  if (history.markov) {
    const { next: successors, count, total } = history.markov;
    for (let i = 0; i < successors.length; i++) bump(successors[i], (gate[4] * count[i]) / total);
  }
  return [...scores]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, k)
    .map(([category, probability]) => ({ category, probability }));
}
