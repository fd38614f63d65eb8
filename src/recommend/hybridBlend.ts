// The hybrid: a weighted reciprocal-rank fusion of the single models' lists. Matrix
// factorization's weight grows with the user's history, n / (n + historyHalfWeight), since its
// user factors mean little after a few interactions; popularity and category affinity take the
// rest. Co-visitation keeps a constant weight: it needs only the last items, not a long history.
// Ranks rather than raw scores are fused because the models' scores share no scale. An item
// keeps the reason of the model that contributed most to it.

import type { ScoredItem, RecommendationModel } from './scoredItem.js';
import type { RecommendSettings } from './feedbackWeights.js';

export type BlendWeights = Record<RecommendationModel, number>;
export type BlendSettings = RecommendSettings['blend'];

export function blendWeights(historyLength: number, historyHalfWeight: number, blend: BlendSettings): BlendWeights {
  const mf = historyLength / (historyLength + historyHalfWeight);
  return {
    eals: blend.model * mf,
    covisit: blend.coVisit,
    popularity: blend.popularity * (1 - mf),
    category: blend.category * (1 - mf),
  };
}

/** Weighted reciprocal-rank fusion of the lists: weight / (rankOffset + rank) per list an item is in. */
export function blend(lists: ScoredItem[][], weights: BlendWeights, k: number, rankOffset: number): ScoredItem[] {
  const fused = new Map<number, { total: number; best: number; from: ScoredItem }>();
  for (const list of lists) {
    for (let rank = 0; rank < list.length; rank++) {
      const candidate = list[rank];
      const weight = weights[candidate.model];
      if (weight === 0) continue;
      const contribution = weight / (rankOffset + rank);
      const entry = fused.get(candidate.item);
      if (entry === undefined) fused.set(candidate.item, { total: contribution, best: contribution, from: candidate });
      else {
        entry.total += contribution;
        if (contribution > entry.best) {
          entry.best = contribution;
          entry.from = candidate;
        }
      }
    }
  }
  return [...fused.values()]
    .sort((a, b) => b.total - a.total || a.from.item - b.from.item)
    .slice(0, k)
    .map(({ total, from }) => ({ ...from, score: total }));
}
