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
// The caches are symmetric: only their upper triangle (a <= b) is kept up to date, halving
// the K x K work of each rank-one update.
//
// The online update of a row with a long history reads only its `onlineHistory` most recent
// entries (the rest count as missing data for that update), so one event costs
// O(min(|R|, N) K + K^2) however heavy the user or the item; the sweeps stay exact.

import { InteractionMatrix } from './interactionMatrix.js';
import { SeededRandom } from './seededRandom.js';
import { growFloat32, growFloat64, growUint8 } from './growTypedArray.js';
import { DescentKernel } from './ealsKernel.js';

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
  /**
   * Entries of a row (the most recent ones) the online update reads; the sweeps read them all.
   * Default: all (Infinity).
   */
  onlineHistory?: number;
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
  private readonly random: SeededRandom;
  /**
   * The WebAssembly kernel's memory holds the caches and the scratch of the row being updated:
   * its old factors, a cache times them (kept current coordinate by coordinate), a_j = w_j - c_j,
   * its residuals r_j = w_j - a_j yhat_j and its partners' factors transposed.
   */
  private readonly kernel: DescentKernel;
  private readonly onlineHistory: number;
  /** Rows changed since the last `takeChanged*` (for write-behind to LMDB), flagged and listed. */
  private readonly changedUsers = new ChangedRows();
  private readonly changedItems = new ChangedRows();

  constructor(readonly options: EalsOptions) {
    this.k = options.factors;
    this.interactions = new InteractionMatrix(options.maxConfidence);
    this.kernel = new DescentKernel(this.k);
    this.random = new SeededRandom(options.seed);
    this.onlineHistory = options.onlineHistory ?? Infinity;
  }

  /**
   * T = sum_i f_i^alpha q_i q_i^T (S^q = c0/Z * T) and S^p = sum_u p_u p_u^T, row-major K x K,
   * upper triangles; views of the kernel's memory, read afresh after it may have grown.
   */
  private get itemGram(): Float64Array {
    return this.kernel.itemGram;
  }

  private get userGram(): Float64Array {
    return this.kernel.userGram;
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
      this.updateUser(user, this.onlineHistory);
      this.updateItem(item, this.onlineHistory);
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

  /**
   * Exact coordinate descent over the user's K factors (eq. 12 of the paper), reading the
   * user's `history` most recent items (all by default).
   */
  updateUser(user: number, history = Infinity): void {
    const rows = this.interactions.byUser;
    const length = rows.lengths[user];
    const from = rows.starts[user] + (length > history ? length - history : 0);
    const n = rows.starts[user] + length - from;
    const items = rows.columns;
    const weights = rows.weights;
    const scale = this.popularityWeightSum > 0 ? this.options.missingWeight / this.popularityWeightSum : 0;
    this.kernel.prepare(n);
    const a = this.kernel.weights;
    const popularity = this.itemPopularityWeight;
    for (let j = 0; j < n; j++) a[j] = weights[from + j] - scale * popularity[items[from + j]];
    this.copyRow(this.userFactors, user * this.k);
    this.descend(this.userFactors, user * this.k, this.itemFactors, items, weights, from, n, this.itemGram, scale);
    this.replaceInGram(this.userGram, this.userFactors, user * this.k, 1);
    this.changedUsers.add(user);
  }

  /** Exact coordinate descent over the item's K factors (eq. 13 of the paper), reading its `history` most recent users. */
  updateItem(item: number, history = Infinity): void {
    const rows = this.interactions.byItem;
    const length = rows.lengths[item];
    const from = rows.starts[item] + (length > history ? length - history : 0);
    const n = rows.starts[item] + length - from;
    const weights = rows.weights;
    const c = this.missingWeightOf(item);
    this.kernel.prepare(n);
    const a = this.kernel.weights;
    for (let j = 0; j < n; j++) a[j] = weights[from + j] - c;
    this.copyRow(this.itemFactors, item * this.k);
    this.descend(this.itemFactors, item * this.k, this.userFactors, rows.columns, weights, from, n, this.userGram, c);
    this.replaceInGram(this.itemGram, this.itemFactors, item * this.k, this.itemPopularityWeight[item]);
    this.changedItems.add(item);
  }

  /**
   * One pass of coordinate descent over the row `x` (K factors at `base`), given its observed
   * partners `columns[from..from+n)` with confidences `weights[from..)` and `a_j = w_j - c_j` (in
   * `kernel.weights`), and the missing-data term `gramScale * gram` over every partner (upper
   * triangle of `gram`).
   *
   * With g_j the partner's factors and yhat_j = x.g_j, coordinate f's exact minimizer is
   *   x_f = (sum_j r_j g_jf + x_f d_f - gramScale * sum_{h != f} x_h gram_hf)
   *         / (d_f + gramScale * gram_ff + lambda)
   * with the residual r_j = w_j - a_j yhat_j and d_f = sum_j a_j g_jf^2. A change delta of x_f
   * changes r_j by -delta a_j g_jf. One strided pass copies the partners' factors transposed
   * (factor-major) into the kernel's memory, so that each pass that follows reads contiguous
   * memory, and computes the residuals; each of those passes (`DescentKernel.pairPass`) first
   * applies the previous coordinates' changes to the residuals, then sums what the next
   * coordinates need.
   */
  private descend(
    x: Float32Array,
    base: number,
    others: Float32Array,
    columns: Int32Array,
    weights: Float32Array,
    from: number,
    n: number,
    gram: Float64Array,
    gramScale: number,
  ): void {
    const { k, kernel } = this;
    const lambda = this.options.regularization;
    const stride = kernel.stride;
    const g = kernel.gathered;
    const a = kernel.weights;
    const residual = kernel.residuals;
    const row = kernel.oldRow; // the row's factors, copied by the caller
    kernel.multiplyGram(gram);
    for (let j = 0; j < n; j++) {
      const otherBase = columns[from + j] * k;
      let sum0 = 0;
      let sum1 = 0;
      let f = 0;
      let at = j;
      for (; f + 1 < k; f += 2, at += 2 * stride) {
        const value0 = others[otherBase + f];
        const value1 = others[otherBase + f + 1];
        g[at] = value0;
        g[at + stride] = value1;
        sum0 += row[f] * value0;
        sum1 += row[f + 1] * value1;
      }
      if (f < k) {
        const value = others[otherBase + f];
        g[at] = value;
        sum0 += row[f] * value;
      }
      residual[j] = weights[from + j] - a[j] * (sum0 + sum1);
    }
    if (stride > n) {
      // The padding entry of an odd n: zero everywhere, it adds nothing to any sum.
      a[n] = 0;
      residual[n] = 0;
      for (let f = 0; f < k; f++) g[f * stride + n] = 0;
    }
    // Coordinates go two at a time: one pass sums what both need, including the pair's own
    // cross term m = sum_j a_j g_jf g_jf', so that the second coordinate can take the first
    // one's change (its sum of r_j g_jf' loses delta * m) without another pass. The result is
    // the same sequential coordinate descent, in half the passes over the entries.
    const sums = kernel.sums;
    const product = kernel.product;
    let delta0 = 0;
    let delta1 = 0;
    let previous0 = 0;
    let previous1 = 0;
    let f = 0;
    for (; f + 1 < k; f += 2) {
      kernel.pairPass(f, f + 1, previous0, previous1, delta0, delta1);
      delta0 = this.solveCoordinate(x, base, f, sums[0], sums[2], gram, gramScale, lambda);
      product[f + 1] += delta0 * gram[f * k + f + 1];
      delta1 = this.solveCoordinate(x, base, f + 1, sums[1] - delta0 * sums[4], sums[3], gram, gramScale, lambda);
      // Only the coordinates still to come read gram x: rows f and f + 1 of the upper triangle.
      for (let h = f + 2, at = f * k + h; h < k; h++, at++) product[h] += delta0 * gram[at] + delta1 * gram[at + k];
      previous0 = f;
      previous1 = f + 1;
    }
    if (f < k) {
      // An odd K: the last coordinate alone.
      const offset = f * stride;
      let numerator = 0;
      let diagonal = 0;
      for (let j = 0; j < n; j++) {
        const value = g[offset + j];
        const r = residual[j] - a[j] * (delta0 * g[previous0 * stride + j] + delta1 * g[previous1 * stride + j]);
        numerator += r * value;
        diagonal += a[j] * value * value;
      }
      this.solveCoordinate(x, base, f, numerator, diagonal, gram, gramScale, lambda);
    }
  }

  /**
   * Sets coordinate f of the row to its exact minimizer given the sums over its observed
   * partners, and returns its change:
   *   x_f = (numerator + x_f diagonal - gramScale * sum_{h != f} x_h gram_hf)
   *         / (diagonal + gramScale * gram_ff + lambda)
   * The cross sum comes from `kernel.product` (gram x, which `descend` keeps current for the
   * coordinates still to come, one contiguous row of independent multiply-adds a pair of
   * coordinates) instead of a K-long chain of dependent ones a coordinate.
   */
  private solveCoordinate(
    x: Float32Array,
    base: number,
    f: number,
    numerator: number,
    diagonal: number,
    gram: Float64Array,
    gramScale: number,
    lambda: number,
  ): number {
    const old = x[base + f];
    const own = gram[f * this.k + f];
    const cross = this.kernel.product[f] - old * own;
    x[base + f] = (numerator + old * diagonal - gramScale * cross) / (diagonal + gramScale * own + lambda);
    return x[base + f] - old;
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

  /** S^q as the updates see it: c0/Z * T, full K x K (for tests and diagnostics). */
  itemCache(): Float64Array {
    const scale = this.popularityWeightSum > 0 ? this.options.missingWeight / this.popularityWeightSum : 0;
    return this.symmetric(this.itemGram).map((value) => value * scale);
  }

  userCache(): Float64Array {
    return this.symmetric(this.userGram);
  }

  /** A full copy of a cache from its upper triangle. */
  private symmetric(gram: Float64Array): Float64Array {
    const { k } = this;
    const full = new Float64Array(k * k);
    for (let a = 0; a < k; a++) {
      for (let b = a; b < k; b++) full[a * k + b] = full[b * k + a] = gram[a * k + b];
    }
    return full;
  }

  /**
   * The objective, computed with the caches: the missing-data term over all pairs is
   * trace(S^q S^p), minus its share on the observed pairs.
   */
  loss(): number {
    const { k } = this;
    const sq = this.itemCache();
    const sp = this.userCache();
    let all = 0;
    for (let index = 0; index < k * k; index++) all += sq[index] * sp[index];
    let observed = 0;
    for (let user = 0; user < this.userCount; user++) {
      const rows = this.interactions.byUser;
      const items = rows.columns;
      const weights = rows.weights;
      for (let j = rows.starts[user], end = j + rows.lengths[user]; j < end; j++) {
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
    return this.changedUsers.take();
  }

  takeChangedItems(): number[] {
    return this.changedItems.take();
  }

  private copyRow(factors: Float32Array, base: number): void {
    const old = this.kernel.oldRow;
    for (let f = 0; f < this.k; f++) old[f] = factors[base + f];
  }

  /** gram += weight * (new row row^T - old row row^T) on the upper triangle, the old row being in `kernel.oldRow`. */
  private replaceInGram(gram: Float64Array, factors: Float32Array, base: number, weight: number): void {
    if (weight === 0) return;
    const row = this.kernel.newRow;
    for (let f = 0; f < this.k; f++) row[f] = factors[base + f];
    this.kernel.replaceInGram(gram, weight);
  }

  /** gram += weight * row row^T on the upper triangle. */
  private addToGram(gram: Float64Array, factors: Float32Array, row: number, weight: number): void {
    if (weight === 0) return;
    const { k } = this;
    const values = this.kernel.newRow;
    for (let f = 0; f < k; f++) values[f] = factors[row * k + f];
    this.kernel.addToGram(gram, weight);
  }
}

/** Row numbers flagged once each until taken, in the order they were first flagged. */
class ChangedRows {
  private flags = new Uint8Array(1024);
  private rows: number[] = [];

  add(row: number): void {
    if (row >= this.flags.length) this.flags = growUint8(this.flags, row + 1);
    if (this.flags[row] === 1) return;
    this.flags[row] = 1;
    this.rows.push(row);
  }

  take(): number[] {
    const rows = this.rows;
    for (const row of rows) this.flags[row] = 0;
    this.rows = [];
    return rows;
  }
}
