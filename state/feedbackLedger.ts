// The notifications sent, as feedback needs them: what each was (type, channel, variant, the
// experiment arms of its user, the item it showed), whether it was opened or clicked, each
// user's last touch (for last-touch attribution of purchases) and the variant each user last
// saw per type (the bandit's recency penalty). One LMDB database, keys by prefix:
//   ['n', notificationId]          -> SentNotification
//   ['d', due, notificationId]     -> DueRecord: the "ignored?" checks (fatigue) of one batch,
//                                     due ignoreAfterHours after sending; keyed by its earliest
//   ['x', due, notificationId]     -> DueRecord: when the records above are forgotten
//   ['t', userId]                  -> LastTouch
//   ['r', userId, type]            -> { variant, at }
// Recording a notification is on the decision's hot path, so only its ['n'] record is written
// then; its checks, its expiry and the user's last variant are held in memory and written when
// the transaction ends (StateStore.writeBehind): the checks and expiries of a batch as one record
// each. Stores written before held one ['d'] or ['x'] key per notification (value 1); they are
// still read.

import type { Database } from 'lmdb';
import type { Channel } from '../src/events/types.js';
import { copyOf, joinStrings, splitStrings } from './packedColumns.js';
import type { StateStore, WriteBehind } from './stateStore.js';

export interface SentNotification {
  id: string;
  userId: string;
  type: string;
  channel: Channel;
  variant: string;
  priority: 'transactional' | 'marketing';
  /** Event time of the decision that queued it. */
  sentAt: number;
  /** `experiment name -> arm name` for the user's experiments at sending. */
  arms: Record<string, string>;
  /** Segment the bandit counted the impression under. */
  segment: string;
  /** Whether the bandit chose the variant (its impression was counted). */
  bandit: boolean;
  /** Items the message showed (its `itemId`, or the digest's items). */
  itemIds: string[];
  opened?: boolean;
  clicked?: boolean;
  delivered?: boolean;
}

export interface LastTouch {
  notificationId: string;
  type: string;
  variant: string;
  arms: Record<string, string>;
  touch: 'delivered' | 'opened' | 'clicked';
  at: number;
}

/** A batch's due entries, column-packed: dues as float64 bytes, ids joined. */
interface DueRecord {
  dues: Uint8Array;
  ids: string;
  idLengths: Uint8Array;
}

const LAST_VARIANT_CACHE_LIMIT = 200_000;

type DuePrefix = 'd' | 'x';
type LedgerKey = ['n', string] | [DuePrefix, number, string] | ['t', string] | ['r', string, string];
/** `1`: one entry per key, as stores written before batching hold. */
type LedgerValue = SentNotification | LastTouch | { variant: string; at: number } | DueRecord | 1;

interface DueEntry {
  due: number;
  id: string;
}

const byDue = (a: DueEntry, b: DueEntry) => a.due - b.due || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Entries that come due with event time ('d' checks, 'x' expiries): the open batch's in memory, then one record per batch. */
class DueQueue {
  private pending: DueEntry[] = [];
  /** Earliest due in LMDB or pending, so the common "nothing due" costs no read. */
  earliest: number;

  constructor(
    private readonly db: Database<LedgerValue, LedgerKey>,
    private readonly prefix: DuePrefix,
  ) {
    this.earliest = this.firstStored();
  }

  add(due: number, id: string): void {
    this.pending.push({ due, id });
    if (due < this.earliest) this.earliest = due;
  }

  /** Removes and returns the entries due at `time`, in due order. */
  take(time: number): DueEntry[] {
    if (time < this.earliest) return [];
    const due: DueEntry[] = [];
    const keep: DueEntry[] = [];
    for (const entry of this.pending) (entry.due <= time ? due : keep).push(entry);
    this.pending = keep;
    const records: { key: LedgerKey; value: LedgerValue }[] = [];
    for (const { key, value } of this.db.getRange({ start: [this.prefix, 0], end: [this.prefix, time, '\uffff'] })) records.push({ key, value });
    for (const { key, value } of records) {
      this.db.removeSync(key);
      if (value === 1) {
        due.push({ due: key[1] as number, id: key[2] as string });
        continue;
      }
      const rest: DueEntry[] = [];
      for (const entry of unpackDue(value as DueRecord)) (entry.due <= time ? due : rest).push(entry);
      this.write(rest);
    }
    this.earliest = this.firstStored();
    for (const entry of this.pending) if (entry.due < this.earliest) this.earliest = entry.due;
    return due.sort(byDue);
  }

  /** Writes the open batch's entries as one record. */
  flush(): void {
    if (this.pending.length === 0) return;
    this.write(this.pending);
    this.pending = [];
  }

  rollback(): void {
    this.pending = [];
    this.earliest = this.firstStored();
  }

  private write(entries: DueEntry[]): void {
    if (entries.length === 0) return;
    let first = entries[0];
    for (const entry of entries) if (byDue(entry, first) < 0) first = entry;
    const dues = Float64Array.from(entries, (entry) => entry.due);
    const { keys, keyLengths } = joinStrings(entries.map((entry) => entry.id));
    const record: DueRecord = { dues: new Uint8Array(dues.buffer), ids: keys, idLengths: keyLengths };
    this.db.putSync([this.prefix, first.due, first.id], record);
  }

  private firstStored(): number {
    for (const key of this.db.getKeys({ start: [this.prefix, 0], end: [this.prefix, Number.MAX_SAFE_INTEGER], limit: 1 })) return key[1] as number;
    return Infinity;
  }
}

function unpackDue(record: DueRecord): DueEntry[] {
  const dues = new Float64Array(copyOf(record.dues));
  const ids = splitStrings(record.ids, record.idLengths);
  return ids.map((id, i) => ({ due: dues[i], id }));
}

export class FeedbackLedger {
  private readonly db: Database<LedgerValue, LedgerKey>;
  private readonly checks: DueQueue;
  private readonly expiries: DueQueue;
  /** Last variants set in the open transaction: `user \0 type` -> key and value. */
  private lastVariants = new Map<string, { key: ['r', string, string]; value: { variant: string; at: number } }>();
  /** Last variants read or written before (null: none on record), for the bandit's question on every decision. */
  private readonly lastVariantCache = new Map<string, { variant: string; at: number } | null>();

  private readonly writeBehind: WriteBehind = {
    flush: () => {
      this.checks.flush();
      this.expiries.flush();
      for (const [cacheKey, { key, value }] of this.lastVariants) {
        this.db.putSync(key, value);
        this.cacheLastVariant(cacheKey, value);
      }
      this.lastVariants.clear();
    },
    rollback: () => {
      this.checks.rollback();
      this.expiries.rollback();
      this.lastVariants.clear();
      this.lastVariantCache.clear();
    },
  };

  constructor(private readonly store: StateStore) {
    this.db = store.database<LedgerKey, LedgerValue>('learn:ledger');
    this.checks = new DueQueue(this.db, 'd');
    this.expiries = new DueQueue(this.db, 'x');
  }

  /**
   * Records a queued notification; checked for engagement at `checkAt`, forgotten at `forgetAt`.
   * Inside the batch transaction: its checks, expiry and last variant are written when it ends.
   */
  record(sent: SentNotification, checkAt: number, forgetAt: number): void {
    this.store.writeBehind(this.writeBehind);
    this.db.putSync(['n', sent.id], sent);
    if (sent.priority === 'marketing') this.checks.add(checkAt, sent.id);
    this.expiries.add(forgetAt, sent.id);
    this.lastVariants.set(`${sent.userId}\u0000${sent.type}`, { key: ['r', sent.userId, sent.type], value: { variant: sent.variant, at: sent.sentAt } });
  }

  get(notificationId: string): SentNotification | undefined {
    return this.db.get(['n', notificationId]) as SentNotification | undefined;
  }

  update(sent: SentNotification): void {
    this.db.putSync(['n', sent.id], sent);
  }

  /** The variant the user last saw for `type`, and when. */
  lastVariant(userId: string, type: string): { variant: string; at: number } | undefined {
    const cacheKey = `${userId}\u0000${type}`;
    const pending = this.lastVariants.get(cacheKey);
    if (pending !== undefined) return pending.value;
    let last = this.lastVariantCache.get(cacheKey);
    if (last === undefined) {
      last = (this.db.get(['r', userId, type]) as { variant: string; at: number } | undefined) ?? null;
      this.cacheLastVariant(cacheKey, last);
    }
    return last ?? undefined;
  }

  private cacheLastVariant(cacheKey: string, last: { variant: string; at: number } | null): void {
    if (this.lastVariantCache.size >= LAST_VARIANT_CACHE_LIMIT) this.lastVariantCache.clear();
    this.lastVariantCache.set(cacheKey, last);
  }

  lastTouch(userId: string): LastTouch | undefined {
    return this.db.get(['t', userId]) as LastTouch | undefined;
  }

  setLastTouch(userId: string, touch: LastTouch): void {
    this.db.putSync(['t', userId], touch);
  }

  /**
   * Notifications whose engagement check is due at `time`, taken out (they stay readable until
   * forgotten); forgets the records whose time has come. Call as the watermark advances.
   */
  takeChecksDue(time: number): SentNotification[] {
    const due: SentNotification[] = [];
    for (const { id } of this.checks.take(time)) {
      const sent = this.get(id);
      if (sent !== undefined) due.push(sent);
    }
    // After the checks: a record is forgotten no earlier than its check is due.
    for (const { id } of this.expiries.take(time)) this.db.removeSync(['n', id]);
    return due;
  }
}
