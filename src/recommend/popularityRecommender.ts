// Time-decayed popularity, globally and per scope (a segment of users, a category of items):
// each interaction adds its confidence, halving with every half-life of event time since.
// A user in a segment gets the segment's favourites first, then the global ones.

import { DecayedScores } from './decayedScores.js';
import type { CandidateFilter } from './candidateFilter.js';
import type { ScoredItem } from './scoredItem.js';
import { TopKHeap } from './topKHeap.js';

/** Entries kept in order per scope; a user who excluded more falls back to a full scan. */
const TOP_LIST = 200;

export class PopularityRecommender {
  readonly global: DecayedScores;
  private readonly segments = new Map<string, DecayedScores>();
  private readonly categories = new Map<number, DecayedScores>();

  constructor(private readonly tauMs: number) {
    this.global = new DecayedScores(tauMs, TOP_LIST);
  }

  observe(item: number, weight: number, time: number, segment?: string, category?: number): void {
    this.global.add(item, weight, time);
    if (segment !== undefined) this.scope(this.segments, segment, TOP_LIST).add(item, weight, time);
    if (category !== undefined && category >= 0) this.scope(this.categories, category, 50).add(item, weight, time);
  }

  private scope<K>(scopes: Map<K, DecayedScores>, key: K, capacity: number): DecayedScores {
    let scores = scopes.get(key);
    if (scores === undefined) {
      scores = new DecayedScores(this.tauMs, capacity);
      scopes.set(key, scores);
    }
    return scores;
  }

  category(category: number): DecayedScores | undefined {
    return this.categories.get(category);
  }

  /** The k most popular acceptable items: the segment's first when given, then global. */
  recommend(k: number, filter: CandidateFilter, segment?: string): ScoredItem[] {
    const out: ScoredItem[] = [];
    const taken = new Set<number>();
    const segmentScores = segment === undefined ? undefined : this.segments.get(segment);
    if (segmentScores !== undefined) bestOf(segmentScores, k, filter, out, taken);
    if (out.length < k) bestOf(this.global, k, filter, out, taken);
    return out;
  }
}

/** Appends the best acceptable entries of `scores` to `out` until it holds k. */
export function bestOf(scores: DecayedScores, k: number, filter: CandidateFilter, out: ScoredItem[], taken: Set<number>): void {
  const start = out.length;
  for (const item of scores.top()) {
    if (out.length >= k) return;
    if (taken.has(item) || !filter.accepts(item)) continue;
    taken.add(item);
    out.push({ item, score: scores.get(item), model: 'popularity' });
  }
  if (out.length >= k || scores.topSize >= scores.size) return;
  // The user excluded most of the kept list: scan the whole scope.
  for (let index = start; index < out.length; index++) taken.delete(out[index].item);
  out.length = start;
  const heap = new TopKHeap(k - start);
  for (const [item, score] of scores.scores) {
    if (score <= heap.threshold() || taken.has(item) || !filter.accepts(item)) continue;
    heap.push(item, score);
  }
  for (const { item, score } of heap.sorted()) {
    taken.add(item);
    out.push({ item, score, model: 'popularity' });
  }
}
