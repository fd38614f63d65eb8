// Per user and channel: messages delivered, engaged with (opened or clicked) and failed for good,
// from delivery receipts and feedback events. Channel choice ranks channels by this.

import type { Database } from 'lmdb';
import type { Channel } from '../src/events/types.js';
import type { StateStore } from './stateStore.js';

export interface ChannelStats {
  sent: number;
  engaged: number;
  failed: number;
}

export type UserEngagement = Partial<Record<Channel, ChannelStats>>;

const CACHE_LIMIT = 100_000;

export class ChannelEngagement {
  private readonly db: Database<UserEngagement, string>;

  constructor(store: StateStore) {
    this.db = store.database<string, UserEngagement>('policy:channel-engagement');
  }

  /** Recently read users' stats, written through by `record` (the only writer). */
  private readonly cache = new Map<string, UserEngagement | null>();

  get(userId: string): UserEngagement | undefined {
    let stats = this.cache.get(userId);
    if (stats === undefined) {
      stats = this.db.get(userId) ?? null;
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(userId, stats);
    }
    return stats ?? undefined;
  }

  /** Adds to one channel's counts. Call inside the batch transaction. */
  record(userId: string, channel: Channel, delta: Partial<ChannelStats>): void {
    const stats: UserEngagement = { ...this.get(userId) };
    const current = stats[channel] ?? { sent: 0, engaged: 0, failed: 0 };
    stats[channel] = {
      sent: current.sent + (delta.sent ?? 0),
      engaged: current.engaged + (delta.engaged ?? 0),
      failed: current.failed + (delta.failed ?? 0),
    };
    this.db.putSync(userId, stats);
    this.cache.set(userId, stats);
  }
}
