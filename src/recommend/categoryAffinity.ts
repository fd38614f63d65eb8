// Category affinity: each user's time-decayed interest per category (their interactions'
// confidence, halving every half-life), and recommendations from the popular items of their
// favourite categories, shared out in proportion to the interest. Needs items with categories
// (Taobao rows carry one; MovieLens ratings do not).

import { DecayedScores } from './decayedScores.js';
import type { CandidateFilter } from './candidateFilter.js';
import type { PopularityRecommender } from './popularityRecommender.js';
import type { ScoredItem } from './scoredItem.js';

/** Favourite categories kept per user. */
const TOP_CATEGORIES = 3;

export class CategoryAffinity {
  readonly byUser: (DecayedScores | undefined)[] = [];

  constructor(private readonly tauMs: number) {}

  observe(user: number, category: number, weight: number, time: number): void {
    if (category < 0) return;
    let scores = this.byUser[user];
    if (scores === undefined) this.byUser[user] = scores = new DecayedScores(this.tauMs, TOP_CATEGORIES);
    scores.add(category, weight, time);
  }

  /** The user's favourite categories, best first, with their share of the interest. */
  favourites(user: number): { category: number; share: number }[] {
    const scores = this.byUser[user];
    if (scores === undefined) return [];
    let total = 0;
    const top = [...scores.top()];
    for (const category of top) total += scores.get(category);
    return top.map((category) => ({ category, share: total > 0 ? scores.get(category) / total : 0 }));
  }

  recommend(user: number, k: number, filter: CandidateFilter, popularity: PopularityRecommender): ScoredItem[] {
    const candidates: ScoredItem[] = [];
    const seen = new Set<number>();
    for (const { category, share } of this.favourites(user)) {
      const scores = popularity.category(category);
      if (scores === undefined) continue;
      const best = scores.topSize > 0 ? scores.get(scores.topItems[0]) : 0;
      let taken = 0;
      for (const item of scores.top()) {
        if (taken >= k) break;
        if (seen.has(item) || !filter.accepts(item)) continue;
        seen.add(item);
        taken++;
        candidates.push({ item, score: (share * scores.get(item)) / best, model: 'category', category });
      }
    }
    return candidates.sort((a, b) => b.score - a.score || a.item - b.item).slice(0, k);
  }
}
