// Mini-batch k-means with forgetting, after Spark MLlib's StreamingKMeans: each centroid carries
// a weight (how many points it stands for); a mini-batch first discounts the old weights by the
// decay factor, then moves each centroid to the weighted mean of its old position and the batch
// points nearest to it:
//   w'ⱼ = a·wⱼ + nⱼ,   c'ⱼ = (a·wⱼ·cⱼ + Σ x∈batchⱼ x) / w'ⱼ
// With a = 1 that is the running mean of every point a centroid ever took; with a < 1 old points
// fade, so the segments follow a drifting population.

import { nearest, squaredDistance } from './vectorMath.js';

export interface MiniBatchResult {
  /** Index of each point's centroid (before the move). */
  assignment: Int32Array;
  /** Sum of squared (weighted) distances of the points to their centroids, before the move. */
  inertia: number;
  /** Mean (weighted) distance the centroids moved. */
  drift: number;
}

export class StreamingKMeans {
  constructor(
    readonly centroids: Float64Array[],
    readonly weights: Float64Array,
  ) {}

  get k(): number {
    return this.centroids.length;
  }

  nearest(x: ArrayLike<number>, distanceWeights?: ArrayLike<number>): { index: number; distance: number } {
    return nearest(x, this.centroids, distanceWeights);
  }

  /** One mini-batch: `decay` is the factor old weights are discounted by (1: no forgetting). */
  update(points: readonly ArrayLike<number>[], decay: number, distanceWeights?: ArrayLike<number>): MiniBatchResult {
    const dims = this.centroids[0].length;
    const sums = this.centroids.map(() => new Float64Array(dims));
    const counts = new Float64Array(this.k);
    const assignment = new Int32Array(points.length);
    let inertia = 0;
    points.forEach((point, p) => {
      const { index, distance } = this.nearest(point, distanceWeights);
      assignment[p] = index;
      inertia += distance;
      counts[index]++;
      for (let i = 0; i < dims; i++) sums[index][i] += point[i];
    });
    let drift = 0;
    for (let j = 0; j < this.k; j++) {
      const kept = this.weights[j] * decay;
      const weight = kept + counts[j];
      this.weights[j] = weight;
      if (counts[j] === 0 || weight === 0) continue;
      const before = Float64Array.from(this.centroids[j]);
      for (let i = 0; i < dims; i++) this.centroids[j][i] = (kept * this.centroids[j][i] + sums[j][i]) / weight;
      drift += Math.sqrt(squaredDistance(before, this.centroids[j], distanceWeights));
    }
    return { assignment, inertia, drift: drift / this.k };
  }

  /** Centroids whose weight fell below `share` of the average weight: they stand for almost no one. */
  dying(share: number): number[] {
    const average = this.weights.reduce((sum, w) => sum + w, 0) / this.k;
    const dead: number[] = [];
    this.weights.forEach((weight, j) => {
      if (weight < share * average) dead.push(j);
    });
    return dead;
  }
}
