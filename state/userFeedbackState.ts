// What feedback taught about each user: the fatigue counts (ignored and engaged marketing
// messages, exponentially decayed) and the local hours of week they open messages at (decayed
// the same way), one record per user, through a write-through cache.

import type { Database } from 'lmdb';
import type { StateStore } from './stateStore.js';

export interface UserFeedback {
  ignored: number;
  engaged: number;
  /** Event time the counts were decayed to. */
  at: number;
  /** Opens per local hour of week (168), sparse: hour -> weight. */
  openHours: Record<number, number>;
}

const CACHE_LIMIT = 100_000;
const DAY_MS = 86_400_000;

export class UserFeedbackState {
  private readonly db: Database<UserFeedback, string>;
  private readonly cache = new Map<string, UserFeedback | null>();

  constructor(
    store: StateStore,
    private readonly halfLifeDays: number,
  ) {
    this.db = store.database<string, UserFeedback>('learn:user-feedback');
  }

  /** The user's record decayed to `time` (not written). */
  get(userId: string, time: number): UserFeedback | undefined {
    let stored = this.cache.get(userId);
    if (stored === undefined) {
      stored = this.db.get(userId) ?? null;
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(userId, stored);
    }
    if (stored === null) return undefined;
    const factor = time > stored.at ? 0.5 ** ((time - stored.at) / (this.halfLifeDays * DAY_MS)) : 1;
    if (factor === 1) return stored;
    const openHours: Record<number, number> = {};
    for (const [hour, weight] of Object.entries(stored.openHours)) openHours[Number(hour)] = weight * factor;
    return { ignored: stored.ignored * factor, engaged: stored.engaged * factor, at: Math.max(time, stored.at), openHours };
  }

  /** Adds ignored/engaged messages and an open hour at `time`. Inside the batch transaction. */
  add(userId: string, time: number, delta: { ignored?: number; engaged?: number; openHour?: number }): UserFeedback {
    const before = this.get(userId, time) ?? { ignored: 0, engaged: 0, at: time, openHours: {} };
    const after: UserFeedback = {
      ignored: before.ignored + (delta.ignored ?? 0),
      engaged: before.engaged + (delta.engaged ?? 0),
      at: Math.max(time, before.at),
      openHours: { ...before.openHours },
    };
    if (delta.openHour !== undefined) after.openHours[delta.openHour] = (after.openHours[delta.openHour] ?? 0) + 1;
    this.db.putSync(userId, after);
    this.cache.set(userId, after);
    return after;
  }
}
