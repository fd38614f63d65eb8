// A first-order Markov chain over categories: P(next category | current category), counted from
// consecutive events of the same user. The model mixes it into its next-category prediction; the
// evaluator's baseline is the same chain updated online.

export interface MarkovRow {
  /** Successor category codes, most frequent first. */
  next: number[];
  /** Their transition counts. */
  count: number[];
  /** Transitions out of the row's category, kept successors or not. */
  total: number;
}

export class MarkovTable {
  constructor(private readonly rows: Map<number, MarkovRow> = new Map()) {}

  /**
   * P(`to` | `from`); 0 when the pair was never seen or fell outside the kept successors.
   * `leaveOneOut` takes away one transition `from` -> `to`: a training example's own, which the
   * table counted and which must not vouch for itself.
   */
  probability(from: number, to: number, leaveOneOut = false): number {
    const row = this.rows.get(from);
    if (row === undefined) return 0;
    const index = row.next.indexOf(to);
    if (index < 0) return 0;
    if (!leaveOneOut) return row.count[index] / row.total;
    return row.total > 1 ? (row.count[index] - 1) / (row.total - 1) : 0;
  }

  successors(from: number): MarkovRow | undefined {
    return this.rows.get(from);
  }

  get size(): number {
    return this.rows.size;
  }

  toJSON(): [number, number, number[], number[]][] {
    return [...this.rows].map(([from, row]) => [from, row.total, row.next, row.count]);
  }

  static fromJSON(rows: [number, number, number[], number[]][]): MarkovTable {
    return new MarkovTable(new Map(rows.map(([from, total, next, count]) => [from, { next, count, total }])));
  }
}

/** Counts transitions and keeps, per category, its `keep` most frequent successors. */
export class MarkovCounter {
  private readonly counts = new Map<number, Map<number, number>>();
  private readonly totals = new Map<number, number>();

  add(from: number, to: number, weight = 1): void {
    let row = this.counts.get(from);
    if (row === undefined) this.counts.set(from, (row = new Map()));
    row.set(to, (row.get(to) ?? 0) + weight);
    this.totals.set(from, (this.totals.get(from) ?? 0) + weight);
  }

  /** The `k` most frequent successors of `from`, with the counts. */
  top(from: number, k: number): MarkovRow {
    const row = this.counts.get(from);
    if (row === undefined) return { next: [], count: [], total: 0 };
    const best = [...row].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, k);
    return { next: best.map(([to]) => to), count: best.map(([, count]) => count), total: this.totals.get(from)! };
  }

  table(keep: number, maxRows = Infinity): MarkovTable {
    const sources = [...this.totals].sort((a, b) => b[1] - a[1]).slice(0, maxRows);
    return new MarkovTable(new Map(sources.map(([from]) => [from, this.top(from, keep)])));
  }
}
