// Scores that decay exponentially with event time (a half-life), kept per item of one scope
// (global popularity, a segment's, a category's, or one user's category affinity), together
// with its best entries in order.
//
// Every score is stored relative to one reference time: adding w at time t adds
// w * exp((t - ref) / tau). All entries then decay by the same factor as time passes, so their
// order never changes by itself: it changes only when an entry grows, and an entry outside the
// kept top list can only enter it by growing past the list's last. That keeps the top list exact
// with O(list) work per event and no timer. The reference moves forward (rescaling every
// entry once) before the factors could overflow.

const RESCALE_AFTER_TAUS = 300;

export class DecayedScores {
  readonly scores = new Map<number, number>();
  /** Best entries, highest score first: `topItems[0..topSize)`, their scores in `topScores`. */
  readonly topItems: Int32Array;
  private readonly topScores: Float64Array;
  topSize = 0;
  private reference: number | undefined;

  constructor(
    private readonly tauMs: number,
    private readonly topCapacity: number,
  ) {
    this.topItems = new Int32Array(topCapacity);
    this.topScores = new Float64Array(topCapacity);
  }

  static halfLifeToTau(halfLifeMs: number): number {
    return halfLifeMs / Math.LN2;
  }

  add(key: number, weight: number, time: number): void {
    if (this.reference === undefined) this.reference = time;
    let exponent = (time - this.reference) / this.tauMs;
    if (exponent > RESCALE_AFTER_TAUS) {
      this.rescale(time);
      exponent = 0;
    }
    const score = (this.scores.get(key) ?? 0) + weight * Math.exp(exponent);
    this.scores.set(key, score);
    this.promote(key, score);
  }

  /** Raw score in the scope's own reference frame (only comparable within this scope). */
  get(key: number): number {
    return this.scores.get(key) ?? 0;
  }

  /** The score decayed to time `now`. */
  valueAt(key: number, now: number): number {
    const raw = this.scores.get(key);
    if (raw === undefined || this.reference === undefined) return 0;
    return raw * Math.exp((this.reference - now) / this.tauMs);
  }

  /** The kept best entries, best first. */
  top(): Int32Array {
    return this.topItems.subarray(0, this.topSize);
  }

  get size(): number {
    return this.scores.size;
  }

  /**
   * Moves the grown entry to its place in the list: a linear search for it (the list is a few
   * hundred ints), a binary search for its new place, and one block move of the typed arrays.
   */
  private promote(key: number, score: number): void {
    const capacity = this.topCapacity;
    if (capacity === 0) return;
    const items = this.topItems;
    const scores = this.topScores;
    let from = this.topSize;
    for (let index = 0; index < this.topSize; index++) {
      if (items[index] === key) {
        from = index;
        break;
      }
    }
    if (from === this.topSize) {
      if (this.topSize < capacity) this.topSize++;
      else if (score <= scores[capacity - 1]) return;
      else from = capacity - 1;
    }
    // First place whose score is below the new one, among those above `from`.
    let low = 0;
    let high = from;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (scores[middle] < score) high = middle;
      else low = middle + 1;
    }
    items.copyWithin(low + 1, low, from);
    scores.copyWithin(low + 1, low, from);
    items[low] = key;
    scores[low] = score;
  }

  private rescale(time: number): void {
    const factor = Math.exp((this.reference! - time) / this.tauMs);
    for (const [key, score] of this.scores) this.scores.set(key, score * factor);
    for (let index = 0; index < this.topSize; index++) this.topScores[index] *= factor;
    this.reference = time;
  }
}
