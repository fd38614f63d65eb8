// Marketing messages held for later (quiet hours, best send time, rate-limit slots): durable
// event-time timers that fire on the watermark, plus an index by user so that `inspect` can
// name a user's next scheduled send without scanning every timer.

import type { Database } from 'lmdb';
import type { Channel } from '../src/events/types.js';
import type { NotificationCandidate } from '../src/runtime/pipeline.js';
import type { StateStore } from './stateStore.js';

export interface ScheduledSend {
  candidate: NotificationCandidate;
  /** Why it was held: `quiet_hours`, `send_time` or `rate_limit`. */
  reason: string;
  /** Event time it was held at. */
  heldAt: number;
  /** Last event time it may still go out at. */
  validUntil: number;
  /** Set when a rate-limit slot was reserved for it on this channel. */
  reservedChannel?: Channel;
  /** Channels that failed permanently for this candidate (fallbacks). */
  excludedChannels?: Channel[];
  /** Wall-clock time its triggering event entered the process. */
  ingestedAt: number;
}

type DueKey = [number, string];
type UserKey = [string, number, string];

export interface HeldSend {
  id: string;
  due: number;
  payload: ScheduledSend;
}

/**
 * Two writes per hold and two per release: [due, id] -> the send, for due-order release, and
 * [user, due, id] for `forUser`. There is no id -> due index: holding the same id again (a replay
 * of the same candidate) adds a second entry rather than moving the first; whichever fires first
 * goes out and the other is dropped as a duplicate by the notification id.
 */
export class ScheduledSends {
  private readonly byDue: Database<ScheduledSend, DueKey>;
  private readonly byUser: Database<true, UserKey>;
  private earliestDue: number;

  constructor(store: StateStore) {
    this.byDue = store.database<DueKey, ScheduledSend>('policy:scheduled-sends');
    this.byUser = store.database<UserKey, true>('policy:scheduled-by-user');
    this.earliestDue = this.readEarliestDue();
  }

  private readEarliestDue(): number {
    for (const key of this.byDue.getKeys({ limit: 1 })) return key[0];
    return Infinity;
  }

  /** Holds `send` until `due` under `id` (a notification id). Call inside the batch transaction. */
  schedule(id: string, due: number, send: ScheduledSend): void {
    this.byDue.putSync([due, id], send);
    this.byUser.putSync([send.candidate.userId, due, id], true);
    if (due < this.earliestDue) this.earliestDue = due;
  }

  /** True when some held send is due at `time`; no read unless one is. */
  hasDue(time: number): boolean {
    return this.earliestDue <= time;
  }

  /** Removes and returns every send due at or before `time`, earliest first. */
  takeDue(time: number): HeldSend[] {
    if (this.earliestDue > time) return [];
    const due: HeldSend[] = [];
    for (const { key, value } of this.byDue.getRange({ end: [time, '\uffff'] })) due.push({ id: key[1], due: key[0], payload: value });
    for (const held of due) {
      this.byDue.removeSync([held.due, held.id]);
      this.byUser.removeSync([held.payload.candidate.userId, held.due, held.id]);
    }
    this.earliestDue = this.readEarliestDue();
    return due;
  }

  /** The user's held sends, soonest first. */
  forUser(userId: string, limit = 10): HeldSend[] {
    const found: HeldSend[] = [];
    for (const key of this.byUser.getKeys({ start: [userId] as unknown as UserKey, end: [userId, Number.MAX_SAFE_INTEGER, ''], limit })) {
      const payload = this.byDue.get([key[1], key[2]]);
      if (payload !== undefined) found.push({ id: key[2], due: key[1], payload });
    }
    return found;
  }

  pending(): number {
    return this.byDue.getCount();
  }
}
