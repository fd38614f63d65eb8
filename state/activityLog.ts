// Which users were active on which day (UTC days), for the scheduled triggers: who gets a
// digest, who has lapsed, whom a campaign can reach. Each batch appends, per day it saw new
// users, one record `<day>|<seq>` holding their ids (written at the end of the batch, inside its
// transaction), so an event costs a set lookup and a batch one write. A user may appear in
// several records of a day (after a restart); readers take the union. Writer and readers share
// one instance per environment (`ActivityLog.of`), so a reader also sees what the batch in
// hand recorded but has not written yet.

import type { Database } from 'lmdb';
import type { StateStore } from './stateStore.js';

export const DAY_MS = 86_400_000;
const SEPARATOR = '\x1f';
/** Days whose members a reader keeps in memory for `wasActiveOn`. */
const CACHED_DAYS = 16;

/** The UTC day number of an event time. */
export function dayOf(time: number): number {
  return Math.floor(time / DAY_MS);
}

const dayPrefix = (day: number) => `${day.toString(36).padStart(6, '0')}${SEPARATOR}`;
const recordKey = (day: number, seq: number) => dayPrefix(day) + seq.toString(36).padStart(9, '0');

const shared = new WeakMap<StateStore, ActivityLog>();

export class ActivityLog {
  /** The environment's activity log; `retainDays` applies when this call creates it. */
  static of(store: StateStore, retainDays?: number): ActivityLog {
    let log = shared.get(store);
    if (log === undefined) shared.set(store, (log = new ActivityLog(store, retainDays)));
    return log;
  }

  private readonly db: Database<string[], string>;
  private today = -Infinity;
  private seenToday = new Set<string>();
  private seenYesterday = new Set<string>();
  private readonly pending = new Map<number, string[]>();
  private nextSeq: number | undefined;
  private expiredBelow = -Infinity;
  /** Reader side: members of recent days, and the last record read of each. */
  private readonly members = new Map<number, { users: Set<string>; lastKey: string }>();

  /** `retainDays`: how far back readers look; a writer drops older days as days pass. */
  private constructor(
    store: StateStore,
    private readonly retainDays = 60,
  ) {
    this.db = store.database<string, string[]>('activity:days');
  }

  /** Notes that the user was active at `time`; written by the next `flush`. */
  record(userId: string, time: number): void {
    const day = dayOf(time);
    if (day === this.today) {
      if (this.seenToday.has(userId)) return;
      this.seenToday.add(userId);
    } else if (day > this.today) {
      this.seenYesterday = day === this.today + 1 ? this.seenToday : new Set();
      this.seenToday = new Set([userId]);
      this.today = day;
    } else if (day === this.today - 1) {
      if (this.seenYesterday.has(userId)) return;
      this.seenYesterday.add(userId);
    }
    let users = this.pending.get(day);
    if (users === undefined) this.pending.set(day, (users = []));
    users.push(userId);
  }

  /** Writes what `record` collected. Call at the end of the batch, inside its transaction. */
  flush(): void {
    if (this.pending.size === 0) return;
    this.nextSeq ??= this.lastSeq() + 1;
    for (const [day, users] of this.pending) this.db.putSync(recordKey(day, this.nextSeq++), users);
    this.pending.clear();
    this.expire(this.today - this.retainDays);
  }

  private lastSeq(): number {
    let last = -1;
    for (const key of this.db.getKeys()) last = Math.max(last, parseInt(key.slice(key.indexOf(SEPARATOR) + 1), 36));
    return last;
  }

  /** Users active on `day`. */
  usersActiveOn(day: number): Set<string> {
    return this.usersActiveBetween(day, day);
  }

  /** Users active on any day of `[fromDay, toDay]`. */
  usersActiveBetween(fromDay: number, toDay: number): Set<string> {
    const users = new Set<string>();
    for (const { value } of this.db.getRange({ start: dayPrefix(fromDay), end: dayPrefix(toDay + 1) })) {
      for (const user of value) users.add(user);
    }
    for (const [day, recorded] of this.pending) if (day >= fromDay && day <= toDay) for (const user of recorded) users.add(user);
    return users;
  }

  /** Whether the user was active on `day`, as far as committed records tell; recent days are kept in memory. */
  wasActiveOn(userId: string, day: number): boolean {
    let known = this.members.get(day);
    if (known === undefined) {
      known = { users: new Set(), lastKey: dayPrefix(day) };
      this.members.set(day, known);
      for (const old of this.members.keys()) if (old < day - CACHED_DAYS) this.members.delete(old);
    }
    for (const { key, value } of this.db.getRange({ start: known.lastKey + '\0', end: dayPrefix(day + 1) })) {
      for (const user of value) known.users.add(user);
      known.lastKey = key;
    }
    return known.users.has(userId) || this.pending.get(day)?.includes(userId) === true;
  }

  /** Forgets days before `day`; cheap unless the boundary moved. */
  expire(day: number): number {
    if (day <= this.expiredBelow) return 0;
    let removed = 0;
    for (const key of this.db.getKeys({ end: dayPrefix(day) })) {
      this.db.removeSync(key);
      removed++;
    }
    this.expiredBelow = day;
    return removed;
  }
}
