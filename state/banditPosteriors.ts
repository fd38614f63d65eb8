// The template-variant bandit's posteriors: per notification type, segment and variant, the
// impressions and successes (clicks, or opens) that make its Beta(1 + successes, 1 + failures).
// Read through a cache (the bandit samples on every decision of its types) and written back once
// per batch.

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
  private readonly dirty = new Map<string, PosteriorKey>();

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

  /** Adds impressions and successes; `flush` writes them (the posteriors are few, the decisions many). */
  add(type: string, segment: string, variant: string, delta: Partial<VariantOutcomes>): void {
    const before = this.get(type, segment, variant);
    const after = { impressions: before.impressions + (delta.impressions ?? 0), successes: before.successes + (delta.successes ?? 0) };
    const cacheKey = `${type}\u0000${segment}\u0000${variant}`;
    this.cache.set(cacheKey, after);
    this.dirty.set(cacheKey, [type, segment, variant]);
  }

  /** Writes the posteriors changed since the last flush. Inside the batch transaction, at its end. */
  flush(): void {
    for (const [cacheKey, key] of this.dirty) this.db.putSync(key, this.cache.get(cacheKey)!);
    this.dirty.clear();
  }

  /** Every posterior, for reports (this process's, ahead of LMDB's within a batch, included). */
  all(): { type: string; segment: string; variant: string; outcomes: VariantOutcomes }[] {
    const found = new Map<string, { type: string; segment: string; variant: string; outcomes: VariantOutcomes }>();
    for (const { key, value } of this.db.getRange()) found.set(key.join('\u0000'), { type: key[0], segment: key[1], variant: key[2], outcomes: value });
    for (const [cacheKey, [type, segment, variant]] of this.dirty) found.set(cacheKey, { type, segment, variant, outcomes: this.cache.get(cacheKey)! });
    return [...found.values()];
  }
}
