// Batch k-means (Lloyd's algorithm) with k-means++ seeding and restarts: the yardstick the
// streaming segments are measured against, and the refinement of their first seeding on the
// reservoir sample.

import { kMeansPlusPlus } from './kMeansPlusPlus.js';
import type { SeededRandom } from './seededRandom.js';
import { nearest } from './vectorMath.js';

export interface KMeansResult {
  centroids: Float64Array[];
  /** Index of each point's centroid. */
  assignment: Int32Array;
  /** Sum of squared (weighted) distances of the points to their centroids. */
  inertia: number;
  iterations: number;
}

export interface LloydOptions {
  random: SeededRandom;
  /** Independent seedings; the result with the least inertia wins (default 1). */
  restarts?: number;
  maxIterations?: number;
  /** Per-feature weights of the squared distance (default: all 1). */
  weights?: ArrayLike<number>;
}

export function lloydKMeans(points: readonly ArrayLike<number>[], k: number, options: LloydOptions): KMeansResult {
  let best: KMeansResult | undefined;
  for (let restart = 0; restart < (options.restarts ?? 1); restart++) {
    const seeds = kMeansPlusPlus(points, k, options.random, options.weights).map((i) => Float64Array.from(points[i]));
    const result = refine(points, seeds, options.maxIterations ?? 100, options.weights);
    if (best === undefined || result.inertia < best.inertia) best = result;
  }
  return best!;
}

/** Lloyd iterations from given centroids until no point changes centroid. */
export function refine(points: readonly ArrayLike<number>[], initial: readonly ArrayLike<number>[], maxIterations: number, weights?: ArrayLike<number>): KMeansResult {
  const centroids = initial.map((c) => Float64Array.from(c));
  const assignment = new Int32Array(points.length).fill(-1);
  const dims = points[0]?.length ?? 0;
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    let moved = false;
    for (let p = 0; p < points.length; p++) {
      const { index } = nearest(points[p], centroids, weights);
      if (index !== assignment[p]) {
        assignment[p] = index;
        moved = true;
      }
    }
    if (!moved) break;
    const sums = centroids.map(() => new Float64Array(dims));
    const counts = new Float64Array(centroids.length);
    for (let p = 0; p < points.length; p++) {
      counts[assignment[p]]++;
      const sum = sums[assignment[p]];
      for (let i = 0; i < dims; i++) sum[i] += points[p][i];
    }
    // An emptied centroid stays where it was (k-means++ seeding makes this rare).
    for (let j = 0; j < centroids.length; j++) if (counts[j] > 0) for (let i = 0; i < dims; i++) centroids[j][i] = sums[j][i] / counts[j];
  }
  let inertia = 0;
  for (let p = 0; p < points.length; p++) {
    const { index, distance } = nearest(points[p], centroids, weights);
    assignment[p] = index;
    inertia += distance;
  }
  return { centroids, assignment, inertia, iterations };
}
