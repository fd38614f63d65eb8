// A uniform sample of the users seen so far (Vitter's algorithm R over distinct users), each with
// their latest profile vector: the population the segments are seeded from, and re-seeded from
// when one dies out. Users enter when first seen (with no vector yet: an empty one); a sampled
// user's vector follows their profile.

import type { SeededRandom } from './seededRandom.js';

export class ReservoirSample {
  private readonly slotOf = new Map<string, number>();

  constructor(
    readonly capacity: number,
    /** Distinct users offered so far. */
    public seen = 0,
    readonly userIds: string[] = [],
    readonly vectors: number[][] = [],
  ) {
    userIds.forEach((userId, slot) => this.slotOf.set(userId, slot));
  }

  get size(): number {
    return this.userIds.length;
  }

  has(userId: string): boolean {
    return this.slotOf.has(userId);
  }

  /** Offers a user seen for the first time: kept with probability capacity / seen. */
  offer(userId: string, random: SeededRandom, vector: number[] = []): void {
    this.seen++;
    if (this.userIds.length < this.capacity) {
      this.slotOf.set(userId, this.userIds.length);
      this.userIds.push(userId);
      this.vectors.push(vector);
      return;
    }
    const slot = random.below(this.seen);
    if (slot >= this.capacity) return;
    this.slotOf.delete(this.userIds[slot]);
    this.slotOf.set(userId, slot);
    this.userIds[slot] = userId;
    this.vectors[slot] = vector;
  }

  /** Replaces a sampled user's vector (no-op for users outside the sample). */
  update(userId: string, vector: number[]): void {
    const slot = this.slotOf.get(userId);
    if (slot !== undefined) this.vectors[slot] = vector;
  }
}
