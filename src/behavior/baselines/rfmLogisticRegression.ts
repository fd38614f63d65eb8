// The purchase baseline: logistic regression on recency, frequency and "monetary" features of the
// user's history as of the anchor (the Taobao data has no prices, so purchases and carts stand in
// for spend), fitted by Newton's method with a little L2 on standardized features.

import { TYPE_COUNT, type EventSequence } from '../eventSequence.js';
import { asOf, type AsOf } from '../userHistory.js';
import { DAY_S, HOUR_S } from '../trainingExamples.js';

export const RFM_FEATURES = [
  'events_by_type',
  'hours_since_previous_event',
  'hours_since_last_purchase',
  'has_purchased',
  'hours_since_last_cart',
  'has_carted',
  'events_last_24h',
  'days_since_first_event',
] as const;

const logHours = (seconds: number) => Math.log1p(Math.max(0, seconds) / HOUR_S);

/** The RFM features of a sequence as of its anchor (all of its history, not a window). */
export function rfmFeatures(sequence: EventSequence, anchor: number, state: AsOf = asOf(sequence, anchor)): number[] {
  const { times } = sequence;
  const time = times[anchor];
  let lastDay = 0;
  for (let i = anchor; i >= 0 && time - times[i] <= DAY_S; i--) lastDay++;
  const features: number[] = [];
  for (let t = 0; t < TYPE_COUNT; t++) features.push(Math.log1p(state.countsByType[t]));
  features.push(anchor > 0 ? logHours(time - times[anchor - 1]) : 0);
  features.push(state.lastPurchase > 0 ? logHours(time - state.lastPurchase) : 0, state.lastPurchase > 0 ? 1 : 0);
  features.push(state.lastCart > 0 ? logHours(time - state.lastCart) : 0, state.lastCart > 0 ? 1 : 0);
  features.push(Math.log1p(lastDay));
  features.push(Math.log1p((time - (sequence.firstTime || time)) / DAY_S));
  return features;
}

export interface LogisticRegressionJson {
  mean: number[];
  scale: number[];
  weights: number[];
}

export class LogisticRegression {
  private weights: Float64Array = new Float64Array(0);
  private mean: Float64Array = new Float64Array(0);
  private scale: Float64Array = new Float64Array(0);

  static fromJSON(json: LogisticRegressionJson): LogisticRegression {
    const model = new LogisticRegression();
    model.mean = Float64Array.from(json.mean);
    model.scale = Float64Array.from(json.scale);
    model.weights = Float64Array.from(json.weights);
    return model;
  }

  toJSON(): LogisticRegressionJson {
    return { mean: [...this.mean], scale: [...this.scale], weights: [...this.weights] };
  }

  /** Fits by Newton's method (iteratively reweighted least squares) with L2 `lambda`. */
  fit(rows: readonly number[][], labels: readonly boolean[], lambda = 1e-3, iterations = 25): this {
    const n = rows.length;
    if (n === 0) return this;
    const d = rows[0].length;
    this.mean = new Float64Array(d);
    this.scale = new Float64Array(d).fill(1);
    for (const row of rows) for (let j = 0; j < d; j++) this.mean[j] += row[j] / n;
    for (let j = 0; j < d; j++) {
      let variance = 0;
      for (const row of rows) variance += (row[j] - this.mean[j]) ** 2 / n;
      this.scale[j] = Math.sqrt(variance) || 1;
    }
    const x = rows.map((row) => this.standardize(row));
    const p = d + 1;
    let w = new Float64Array(p);
    for (let iteration = 0; iteration < iterations; iteration++) {
      const gradient = new Float64Array(p);
      const hessian = Array.from({ length: p }, () => new Float64Array(p));
      for (let i = 0; i < n; i++) {
        const xi = x[i];
        const prob = sigmoid(dot(w, xi));
        const error = prob - (labels[i] ? 1 : 0);
        const curvature = Math.max(prob * (1 - prob), 1e-9);
        for (let a = 0; a < p; a++) {
          gradient[a] += error * xi[a];
          for (let b = 0; b <= a; b++) hessian[a][b] += curvature * xi[a] * xi[b];
        }
      }
      for (let a = 0; a < p; a++) {
        for (let b = 0; b < a; b++) hessian[b][a] = hessian[a][b];
        if (a > 0) {
          gradient[a] += lambda * n * w[a];
          hessian[a][a] += lambda * n;
        }
      }
      const step = solve(hessian, gradient);
      let change = 0;
      const next = new Float64Array(p);
      for (let a = 0; a < p; a++) {
        next[a] = w[a] - step[a];
        change = Math.max(change, Math.abs(step[a]));
      }
      w = next;
      if (change < 1e-8) break;
    }
    this.weights = w;
    return this;
  }

  predict(row: readonly number[]): number {
    return sigmoid(this.logit(row));
  }

  /** log(p / (1 - p)); 0 before fitting or without training rows. */
  logit(row: readonly number[]): number {
    return this.weights.length === 0 ? 0 : dot(this.weights, this.standardize(row));
  }

  /** Intercept first, then one weight per standardized feature. */
  coefficients(): number[] {
    return [...this.weights];
  }

  private standardize(row: readonly number[]): Float64Array {
    const out = new Float64Array(row.length + 1);
    out[0] = 1;
    for (let j = 0; j < row.length; j++) out[j + 1] = (row[j] - this.mean[j]) / this.scale[j];
    return out;
  }
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

function dot(w: Float64Array, x: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < w.length; i++) sum += w[i] * x[i];
  return sum;
}

/** Solves A x = b by Gaussian elimination with partial pivoting (A is small and positive definite). */
function solve(matrix: Float64Array[], vector: Float64Array): Float64Array {
  const n = vector.length;
  const a = matrix.map((row) => Float64Array.from(row));
  const b = Float64Array.from(vector);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let row = col + 1; row < n; row++) if (Math.abs(a[row][col]) > Math.abs(a[pivot][col])) pivot = row;
    [a[col], a[pivot]] = [a[pivot], a[col]];
    [b[col], b[pivot]] = [b[pivot], b[col]];
    const diagonal = a[col][col] || 1e-12;
    for (let row = col + 1; row < n; row++) {
      const factor = a[row][col] / diagonal;
      if (factor === 0) continue;
      for (let k = col; k < n; k++) a[row][k] -= factor * a[col][k];
      b[row] -= factor * b[col];
    }
  }
  const x = new Float64Array(n);
  for (let row = n - 1; row >= 0; row--) {
    let sum = b[row];
    for (let k = row + 1; k < n; k++) sum -= a[row][k] * x[k];
    x[row] = sum / (a[row][row] || 1e-12);
  }
  return x;
}
