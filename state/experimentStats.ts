// Experiment counts per arm, and per user what the arm-level rates need (first exposure,
// converted, opted out), so that users, not messages, are the unit of conversion and opt-out
// rates: the holdout sends nothing, yet its users convert or not. Keys:
//   ['c', experiment, arm]     -> ArmCounts
//   ['u', experiment, userId]  -> UserExposure

import type { Database } from 'lmdb';
import type { StateStore, WriteBehind } from './stateStore.js';

export interface ArmCounts {
  /** Exposed users: at least one marketing candidate of theirs passed consent (sent, held, capped, or withheld for the holdout). */
  users: number;
  /** Marketing messages sent (queued). */
  sent: number;
  /** Marketing messages withheld because the user is in a holdout. */
  withheld: number;
  delivered: number;
  opened: number;
  clicked: number;
  /** Purchases attributed (last touch) to this arm's messages. */
  attributed: number;
  /** Revenue of those purchases. */
  attributedRevenue: number;
  /** Exposed users who purchased at least once after their first exposure. */
  converters: number;
  /** Purchases by exposed users after their first exposure (attributed or not). */
  purchases: number;
  /** Sum over exposed users of the square of their purchase count: the variance of purchases per user. */
  purchasesSquared: number;
  /** Exposed users who unsubscribed. */
  optOuts: number;
}

export interface UserExposure {
  arm: string;
  exposedAt: number;
  converted?: boolean;
  optedOut?: boolean;
  /** Purchases since exposure. */
  purchases?: number;
}

export const NO_ARM_COUNTS: Readonly<ArmCounts> = Object.freeze({
  users: 0,
  sent: 0,
  withheld: 0,
  delivered: 0,
  opened: 0,
  clicked: 0,
  attributed: 0,
  attributedRevenue: 0,
  converters: 0,
  purchases: 0,
  purchasesSquared: 0,
  optOuts: 0,
});

const EXPOSURE_CACHE_LIMIT = 200_000;

type StatsKey = ['c', string, string] | ['u', string, string];

export class ExperimentStats {
  private readonly db: Database<ArmCounts | UserExposure, StatsKey>;
  /**
   * Arm counts change on nearly every decision but are few (experiments x arms): they are kept
   * here and written once per batch by `flush`, not once per decision.
   */
  private readonly arms = new Map<string, { experiment: string; arm: string; counts: ArmCounts }>();
  private readonly dirty = new Set<string>();
  /**
   * Exposures read or written lately (null: none on record), written through: every marketing
   * decision asks whether its user is exposed yet, most of them about users asked about before.
   */
  private readonly exposures = new Map<string, UserExposure | null>();

  private readonly writeBehind: WriteBehind = {
    flush: () => this.flush(),
    // What the failed transaction counted or exposed is not in LMDB: read it again from there.
    rollback: () => {
      this.arms.clear();
      this.dirty.clear();
      this.exposures.clear();
    },
  };

  constructor(private readonly store: StateStore) {
    this.db = store.database<StatsKey, ArmCounts | UserExposure>('learn:experiments');
  }

  private cached(experiment: string, arm: string): ArmCounts {
    const key = `${experiment}\u0000${arm}`;
    let entry = this.arms.get(key);
    if (entry === undefined) {
      entry = { experiment, arm, counts: { ...NO_ARM_COUNTS, ...(this.db.get(['c', experiment, arm]) as ArmCounts | undefined) } };
      this.arms.set(key, entry);
    }
    return entry.counts;
  }

  counts(experiment: string, arm: string): ArmCounts {
    return { ...this.cached(experiment, arm) };
  }

  /** Adds to an arm's counts; `flush` writes them. */
  add(experiment: string, arm: string, delta: Partial<ArmCounts>): void {
    const counts = this.cached(experiment, arm);
    for (const [key, value] of Object.entries(delta) as [keyof ArmCounts, number][]) counts[key] += value;
    if (this.dirty.size === 0) this.store.writeBehind(this.writeBehind);
    this.dirty.add(`${experiment}\u0000${arm}`);
  }

  /** Writes the arm counts changed since the last flush. Inside the batch transaction, at its end. */
  flush(): void {
    for (const key of this.dirty) {
      const { experiment, arm, counts } = this.arms.get(key)!;
      this.db.putSync(['c', experiment, arm], counts);
    }
    this.dirty.clear();
  }

  exposure(experiment: string, userId: string): UserExposure | undefined {
    const key = `${experiment}\u0000${userId}`;
    let exposure = this.exposures.get(key);
    if (exposure === undefined) {
      exposure = (this.db.get(['u', experiment, userId]) as UserExposure | undefined) ?? null;
      if (this.exposures.size >= EXPOSURE_CACHE_LIMIT) this.exposures.clear();
      this.exposures.set(key, exposure);
    }
    return exposure ?? undefined;
  }

  setExposure(experiment: string, userId: string, exposure: UserExposure): void {
    this.db.putSync(['u', experiment, userId], exposure);
    this.store.writeBehind(this.writeBehind);
    this.exposures.set(`${experiment}\u0000${userId}`, exposure);
  }

  /** Every arm with counts, per experiment. */
  allCounts(): Map<string, Map<string, ArmCounts>> {
    const result = new Map<string, Map<string, ArmCounts>>();
    for (const { key, value } of this.db.getRange({ start: ['c'], end: ['c', '\uffff'] })) {
      const [, experiment, arm] = key as ['c', string, string];
      let arms = result.get(experiment);
      if (arms === undefined) result.set(experiment, (arms = new Map()));
      arms.set(arm, { ...NO_ARM_COUNTS, ...(value as ArmCounts) });
    }
    // This process's counts are ahead of LMDB's within a batch.
    for (const { experiment, arm, counts } of this.arms.values()) {
      let arms = result.get(experiment);
      if (arms === undefined) result.set(experiment, (arms = new Map()));
      arms.set(arm, { ...counts });
    }
    return result;
  }
}
