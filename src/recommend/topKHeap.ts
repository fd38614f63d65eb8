// Keeps the k best-scoring candidates seen so far: a min-heap in typed arrays, so a scan over
// 50,000 items only pays for the few that beat the current k-th score.

export class TopKHeap {
  readonly items: Int32Array;
  readonly scores: Float64Array;
  size = 0;

  constructor(readonly capacity: number) {
    this.items = new Int32Array(Math.max(1, capacity));
    this.scores = new Float64Array(Math.max(1, capacity));
  }

  clear(): void {
    this.size = 0;
  }

  /** The score a candidate must beat to enter (-Infinity while the heap is not full). */
  threshold(): number {
    return this.size < this.capacity ? -Infinity : this.scores[0];
  }

  /** Offers a candidate; the caller may check `threshold()` first to skip the call. */
  push(item: number, score: number): void {
    if (this.capacity === 0) return;
    if (this.size < this.capacity) {
      let index = this.size++;
      while (index > 0) {
        const parent = (index - 1) >> 1;
        if (this.scores[parent] <= score) break;
        this.items[index] = this.items[parent];
        this.scores[index] = this.scores[parent];
        index = parent;
      }
      this.items[index] = item;
      this.scores[index] = score;
      return;
    }
    if (score <= this.scores[0]) return;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= this.size) break;
      const right = left + 1;
      const child = right < this.size && this.scores[right] < this.scores[left] ? right : left;
      if (this.scores[child] >= score) break;
      this.items[index] = this.items[child];
      this.scores[index] = this.scores[child];
      index = child;
    }
    this.items[index] = item;
    this.scores[index] = score;
  }

  /** The candidates, best first (ties: lower index first, for determinism). */
  sorted(): { item: number; score: number }[] {
    const out: { item: number; score: number }[] = [];
    for (let index = 0; index < this.size; index++) out.push({ item: this.items[index], score: this.scores[index] });
    return out.sort((a, b) => b.score - a.score || a.item - b.item);
  }
}
