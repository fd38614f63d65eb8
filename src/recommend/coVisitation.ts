// Item-to-item co-visitation ("viewed this, also viewed"): each interaction counts once with
// each of the user's few previous distinct items, in both directions (the forward one, from the
// earlier item to the later, weighs more: on time-ordered data it is what predicts the next).
// A user's recommendations sum the counts from their most recent items, nearer ones weighing
// more, and name the item that contributed most as the seed.

import type { CandidateFilter } from './candidateFilter.js';
import type { ScoredItem } from './scoredItem.js';
import { TopKHeap } from './topKHeap.js';
import { growFloat64, growInt32 } from './growTypedArray.js';

export interface CoVisitationOptions {
  /** Previous distinct items an interaction is paired with. */
  window: number;
  /** Most recent items that seed a recommendation. */
  seeds: number;
  /** Weight of the backward direction (later item -> earlier), the forward one being 1. */
  backwardWeight: number;
  /** Each older seed counts this much less than the next more recent. */
  seedDecay: number;
}

export class CoVisitation {
  /** Per item: co-visited item -> weighted count. */
  readonly neighbors: (Map<number, number> | undefined)[] = [];
  /** Per user: their last `window` distinct items, oldest first. */
  readonly recent: (number[] | undefined)[] = [];
  private sums = new Float64Array(1024);
  private bestSeed = new Int32Array(1024);
  private bestContribution = new Float64Array(1024);

  constructor(private readonly options: CoVisitationOptions) {}

  observe(user: number, item: number): void {
    let history = this.recent[user];
    if (history === undefined) this.recent[user] = history = [];
    const previous = history.indexOf(item);
    if (previous >= 0) {
      // A re-visit within the window: no new pairs, it only becomes the most recent again.
      history.splice(previous, 1);
      history.push(item);
      return;
    }
    for (const earlier of history) {
      this.count(earlier, item, 1);
      this.count(item, earlier, this.options.backwardWeight);
    }
    history.push(item);
    if (history.length > this.options.window) history.shift();
  }

  /** The co-visit count from `from` to `to`. */
  countOf(from: number, to: number): number {
    return this.neighbors[from]?.get(to) ?? 0;
  }

  private count(from: number, to: number, weight: number): void {
    if (weight === 0) return;
    let row = this.neighbors[from];
    if (row === undefined) this.neighbors[from] = row = new Map();
    row.set(to, (row.get(to) ?? 0) + weight);
  }

  /** The user's most recent items, most recent first (the seeds). */
  seedsOf(user: number): number[] {
    const history = this.recent[user] ?? [];
    return history.slice(-this.options.seeds).reverse();
  }

  recommend(user: number, k: number, filter: CandidateFilter, itemCount: number): ScoredItem[] {
    const seeds = this.seedsOf(user);
    if (seeds.length === 0) return [];
    this.sums = growFloat64(this.sums, itemCount);
    this.bestContribution = growFloat64(this.bestContribution, itemCount);
    this.bestSeed = growInt32(this.bestSeed, itemCount);
    const touched: number[] = [];
    let seedWeight = 1;
    for (const seed of seeds) {
      const row = this.neighbors[seed];
      if (row !== undefined) {
        for (const [item, count] of row) {
          const contribution = seedWeight * count;
          if (this.sums[item] === 0) touched.push(item);
          this.sums[item] += contribution;
          if (contribution > this.bestContribution[item]) {
            this.bestContribution[item] = contribution;
            this.bestSeed[item] = seed;
          }
        }
      }
      seedWeight *= this.options.seedDecay;
    }
    const heap = new TopKHeap(k);
    for (const item of touched) {
      const score = this.sums[item];
      if (score > heap.threshold() && filter.accepts(item)) heap.push(item, score);
    }
    const out = heap.sorted().map(({ item, score }): ScoredItem => ({ item, score, model: 'covisit', seedItem: this.bestSeed[item] }));
    for (const item of touched) {
      this.sums[item] = 0;
      this.bestContribution[item] = 0;
    }
    return out;
  }
}
