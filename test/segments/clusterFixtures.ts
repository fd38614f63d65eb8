// Synthetic, well separated clusters for the k-means tests.

import { SeededRandom } from '../../src/segments/seededRandom.js';

export const CENTERS = [
  [0, 0, 0],
  [10, 0, 0],
  [0, 10, 5],
];

/** `perCluster` points around each center (uniform noise of ±1), cluster-major, with their cluster. */
export function clusteredPoints(perCluster: number, seed = 7, centers = CENTERS): { points: number[][]; cluster: number[] } {
  const random = new SeededRandom(seed);
  const points: number[][] = [];
  const cluster: number[] = [];
  centers.forEach((center, c) => {
    for (let i = 0; i < perCluster; i++) {
      points.push(center.map((x) => x + (random.next() * 2 - 1)));
      cluster.push(c);
    }
  });
  return { points, cluster };
}

/** Points drawn in random order from the clusters. */
export function shuffled<T>(items: T[], seed = 11): T[] {
  const random = new SeededRandom(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.below(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** True when the assignment groups exactly as the clusters do (labels may be permuted). */
export function samePartition(assignment: ArrayLike<number>, cluster: number[]): boolean {
  const labelOf = new Map<number, number>();
  const clusterOf = new Map<number, number>();
  for (let i = 0; i < cluster.length; i++) {
    const a = assignment[i];
    if ((labelOf.get(cluster[i]) ?? a) !== a || (clusterOf.get(a) ?? cluster[i]) !== cluster[i]) return false;
    labelOf.set(cluster[i], a);
    clusterOf.set(a, cluster[i]);
  }
  return true;
}
