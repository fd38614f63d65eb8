// The evaluator's measures: Recall@K and MRR@K of ranked lists, the area under the ROC curve of
// scores against binary labels, and the mean binary log-loss of probabilities.

/** Share of cases whose true item is among the first `k` of its ranking. */
export function recallAtK(rankings: readonly (readonly number[])[], truths: readonly number[], k: number): number {
  if (truths.length === 0) return NaN;
  let hits = 0;
  for (let i = 0; i < truths.length; i++) if (rankings[i].slice(0, k).includes(truths[i])) hits++;
  return hits / truths.length;
}

/** Mean reciprocal rank of the true item within the first `k` (0 when it is not among them). */
export function mrrAtK(rankings: readonly (readonly number[])[], truths: readonly number[], k: number): number {
  if (truths.length === 0) return NaN;
  let sum = 0;
  for (let i = 0; i < truths.length; i++) {
    const rank = rankings[i].slice(0, k).indexOf(truths[i]);
    if (rank >= 0) sum += 1 / (rank + 1);
  }
  return sum / truths.length;
}

/**
 * Area under the ROC curve: the probability that a random positive scores above a random
 * negative, ties counting half (the Mann-Whitney statistic over average ranks). NaN without both classes.
 */
export function auc(scores: ArrayLike<number>, labels: ArrayLike<boolean | number>): number {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]] === scores[order[i]]) j++;
    const averageRank = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) {
      if (labels[order[t]]) {
        positives++;
        rankSum += averageRank;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Mean of -[y log p + (1 - y) log(1 - p)], probabilities clipped to [eps, 1 - eps]. */
export function logLoss(probabilities: ArrayLike<number>, labels: ArrayLike<boolean | number>, eps = 1e-7): number {
  const n = probabilities.length;
  if (n === 0) return NaN;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const p = Math.min(1 - eps, Math.max(eps, probabilities[i]));
    sum -= labels[i] ? Math.log(p) : Math.log(1 - p);
  }
  return sum / n;
}
