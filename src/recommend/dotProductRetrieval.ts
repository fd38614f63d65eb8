// Top-K items for a user by the dot product of factors: one pass over the contiguous
// Float32Array of item factors. Only items beating the current k-th score are checked against
// the filter's stock predicate, so an LMDB lookup per item is never paid on the whole catalog.
//
// The scan scores four items at a time: each user factor is loaded once for four products, and
// the four sums are independent chains of additions, so the loop is bound by loads rather than
// by the latency of one running sum. Nothing is allocated per call: the user's factors go to a
// module scratch array, and the caller's heap is reused.

import type { CandidateFilter } from './candidateFilter.js';
import type { TopKHeap } from './topKHeap.js';

let userScratch = new Float64Array(64);

export function topKByDotProduct(
  userFactors: Float32Array,
  userBase: number,
  itemFactors: Float32Array,
  itemCount: number,
  k: number,
  filter: CandidateFilter,
  heap: TopKHeap,
): void {
  heap.clear();
  if (userScratch.length < k) userScratch = new Float64Array(k);
  const u = userScratch;
  for (let f = 0; f < k; f++) u[f] = userFactors[userBase + f];
  const q = itemFactors;
  let item = 0;
  let base = 0;
  for (; item + 4 <= itemCount; item += 4, base += 4 * k) {
    const base1 = base + k;
    const base2 = base1 + k;
    const base3 = base2 + k;
    let score0 = 0;
    let score1 = 0;
    let score2 = 0;
    let score3 = 0;
    for (let f = 0; f < k; f++) {
      const value = u[f];
      score0 += value * q[base + f];
      score1 += value * q[base1 + f];
      score2 += value * q[base2 + f];
      score3 += value * q[base3 + f];
    }
    const threshold = heap.threshold();
    if (score0 > threshold) offer(heap, filter, item, score0);
    if (score1 > threshold) offer(heap, filter, item + 1, score1);
    if (score2 > threshold) offer(heap, filter, item + 2, score2);
    if (score3 > threshold) offer(heap, filter, item + 3, score3);
  }
  for (; item < itemCount; item++, base += k) {
    let score = 0;
    for (let f = 0; f < k; f++) score += u[f] * q[base + f];
    if (score > heap.threshold()) offer(heap, filter, item, score);
  }
}

/**
 * Pushes a candidate when it still beats the k-th score (an earlier item of its block may have
 * raised it) and the filter accepts it.
 */
function offer(heap: TopKHeap, filter: CandidateFilter, item: number, score: number): void {
  if (score > heap.threshold() && filter.accepts(item)) heap.push(item, score);
}
