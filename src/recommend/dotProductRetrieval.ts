// Top-K items for a user by the dot product of factors: one plain loop over the contiguous
// Float32Array of item factors. Only items beating the current k-th score are checked against
// the filter's stock predicate, so an LMDB lookup per item is never paid on the whole catalog.

import type { CandidateFilter } from './candidateFilter.js';
import { TopKHeap } from './topKHeap.js';

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
  const u = userFactors;
  const q = itemFactors;
  const size = heap.capacity;
  // Unrolled for the common sizes would be faster still; K is a setting, so one general loop.
  const dims = k;
  for (let item = 0, base = 0; item < itemCount; item++, base += dims) {
    let score = 0;
    for (let f = 0; f < dims; f++) score += u[userBase + f] * q[base + f];
    if (heap.size === size && score <= heap.scores[0]) continue;
    if (!filter.accepts(item)) continue;
    heap.push(item, score);
  }
}
