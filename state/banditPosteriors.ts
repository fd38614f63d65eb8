// The template-variant bandit's posteriors: per notification type, segment and variant, the
// impressions and successes (clicks, or opens) that make its Beta(1 + successes, 1 + failures).
// Read through a write-through cache: the bandit samples on every decision of its types.

import type { Database } from 'lmdb';
import type { StateStore } from './stateStore.js';

export interface VariantOutcomes {
  impressions: number;
  successes: number;
}

type PosteriorKey = [string, string, string];

export class BanditPosteriors {
  private readonly db: Database<VariantOutcomes, PosteriorKey>;
  private readonly cache = new Map<string, VariantOutcomes>();

  constructor(store: StateStore) {
    this.db = store.database<PosteriorKey, VariantOutcomes>('learn:bandit');
  }

  get(type: string, segment: string, variant: string): VariantOutcomes {
    const cacheKey = `${type}\u0000${segment}\u0000${variant}`;
    let outcomes = this.cache.get(cacheKey);
    if (outcomes === undefined) {
      outcomes = this.db.get([type, segment, variant]) ?? { impressions: 0, successes: 0 };
      this.cache.set(cacheKey, outcomes);
    }
    return outcomes;
  }

  /** Adds impressions and successes. Inside the batch transaction. */
  add(type: string, segment: string, variant: string, delta: Partial<VariantOutcomes>): void {
    const before = this.get(type, segment, variant);
    const after = { impressions: before.impressions + (delta.impressions ?? 0), successes: before.successes + (delta.successes ?? 0) };
    this.cache.set(`${type}\u0000${segment}\u0000${variant}`, after);
    this.db.putSync([type, segment, variant], after);
  }

  /** Every posterior, for reports. */
  all(): { type: string; segment: string; variant: string; outcomes: VariantOutcomes }[] {
    return [...this.db.getRange()].map(({ key, value }) => ({ type: key[0], segment: key[1], variant: key[2], outcomes: value }));
  }
}
