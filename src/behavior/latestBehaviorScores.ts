// Behaviour scores as decisions read them: never computed inside a batch. A read returns the
// user's latest cached scores (perhaps as of an earlier event) and asks for the user to be
// scored; after the batch commits, the process scores everyone asked for in batched forward
// passes (`refresh`), so the next decision about them reads current scores.

import type { BehaviorScorer, BehaviorScores } from './behaviorScorer.js';

export class LatestBehaviorScores {
  /** Users asked about since the last refresh, oldest first; bounded, the oldest asks are dropped. */
  private readonly wanted = new Set<string>();

  constructor(
    readonly scorer: BehaviorScorer,
    private readonly maxWanted = 100_000,
  ) {}

  /** The user's latest cached scores (undefined: never scored yet); asks for fresh ones either way. */
  read(userId: string): BehaviorScores | undefined {
    this.want(userId);
    return this.scorer.peek(userId);
  }

  /** Whether a trained model is in service (without one there is no purchase propensity). */
  get hasModel(): boolean {
    return this.scorer.modelVersion !== null;
  }

  want(userId: string): void {
    if (this.wanted.has(userId)) return;
    if (this.wanted.size >= this.maxWanted) this.wanted.delete(this.wanted.values().next().value!);
    this.wanted.add(userId);
  }

  /** Users waiting to be scored. */
  get waiting(): number {
    return this.wanted.size;
  }

  /**
   * Scores up to `limit` waiting users in one call (the scorer batches them and skips those whose
   * cached scores are current). Call outside the batch transaction; returns how many it took.
   */
  refresh(limit = Infinity): number {
    const userIds: string[] = [];
    for (const userId of this.wanted) {
      if (userIds.length >= limit) break;
      userIds.push(userId);
    }
    for (const userId of userIds) this.wanted.delete(userId);
    if (userIds.length > 0) this.scorer.scoreUsers(userIds);
    return userIds.length;
  }
}
