// Frequency-cap counters: how many marketing messages each user was dispatched in their current
// local day and ISO week, per channel and in total. One record per user holds only the current
// periods, so a new day or week replaces the old counts and nothing needs expiring.

import type { Database } from 'lmdb';
import type { Channel } from '../src/events/types.js';
import type { StateStore } from './stateStore.js';

export type ChannelCounts = Partial<Record<Channel, number>>;

export interface CapPeriodCounts {
  /** Local calendar day (`2026-11-02`) or ISO week (`2026-W45`) the counts belong to. */
  period: string;
  total: number;
  byChannel: ChannelCounts;
}

export interface UserCapCounts {
  day: CapPeriodCounts;
  week: CapPeriodCounts;
}

const CACHE_LIMIT = 100_000;

const empty = (period: string): CapPeriodCounts => ({ period, total: 0, byChannel: {} });

export class CapCounters {
  private readonly db: Database<UserCapCounts, string>;

  constructor(store: StateStore) {
    this.db = store.database<string, UserCapCounts>('policy:cap-counters');
  }

  /**
   * Counts of recently decided users, written through: every change goes through `increment`,
   * so the cache and LMDB agree (a failed commit stops the process, which starts cold).
   */
  private readonly cache = new Map<string, UserCapCounts | null>();

  /** The user's counts for the given day and week (zero when the stored ones are older). */
  get(userId: string, day: string, week: string): UserCapCounts {
    let stored = this.cache.get(userId);
    if (stored === undefined) {
      stored = this.db.get(userId) ?? null;
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(userId, stored);
    }
    return {
      day: stored?.day.period === day ? stored.day : empty(day),
      week: stored?.week.period === week ? stored.week : empty(week),
    };
  }

  /** Counts one dispatch on `channel`. Call inside the batch transaction. */
  increment(userId: string, channel: Channel, day: string, week: string): UserCapCounts {
    const before = this.get(userId, day, week);
    const counts: UserCapCounts = {
      day: { ...before.day, byChannel: { ...before.day.byChannel } },
      week: { ...before.week, byChannel: { ...before.week.byChannel } },
    };
    for (const period of [counts.day, counts.week]) {
      period.total++;
      period.byChannel[channel] = (period.byChannel[channel] ?? 0) + 1;
    }
    this.db.putSync(userId, counts);
    this.cache.set(userId, counts);
    return counts;
  }
}
