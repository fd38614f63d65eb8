// k-means++ seeding (Arthur & Vassilvitskii, 2007): the first centroid is a uniformly drawn
// point, each next one a point drawn with probability proportional to its squared distance to
// the nearest centroid chosen so far. Spreads the seeds, which k-means alone cannot undo.

import type { SeededRandom } from './seededRandom.js';
import { nearest } from './vectorMath.js';

/** Indices of `k` seed points among `points` (fewer when there are fewer distinct points). */
export function kMeansPlusPlus(points: readonly ArrayLike<number>[], k: number, random: SeededRandom, weights?: ArrayLike<number>): number[] {
  if (points.length === 0) return [];
  const chosen = [random.below(points.length)];
  while (chosen.length < k) {
    const next = drawByDistance(points, chosen.map((i) => points[i]), random, weights);
    if (next === undefined) break;
    chosen.push(next);
  }
  return chosen;
}

/**
 * One point drawn with probability proportional to its squared distance to the nearest of
 * `centroids` (the k-means++ step, also used to re-seed a segment that died out); undefined
 * when every point sits on a centroid.
 */
export function drawByDistance(points: readonly ArrayLike<number>[], centroids: readonly ArrayLike<number>[], random: SeededRandom, weights?: ArrayLike<number>): number | undefined {
  const distances = points.map((point) => nearest(point, centroids, weights).distance);
  const total = distances.reduce((sum, d) => sum + d, 0);
  if (!(total > 0)) return undefined;
  let target = random.next() * total;
  for (let i = 0; i < distances.length; i++) {
    target -= distances[i];
    if (target < 0 && distances[i] > 0) return i;
  }
  return distances.findLastIndex((d) => d > 0);
}
