// The next-category baselines of the evaluator, all updated online as events are revealed:
// most popular, first-order Markov chain from the last category, the user's own most frequent
// categories, and a blend of the last category, the user's own top and the Markov chain.

import { MarkovCounter } from '../markovTable.js';
import { fillWithPopular, PopularityRanking } from './popularityRanking.js';

export const NEXT_CATEGORY_BASELINES = ['popularity', 'markov', 'ownHistory', 'lastOwnMarkov'] as const;
export type NextCategoryBaseline = (typeof NEXT_CATEGORY_BASELINES)[number];

interface UserState {
  last: number;
  counts: Map<number, number>;
  total: number;
  /** Last position each category occurred at, to break count ties by recency. */
  seenAt: Map<number, number>;
}

export class NextCategoryBaselines {
  readonly popularity = new PopularityRanking();
  private readonly transitions = new MarkovCounter();
  private readonly users = new Map<string, UserState>();

  /** Reveals an event: every baseline learns from it. */
  observe(userId: string, category: number): void {
    this.popularity.add(category);
    let user = this.users.get(userId);
    if (user === undefined) this.users.set(userId, (user = { last: -1, counts: new Map(), total: 0, seenAt: new Map() }));
    if (user.last >= 0) this.transitions.add(user.last, category);
    user.last = category;
    user.counts.set(category, (user.counts.get(category) ?? 0) + 1);
    user.seenAt.set(category, user.total++);
  }

  /** Each baseline's top `k` for the user's next category, before the event is revealed. */
  rank(userId: string, k: number): Record<NextCategoryBaseline, number[]> {
    const user = this.users.get(userId);
    const popular = this.popularity.top(k);
    if (user === undefined) return { popularity: popular, markov: popular, ownHistory: popular, lastOwnMarkov: popular };
    const markovRow = this.transitions.top(user.last, k * 4);
    const own = [...user.counts].sort((a, b) => b[1] - a[1] || user.seenAt.get(b[0])! - user.seenAt.get(a[0])!);
    // The blend: each source's probability, the last category counting in full.
    const blend = new Map<number, number>([[user.last, 1]]);
    for (const [category, count] of own) blend.set(category, (blend.get(category) ?? 0) + count / user.total);
    markovRow.next.forEach((category, i) => blend.set(category, (blend.get(category) ?? 0) + markovRow.count[i] / markovRow.total));
    const blended = [...blend].sort((a, b) => b[1] - a[1] || this.popularity.count(b[0]) - this.popularity.count(a[0])).map(([category]) => category);
    return {
      popularity: popular,
      markov: fillWithPopular(markovRow.next, this.popularity, k),
      ownHistory: fillWithPopular(own.slice(0, k).map(([category]) => category), this.popularity, k),
      lastOwnMarkov: fillWithPopular(blended, this.popularity, k),
    };
  }
}
