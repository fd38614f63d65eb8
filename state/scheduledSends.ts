// Marketing messages held for later (quiet hours, best send time, rate-limit slots): durable
// event-time timers that fire on the watermark. Keys are [due, id, user], so that the sends are
// taken in due order and the user of each is known from its key: an index by user, kept in
// memory and built from a scan of the keys, lets `inspect` and the daily budget name a user's
// held sends without scanning every timer (the budget asks about every marketing candidate's
// user). One write per hold and one per release, and none for a send held and released in the
// same transaction (a rate-limit slot a few seconds on, inside the batch that reached it): holds
// are written when the transaction ends. The sends this process held are also kept in memory (up
// to a bound) until released: the budget reads a user's held sends on every marketing decision,
// and decoding them again cost more than writing them.

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
  /** Set when best send time chose the release time of a quiet-hours hold: it goes when released. */
  timed?: boolean;
  /** Channels that failed permanently for this candidate (fallbacks). */
  excludedChannels?: Channel[];
  /** Wall-clock time its triggering event entered the process. */
  ingestedAt: number;
}

/** Stores written before kept the user in the value and in a second database, `[user, due, id]`. */
type DueKey = [number, string, string] | [number, string];
type UserKey = [string, number, string];

export interface HeldSend {
  id: string;
  due: number;
  payload: ScheduledSend;
}

/** A held send in the by-user index: its due time, id, and whether it has the key of stores written before. */
type Held = [due: number, id: string, legacy: boolean];

/**
 * Held sends kept decoded, at most; past it the cache starts again (reads fall back to LMDB). A
 * held send takes roughly 0.5-1 KB decoded, so this bounds the cache near 50 MB.
 */
const DECODED_LIMIT = 50_000;
const decodedKey = (due: number, id: string) => `${due}|${id}`;

/** Due order, then id order: the order of the keys in LMDB. */
const compareDueId = (aDue: number, aId: string, bDue: number, bId: string) => aDue - bDue || (aId < bId ? -1 : aId > bId ? 1 : 0);
const byDueThenId = (a: Held, b: Held) => compareDueId(a[0], a[1], b[0], b[1]);

/**
 * There is no id -> due index: holding the same id again (a replay of the same candidate) adds a
 * second entry rather than moving the first; whichever fires first goes out and the other is
 * dropped as a duplicate by the notification id.
 */
export class ScheduledSends {
  private readonly byDue: Database<ScheduledSend, DueKey>;
  /** Stores written before: their by-user index, emptied as their sends are released. */
  private readonly legacyByUser: Database<true, UserKey>;
  private earliestDue: number;
  /** Each user's held sends, built from the keys at first use, kept by `schedule` and `takeDue`, dropped with a failed transaction. */
  private byUser: Map<string, Held[]> | undefined;
  /** Sends held by this process and not yet released, by `due|id` (keys of the current layout only). */
  private readonly decoded = new Map<string, ScheduledSend>();
  /** Sends held in the open transaction, by `due|id`: written at its end unless released before. */
  private readonly unwritten = new Map<string, { key: [number, string, string]; send: ScheduledSend }>();
  private readonly writeBehind: WriteBehind = {
    flush: () => {
      for (const { key, send } of this.unwritten.values()) this.byDue.putSync(key, send);
      this.unwritten.clear();
    },
    rollback: () => {
      this.unwritten.clear();
      this.byUser = undefined;
      this.decoded.clear();
      this.earliestDue = this.readEarliestDue();
    },
  };

  constructor(private readonly store: StateStore) {
    this.byDue = store.database<DueKey, ScheduledSend>('policy:scheduled-sends');
    this.legacyByUser = store.database<UserKey, true>('policy:scheduled-by-user');
    this.earliestDue = this.readEarliestDue();
  }

  private readEarliestDue(): number {
    for (const key of this.byDue.getKeys({ limit: 1 })) return key[0];
    return Infinity;
  }

  private index(): Map<string, Held[]> {
    if (this.byUser === undefined) {
      const byUser = new Map<string, Held[]>();
      for (const key of this.byDue.getKeys()) {
        const user = key.length === 3 ? key[2] : this.byDue.get(key)?.candidate.userId;
        if (user === undefined) continue;
        const held = byUser.get(user);
        if (held === undefined) byUser.set(user, [[key[0], key[1], key.length === 2]]);
        else held.push([key[0], key[1], key.length === 2]);
      }
      this.byUser = byUser;
    }
    return this.byUser;
  }

  /** Holds `send` until `due` under `id` (a notification id). Call inside the batch transaction. */
  schedule(id: string, due: number, send: ScheduledSend): void {
    const userId = send.candidate.userId;
    const index = this.index();
    this.store.writeBehind(this.writeBehind);
    const cacheKey = decodedKey(due, id);
    this.unwritten.set(cacheKey, { key: [due, id, userId], send });
    if (this.decoded.size >= DECODED_LIMIT) this.decoded.clear();
    this.decoded.set(cacheKey, send);
    const held = index.get(userId);
    if (held === undefined) index.set(userId, [[due, id, false]]);
    else if (!held.some(([d, i, legacy]) => d === due && i === id && !legacy)) held.push([due, id, false]);
    if (due < this.earliestDue) this.earliestDue = due;
  }

  /** True when some held send is due at `time`; no read unless one is. */
  hasDue(time: number): boolean {
    return this.earliestDue <= time;
  }

  /** Removes and returns every send due at or before `time`, earliest first. */
  takeDue(time: number): HeldSend[] {
    if (this.earliestDue > time) return [];
    const index = this.index();
    this.store.writeBehind(this.writeBehind);
    const due: { key: DueKey; held: HeldSend; stored: boolean }[] = [];
    for (const key of this.byDue.getKeys({ end: [time, '\uffff'] })) {
      const payload = this.payload(key);
      if (payload !== undefined) due.push({ key, held: { id: key[1], due: key[0], payload }, stored: true });
    }
    if (this.unwritten.size > 0) {
      // The same send held again in this transaction (a replayed candidate) is released once.
      const stored = new Set(due.map(({ held }) => decodedKey(held.due, held.id)));
      for (const [cacheKey, { key, send }] of this.unwritten) {
        if (key[0] > time) continue;
        this.unwritten.delete(cacheKey);
        if (!stored.has(cacheKey)) due.push({ key, held: { id: key[1], due: key[0], payload: send }, stored: false });
      }
      due.sort((a, b) => compareDueId(a.held.due, a.held.id, b.held.due, b.held.id));
    }
    for (const { key, held, stored } of due) {
      this.decoded.delete(decodedKey(held.due, held.id));
      const userId = held.payload.candidate.userId;
      const legacy = key.length === 2;
      if (stored) this.byDue.removeSync(key);
      if (legacy) this.legacyByUser.removeSync([userId, held.due, held.id]);
      const sends = index.get(userId);
      if (sends === undefined) continue;
      const at = sends.findIndex(([d, i, l]) => d === held.due && i === held.id && l === legacy);
      if (at >= 0) sends.splice(at, 1);
      if (sends.length === 0) index.delete(userId);
    }
    this.earliestDue = this.readEarliestDue();
    for (const { key } of this.unwritten.values()) if (key[0] < this.earliestDue) this.earliestDue = key[0];
    return due.map(({ held }) => held);
  }

  /** The user's held sends, soonest first. */
  forUser(userId: string, limit = 10): HeldSend[] {
    const sends = this.index().get(userId);
    if (sends === undefined) return [];
    const found: HeldSend[] = [];
    for (const [due, id, legacy] of [...sends].sort(byDueThenId)) {
      if (found.length >= limit) break;
      const payload = this.payload(legacy ? [due, id] : [due, id, userId]);
      if (payload !== undefined) found.push({ id, due, payload });
    }
    return found;
  }

  /** The held send under `key`: as this process held it, or read back. */
  private payload(key: DueKey): ScheduledSend | undefined {
    if (key.length === 2) return this.byDue.get(key);
    const cacheKey = decodedKey(key[0], key[1]);
    return this.decoded.get(cacheKey) ?? this.unwritten.get(cacheKey)?.send ?? this.byDue.get(key);
  }

  pending(): number {
    return this.byDue.getCount() + this.unwritten.size;
  }
}
