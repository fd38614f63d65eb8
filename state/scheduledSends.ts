// Marketing messages held for later (quiet hours, best send time, rate-limit slots): durable
// event-time timers that fire on the watermark, plus an index by user so that `inspect` and the
// daily budget can name a user's held sends without scanning every timer. The budget asks about
// every marketing candidate's user, most of whom have nothing held: the writer keeps how many
// sends each user has held in memory, so that asking about one with none reads nothing.

import type { Database } from 'lmdb';
import type { Channel } from '../src/events/types.js';
import type { NotificationCandidate } from '../src/runtime/pipeline.js';
import type { StateStore, WriteBehind } from './stateStore.js';

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
  /**
   * Held sends per user, as the byUser index has them; built from it at the first write (a reader
   * such as `inspect` never builds it), then kept by `schedule` and `takeDue`. A count may be too
   * high (the same send held twice under one key), never too low: absent means none held.
   */
  private heldPerUser: Map<string, number> | undefined;
  /** The open transaction's changes to `heldPerUser`, undone if it fails. */
  private changes: [string, number][] = [];
  private readonly writeBehind: WriteBehind = {
    flush: () => {
      this.changes = [];
    },
    rollback: () => {
      for (let i = this.changes.length - 1; i >= 0; i--) this.countHeld(this.changes[i][0], -this.changes[i][1]);
      this.changes = [];
      this.earliestDue = this.readEarliestDue();
    },
  };

  constructor(private readonly store: StateStore) {
    this.byDue = store.database<DueKey, ScheduledSend>('policy:scheduled-sends');
    this.byUser = store.database<UserKey, true>('policy:scheduled-by-user');
    this.earliestDue = this.readEarliestDue();
  }

  private countHeld(userId: string, delta: number): void {
    if (this.heldPerUser === undefined) {
      this.heldPerUser = new Map();
      for (const [user] of this.byUser.getKeys()) this.heldPerUser.set(user, (this.heldPerUser.get(user) ?? 0) + 1);
    }
    const count = (this.heldPerUser.get(userId) ?? 0) + delta;
    if (count > 0) this.heldPerUser.set(userId, count);
    else this.heldPerUser.delete(userId);
  }

  private changeHeld(userId: string, delta: number): void {
    this.store.writeBehind(this.writeBehind);
    this.countHeld(userId, delta);
    this.changes.push([userId, delta]);
  }

  private readEarliestDue(): number {
    for (const key of this.byDue.getKeys({ limit: 1 })) return key[0];
    return Infinity;
  }

  /** Holds `send` until `due` under `id` (a notification id). Call inside the batch transaction. */
  schedule(id: string, due: number, send: ScheduledSend): void {
    this.changeHeld(send.candidate.userId, 1);
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
      this.changeHeld(held.payload.candidate.userId, -1);
      this.byDue.removeSync([held.due, held.id]);
      this.byUser.removeSync([held.payload.candidate.userId, held.due, held.id]);
    }
    this.earliestDue = this.readEarliestDue();
    return due;
  }

  /** The user's held sends, soonest first. */
  forUser(userId: string, limit = 10): HeldSend[] {
    if (this.heldPerUser !== undefined && !this.heldPerUser.has(userId)) return [];
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
