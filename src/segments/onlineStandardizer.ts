// Mean and variance of each feature, updated one vector at a time (Welford's algorithm: stable,
// one pass, O(d) per vector), so that profile features measured in different units (events per
// day, shares, log-spend) weigh alike in k-means distances.

/** Below this variance a feature is taken as constant: its scale is 1 (it adds no distance anyway). */
const MIN_VARIANCE = 1e-12;

export class OnlineStandardizer {
  readonly mean: Float64Array;
  /** Sum of squared deviations from the mean (Welford's M2). */
  readonly m2: Float64Array;

  constructor(
    readonly dims: number,
    public count = 0,
    mean?: Float64Array,
    m2?: Float64Array,
  ) {
    this.mean = mean ?? new Float64Array(dims);
    this.m2 = m2 ?? new Float64Array(dims);
  }

  observe(x: ArrayLike<number>): void {
    this.count++;
    for (let i = 0; i < this.dims; i++) {
      const delta = x[i] - this.mean[i];
      this.mean[i] += delta / this.count;
      this.m2[i] += delta * (x[i] - this.mean[i]);
    }
  }

  /** Population variance of feature `i`. */
  variance(i: number): number {
    return this.count < 2 ? 0 : this.m2[i] / this.count;
  }

  /** Standard deviation, 1 for a constant feature. */
  scale(i: number): number {
    const variance = this.variance(i);
    return variance < MIN_VARIANCE ? 1 : Math.sqrt(variance);
  }

  /** 1 / scale², the per-feature weights that make a raw squared distance a standardized one. */
  weights(): Float64Array {
    const weights = new Float64Array(this.dims);
    for (let i = 0; i < this.dims; i++) weights[i] = 1 / this.scale(i) ** 2;
    return weights;
  }

  /** (x - mean) / scale. */
  standardize(x: ArrayLike<number>): Float64Array {
    const z = new Float64Array(this.dims);
    for (let i = 0; i < this.dims; i++) z[i] = (x[i] - this.mean[i]) / this.scale(i);
    return z;
  }
}
