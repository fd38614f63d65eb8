// Element-wise ALS for implicit feedback (He, Zhang, Kan, Chua, "Fast Matrix Factorization for
// Online Recommendation with Implicit Feedback", SIGIR 2016). Minimizes
//   sum_{(u,i) observed} w_ui (1 - p_u.q_i)^2 + sum_u sum_{i unobserved} c_i (p_u.q_i)^2 + lambda (|P|^2 + |Q|^2)
// where the missing data's weight c_i = c0 * f_i^alpha / sum_j f_j^alpha follows item
// popularity f_i (distinct users). Each coordinate update is exact, and the sums over all items
// (or users) are replaced by the K x K caches S^q = sum_i c_i q_i q_i^T and S^p = sum_u p_u p_u^T,
// so updating a user costs O(|R_u| K + K^2) and an item O(|R_i| K + K^2).
//
// S^q is kept as (c0 / Z) * T with T = sum_i f_i^alpha q_i q_i^T and Z = sum_i f_i^alpha: a new
// user of an item changes every c_i through Z, which then costs one scalar, not a pass.
// Both caches follow every row change with rank-one updates; a full sweep recomputes them.

import { InteractionMatrix } from './interactionMatrix.js';
import { SeededRandom } from './seededRandom.js';
import { growFloat32, growFloat64 } from './growTypedArray.js';

export interface EalsOptions {
  factors: number;
  regularization: number;
  /** c0: the total weight of the missing data. */
  missingWeight: number;
  /** alpha: 0 weighs every missing item alike, 1 in proportion to its popularity. */
  popularityExponent: number;
  initStd: number;
  seed: number;
  /** Passes over the user's and the item's factors per online update. */
  onlineIterations: number;
  maxConfidence: number;
}

export class EalsModel {
  readonly k: number;
  readonly interactions: InteractionMatrix;
  userFactors = new Float32Array(0);
  itemFactors = new Float32Array(0);
  userCount = 0;
  itemCount = 0;
  /** f_i^alpha per item, and their sum Z. */
  private itemPopularityWeight = new Float64Array(0);
  private popularityWeightSum = 0;
  /** T = sum_i f_i^alpha q_i q_i^T (S^q = c0/Z * T) and S^p = sum_u p_u p_u^T, row-major K x K. */
  private readonly itemGram: Float64Array;
  private readonly userGram: Float64Array;
  private readonly random: SeededRandom;
  /** Scratch: predictions of the row being updated, and a copy of its old factors. */
  private predictions = new Float64Array(256);
  private missingScratch = new Float64Array(256);
  private gathered = new Float64Array(256 * 32);
  private readonly oldRow: Float64Array;
  /** Rows changed since the last `takeChanged*` (for write-behind to LMDB). */
  private readonly changedUsers = new Set<number>();
  private readonly changedItems = new Set<number>();

  constructor(readonly options: EalsOptions) {
    this.k = options.factors;
    this.interactions = new InteractionMatrix(options.maxConfidence);
    this.itemGram = new Float64Array(this.k * this.k);
    this.userGram = new Float64Array(this.k * this.k);
    this.oldRow = new Float64Array(this.k);
    this.random = new SeededRandom(options.seed);
  }

  /** Adds users up to `count` with small random factors. */
  ensureUsers(count: number): void {
    if (count <= this.userCount) return;
    this.userFactors = growFloat32(this.userFactors, count * this.k);
    for (let user = this.userCount; user < count; user++) {
      this.interactions.addUser();
      this.randomRow(this.userFactors, user);
      this.addToGram(this.userGram, this.userFactors, user, 1);
    }
    this.userCount = count;
  }

  /** Adds items up to `count` with small random factors (and no popularity yet). */
  ensureItems(count: number): void {
    if (count <= this.itemCount) return;
    this.itemFactors = growFloat32(this.itemFactors, count * this.k);
    this.itemPopularityWeight = growFloat64(this.itemPopularityWeight, count);
    for (let item = this.itemCount; item < count; item++) {
      this.interactions.addItem();
      this.randomRow(this.itemFactors, item);
    }
    this.itemCount = count;
  }

  private randomRow(factors: Float32Array, row: number): void {
    const { k } = this;
    for (let f = 0; f < k; f++) factors[row * k + f] = this.random.normal() * this.options.initStd;
  }

  /** Records an interaction without touching the factors (training data, or a restore). */
  observe(user: number, item: number, weight: number, purchase = false): void {
    this.ensureUsers(user + 1);
    this.ensureItems(item + 1);
    if (!this.interactions.add(user, item, weight, purchase)) return;
    // A new user of the item: its popularity, and so its share of the missing weight, grows.
    const before = this.itemPopularityWeight[item];
    const after = Math.pow(this.interactions.itemLength(item), this.options.popularityExponent);
    this.itemPopularityWeight[item] = after;
    this.popularityWeightSum += after - before;
    this.addToGram(this.itemGram, this.itemFactors, item, after - before);
  }

  /** The online update: record the interaction, then refresh that user's and that item's factors. */
  learn(user: number, item: number, weight: number, purchase = false): void {
    this.observe(user, item, weight, purchase);
    for (let pass = 0; pass < this.options.onlineIterations; pass++) {
      this.updateUser(user);
      this.updateItem(item);
    }
  }

  /** c_i: the item's weight as missing data. */
  missingWeightOf(item: number): number {
    return this.popularityWeightSum > 0 ? (this.options.missingWeight * this.itemPopularityWeight[item]) / this.popularityWeightSum : 0;
  }

  score(user: number, item: number): number {
    const { k } = this;
    let sum = 0;
    for (let f = 0; f < k; f++) sum += this.userFactors[user * k + f] * this.itemFactors[item * k + f];
    return sum;
  }

  /** Exact coordinate descent over the user's K factors (eq. 12 of the paper). */
  updateUser(user: number): void {
    const n = this.interactions.byUser.lengths[user];
    const items = this.interactions.byUser.columns[user];
    const scale = this.popularityWeightSum > 0 ? this.options.missingWeight / this.popularityWeightSum : 0;
    const missing = this.scratchMissing(n);
    const popularity = this.itemPopularityWeight;
    for (let j = 0; j < n; j++) missing[j] = scale * popularity[items[j]];
    this.copyRow(this.userFactors, user * this.k);
    this.descend(this.userFactors, user * this.k, this.itemFactors, items, this.interactions.byUser.weights[user], n, missing, this.itemGram, scale);
    this.replaceInGram(this.userGram, this.userFactors, user * this.k, 1);
    this.changedUsers.add(user);
  }

  /** Exact coordinate descent over the item's K factors (eq. 13 of the paper). */
  updateItem(item: number): void {
    const n = this.interactions.byItem.lengths[item];
    const c = this.missingWeightOf(item);
    const missing = this.scratchMissing(n);
    missing.fill(c, 0, n);
    this.copyRow(this.itemFactors, item * this.k);
    this.descend(this.itemFactors, item * this.k, this.userFactors, this.interactions.byItem.columns[item], this.interactions.byItem.weights[item], n, missing, this.userGram, c);
    this.replaceInGram(this.itemGram, this.itemFactors, item * this.k, this.itemPopularityWeight[item]);
    this.changedItems.add(item);
  }

  /**
   * One pass of coordinate descent over the row `x` (K factors at `base`), given its observed
   * partners `others` (rows `columns[0..n)` with confidences `weights` and missing weights
   * `missing`), and the missing-data term `gramScale * gram` over every partner.
   *
   * With a_j = w_j - c_j and g_j the partner's factors, coordinate f's exact minimizer is
   *   x_f = (b_f - sum_j a_j yhat_j g_jf + x_f d_f - gramScale * sum_{h != f} x_h gram_hf)
   *         / (d_f + gramScale * gram_ff + lambda)
   * with b_f = sum_j w_j g_jf and d_f = sum_j a_j g_jf^2. One strided pass computes the
   * predictions and copies the partners' factors transposed (factor-major), so that each of the
   * K passes that follow reads contiguous memory; each of those first applies the previous
   * coordinate's change to the predictions, then sums b_f, d_f and the observed term.
   */
  private descend(
    x: Float32Array,
    base: number,
    others: Float32Array,
    columns: Int32Array,
    weights: Float32Array,
    n: number,
    missing: Float64Array,
    gram: Float64Array,
    gramScale: number,
  ): void {
    const { k } = this;
    const lambda = this.options.regularization;
    if (this.gathered.length < n * k) this.gathered = new Float64Array(Math.max(n * k, this.gathered.length * 2));
    const g = this.gathered;
    const prediction = this.scratch(n);
    const a = missing; // reused in place: a_j = w_j - c_j
    const row = this.oldRow; // the row's factors, copied by the caller
    for (let j = 0; j < n; j++) {
      const otherBase = columns[j] * k;
      a[j] = weights[j] - a[j];
      let sum = 0;
      for (let f = 0, at = j; f < k; f++, at += n) {
        const value = others[otherBase + f];
        g[at] = value;
        sum += row[f] * value;
      }
      prediction[j] = sum;
    }
    let previousDelta = 0;
    let previousOffset = 0;
    for (let f = 0; f < k; f++) {
      const offset = f * n;
      // Two simple loops run faster in V8 than one that both writes and sums.
      if (previousDelta !== 0) for (let j = 0; j < n; j++) prediction[j] += previousDelta * g[previousOffset + j];
      let observed = 0;
      let linear = 0;
      let diagonal = 0;
      for (let j = 0; j < n; j++) {
        const value = g[offset + j];
        const weighted = a[j] * value;
        observed += weighted * prediction[j];
        linear += weights[j] * value;
        diagonal += weighted * value;
      }
      const old = x[base + f];
      let cross = 0;
      for (let h = 0; h < k; h++) if (h !== f) cross += x[base + h] * gram[h * k + f];
      const numerator = linear - observed + old * diagonal - gramScale * cross;
      const denominator = diagonal + gramScale * gram[f * k + f] + lambda;
      x[base + f] = numerator / denominator;
      previousDelta = x[base + f] - old;
      previousOffset = offset;
    }
  }

  /** One full eALS iteration (Algorithm 1): every user, then every item; then exact caches. */
  sweep(): void {
    this.sweepUsers(0, this.userCount);
    this.sweepItems(0, this.itemCount);
    this.recomputeCaches();
  }

  /** Updates users [from, to): a chunk of a sweep that other updates may interleave with. */
  sweepUsers(from: number, to: number): void {
    for (let user = from; user < Math.min(to, this.userCount); user++) this.updateUser(user);
  }

  sweepItems(from: number, to: number): void {
    for (let item = from; item < Math.min(to, this.itemCount); item++) this.updateItem(item);
  }

  /** Rebuilds S^p, T and Z from the factors, dropping the rounding the rank-one updates gathered. */
  recomputeCaches(): void {
    this.userGram.fill(0);
    this.itemGram.fill(0);
    this.popularityWeightSum = 0;
    for (let user = 0; user < this.userCount; user++) this.addToGram(this.userGram, this.userFactors, user, 1);
    for (let item = 0; item < this.itemCount; item++) {
      const users = this.interactions.itemLength(item);
      this.itemPopularityWeight[item] = users > 0 ? Math.pow(users, this.options.popularityExponent) : 0;
      this.popularityWeightSum += this.itemPopularityWeight[item];
      this.addToGram(this.itemGram, this.itemFactors, item, this.itemPopularityWeight[item]);
    }
  }

  /** S^q as the updates see it: c0/Z * T (for tests and diagnostics). */
  itemCache(): Float64Array {
    const scale = this.popularityWeightSum > 0 ? this.options.missingWeight / this.popularityWeightSum : 0;
    return this.itemGram.map((value) => value * scale);
  }

  userCache(): Float64Array {
    return this.userGram.slice();
  }

  /**
   * The objective, computed with the caches: the missing-data term over all pairs is
   * trace(S^q S^p), minus its share on the observed pairs.
   */
  loss(): number {
    const { k } = this;
    const sq = this.itemCache();
    let all = 0;
    for (let index = 0; index < k * k; index++) all += sq[index] * this.userGram[index];
    let observed = 0;
    for (let user = 0; user < this.userCount; user++) {
      const n = this.interactions.byUser.lengths[user];
      const items = this.interactions.byUser.columns[user];
      const weights = this.interactions.byUser.weights[user];
      for (let j = 0; j < n; j++) {
        const prediction = this.score(user, items[j]);
        observed += weights[j] * (1 - prediction) ** 2 - this.missingWeightOf(items[j]) * prediction * prediction;
      }
    }
    let norms = 0;
    for (let index = 0; index < this.userCount * k; index++) norms += this.userFactors[index] ** 2;
    for (let index = 0; index < this.itemCount * k; index++) norms += this.itemFactors[index] ** 2;
    return observed + all + this.options.regularization * norms;
  }

  /** Replaces a row's factors (a restore from LMDB); call `recomputeCaches` after a batch of these. */
  setUserRow(user: number, row: Float32Array): void {
    this.ensureUsers(user + 1);
    this.userFactors.set(row.subarray(0, this.k), user * this.k);
  }

  setItemRow(item: number, row: Float32Array): void {
    this.ensureItems(item + 1);
    this.itemFactors.set(row.subarray(0, this.k), item * this.k);
  }

  userRow(user: number): Float32Array {
    return this.userFactors.subarray(user * this.k, (user + 1) * this.k);
  }

  itemRow(item: number): Float32Array {
    return this.itemFactors.subarray(item * this.k, (item + 1) * this.k);
  }

  /** Users whose factors changed since the last call (and forgets them). */
  takeChangedUsers(): number[] {
    const changed = [...this.changedUsers];
    this.changedUsers.clear();
    return changed;
  }

  takeChangedItems(): number[] {
    const changed = [...this.changedItems];
    this.changedItems.clear();
    return changed;
  }

  private scratch(n: number): Float64Array {
    if (this.predictions.length < n) this.predictions = growFloat64(this.predictions, n);
    return this.predictions;
  }

  private scratchMissing(n: number): Float64Array {
    if (this.missingScratch.length < n) this.missingScratch = growFloat64(this.missingScratch, n);
    return this.missingScratch;
  }

  private copyRow(factors: Float32Array, base: number): void {
    for (let f = 0; f < this.k; f++) this.oldRow[f] = factors[base + f];
  }

  /** gram += weight * (new row row^T - old row row^T), the old row being in `oldRow`. */
  private replaceInGram(gram: Float64Array, factors: Float32Array, base: number, weight: number): void {
    if (weight === 0) return;
    const { k } = this;
    const old = this.oldRow;
    for (let a = 0; a < k; a++) {
      const newA = factors[base + a] * weight;
      const oldA = old[a] * weight;
      for (let b = 0; b < k; b++) gram[a * k + b] += newA * factors[base + b] - oldA * old[b];
    }
  }

  private addToGram(gram: Float64Array, factors: Float32Array, row: number, weight: number): void {
    if (weight === 0) return;
    const { k } = this;
    const base = row * k;
    for (let a = 0; a < k; a++) {
      const scaled = factors[base + a] * weight;
      for (let b = 0; b < k; b++) gram[a * k + b] += scaled * factors[base + b];
    }
  }
}
