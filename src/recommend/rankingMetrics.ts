// Accumulates the prequential evaluator's figures for one model: HR@K and NDCG@K (one held-out
// item per test interaction, so NDCG is 1 / log2(rank + 2) on a hit), Recall@20 (with one
// relevant item, the hit rate at 20), and the latency of each recommendation.

export interface RankingSummary {
  count: number;
  hr: number;
  ndcg: number;
  recall20: number;
}

export class RankingAccumulator {
  private count = 0;
  private hits = 0;
  private gain = 0;
  private hits20 = 0;

  constructor(readonly k: number) {}

  /** `rank` is the 0-based position of the held-out item in the list, -1 when absent. */
  add(rank: number): void {
    this.count++;
    if (rank < 0) return;
    if (rank < this.k) {
      this.hits++;
      this.gain += 1 / Math.log2(rank + 2);
    }
    if (rank < 20) this.hits20++;
  }

  summary(): RankingSummary {
    const n = Math.max(1, this.count);
    return { count: this.count, hr: this.hits / n, ndcg: this.gain / n, recall20: this.hits20 / n };
  }
}

/** Percentiles of latencies in milliseconds (nearest rank). */
export class LatencyRecorder {
  private samples = new Float64Array(1024);
  private size = 0;

  add(ms: number): void {
    if (this.size === this.samples.length) {
      const grown = new Float64Array(this.samples.length * 2);
      grown.set(this.samples);
      this.samples = grown;
    }
    this.samples[this.size++] = ms;
  }

  percentile(p: number): number {
    if (this.size === 0) return 0;
    const sorted = this.samples.slice(0, this.size).sort();
    return sorted[Math.min(this.size - 1, Math.max(0, Math.ceil((p / 100) * this.size) - 1))];
  }

  get count(): number {
    return this.size;
  }
}
