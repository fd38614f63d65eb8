// Categories ranked by how often they occurred, kept sorted as counts grow one at a time (an
// increment moves a category up past the ones it overtook), so the top K is always at hand: the
// most-popular baseline, and the filler of the other baselines' short lists.

export class PopularityRanking {
  private readonly order: number[] = [];
  private readonly position = new Map<number, number>();
  private readonly counts: number[] = [];

  add(category: number): void {
    let at = this.position.get(category);
    if (at === undefined) {
      at = this.order.length;
      this.order.push(category);
      this.counts.push(0);
      this.position.set(category, at);
    }
    const count = ++this.counts[at];
    // Move up past every category with a lower count (ties keep the earlier one first).
    let to = at;
    while (to > 0 && this.counts[to - 1] < count) to--;
    if (to === at) return;
    const displaced = this.order[to];
    this.order[to] = category;
    this.order[at] = displaced;
    this.counts[at] = this.counts[to];
    this.counts[to] = count;
    this.position.set(category, to);
    this.position.set(displaced, at);
  }

  count(category: number): number {
    const at = this.position.get(category);
    return at === undefined ? 0 : this.counts[at];
  }

  /** The `k` most frequent categories, most frequent first. */
  top(k: number): number[] {
    return this.order.slice(0, k);
  }
}

/** `ranked` completed to `k` entries with the most popular categories it lacks. */
export function fillWithPopular(ranked: number[], popularity: PopularityRanking, k: number): number[] {
  if (ranked.length >= k) return ranked.slice(0, k);
  const out = [...ranked];
  for (const category of popularity.top(k + ranked.length)) {
    if (out.length >= k) break;
    if (!out.includes(category)) out.push(category);
  }
  return out;
}
