// The few vector operations k-means needs, as plain loops over Float64Arrays (hot: run per event).

/** Σ wᵢ (aᵢ - bᵢ)²; without weights, the plain squared Euclidean distance. */
export function squaredDistance(a: ArrayLike<number>, b: ArrayLike<number>, weights?: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    sum += weights === undefined ? d * d : weights[i] * d * d;
  }
  return sum;
}

/** Index of the centroid nearest to `x`, and the squared distance to it. */
export function nearest(x: ArrayLike<number>, centroids: readonly ArrayLike<number>[], weights?: ArrayLike<number>): { index: number; distance: number } {
  let index = 0;
  let distance = Infinity;
  for (let j = 0; j < centroids.length; j++) {
    const d = squaredDistance(x, centroids[j], weights);
    if (d < distance) {
      distance = d;
      index = j;
    }
  }
  return { index, distance };
}
