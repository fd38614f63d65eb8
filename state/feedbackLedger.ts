// The notifications sent, as feedback needs them: what each was (type, channel, variant, the
// experiment arms of its user, the item it showed), whether it was opened or clicked, each
// user's last touch (for last-touch attribution of purchases) and the variant each user last
// saw per type (the bandit's recency penalty). One LMDB database, keys by prefix:
//   ['s', sequence]                -> SentNotification[]: the notifications one transaction queued
//   ['n', notificationId]          -> SentNotification: one changed since (delivered, opened,
//                                     clicked), which supersedes its copy in ['s']
//   ['d', due, notificationId]     -> DueRecord: the "ignored?" checks (fatigue) of one batch,
//                                     due ignoreAfterHours after sending; keyed by its earliest
//   ['x', due, notificationId]     -> DueRecord: when the records above are forgotten
//   ['t', userId]                  -> LastTouch
//   ['r', userId, type]            -> { variant, at }
// Recording a notification is on the decision's hot path, so nothing is written then: its
// record, checks, expiry and the user's last variant are held in memory and written when the
// transaction ends (StateStore.writeBehind), the records, checks and expiries of a batch as one
// record each. A put under a random key (a notification id) cost two to four times one under an
// ordered key, and more as the database grew (bench/lmdbKeyOrder.ts). Feedback finds a record by
// id through an index in memory (64-bit id hashes -> sequence, 24-48 bytes per record kept, built
// from the ['s'] records at start). Stores written before held one ['n'] key per notification and
// one ['d'] or ['x'] key per check or expiry (value 1); they are still read.

import type { Database } from 'lmdb';
import type { Channel } from '../src/events/types.js';
import { fnv1a, mix32 } from '../src/hash/fnv1a.js';
import { HashMap64 } from '../src/hash/hashMap64.js';
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
/** Batches of sent records kept decoded: checks and feedback come for recent batches, in order. */
const DECODED_BATCHES = 16;
const SECOND_SEED = 0x9747b28c;

type DuePrefix = 'd' | 'x';
type LedgerKey = ['s', number] | ['n', string] | [DuePrefix, number, string] | ['t', string] | ['r', string, string];
/** `1`: one entry per key, as stores written before batching hold. */
type LedgerValue = SentNotification[] | SentNotification | LastTouch | { variant: string; at: number } | DueRecord | 1;

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

/**
 * The sent records, one LMDB record per transaction, and an index from a notification id's hash
 * to the record that holds it. Entries of forgotten notifications stay in the index (pointing at a
 * record without them) until the index is rebuilt, when they outnumber the live ones.
 */
class SentBatches {
  private index = new HashMap64();
  private live = 0;
  private nextSequence = 0;
  /** Queued in the open transaction, by id: written as one record at its end. */
  private readonly pending = new Map<string, SentNotification>();
  private readonly decoded = new Map<number, Map<string, SentNotification>>();

  constructor(private readonly db: Database<LedgerValue, LedgerKey>) {
    this.load();
  }

  add(sent: SentNotification): void {
    this.pending.set(sent.id, sent);
  }

  /** Queued in the open transaction. */
  queued(id: string): SentNotification | undefined {
    return this.pending.get(id);
  }

  /** As its batch's record holds it. */
  get(id: string): SentNotification | undefined {
    const sequence = this.index.get(mix32(fnv1a(id)), mix32(fnv1a(id, SECOND_SEED)));
    return sequence === undefined ? undefined : this.batch(sequence)?.get(id);
  }

  /** Writes the open transaction's records as one. */
  flush(): void {
    if (this.pending.size === 0) return;
    const sequence = this.nextSequence++;
    const records = [...this.pending.values()];
    this.db.putSync(['s', sequence], records);
    for (const sent of records) this.index.set(mix32(fnv1a(sent.id)), mix32(fnv1a(sent.id, SECOND_SEED)), sequence);
    this.live += records.length;
    this.pending.clear();
  }

  /** The transaction failed: read the index again from what is on disk. */
  rollback(): void {
    this.pending.clear();
    this.load();
  }

  /** Drops forgotten notifications from their records (a record left empty goes). */
  forget(ids: string[]): void {
    const bySequence = new Map<number, string[]>();
    for (const id of ids) {
      const sequence = this.index.get(mix32(fnv1a(id)), mix32(fnv1a(id, SECOND_SEED)));
      if (sequence === undefined) continue;
      const gone = bySequence.get(sequence);
      if (gone === undefined) bySequence.set(sequence, [id]);
      else gone.push(id);
    }
    for (const [sequence, gone] of bySequence) {
      const batch = this.batch(sequence);
      if (batch === undefined) continue;
      for (const id of gone) if (batch.delete(id)) this.live--;
      if (batch.size === 0) {
        this.db.removeSync(['s', sequence]);
        this.decoded.delete(sequence);
      } else {
        this.db.putSync(['s', sequence], [...batch.values()]);
      }
    }
    if (this.index.size > 2 * this.live + 4_096) this.load();
  }

  private batch(sequence: number): Map<string, SentNotification> | undefined {
    let batch = this.decoded.get(sequence);
    if (batch === undefined) {
      const records = this.db.get(['s', sequence]) as SentNotification[] | undefined;
      if (records === undefined) return undefined;
      batch = new Map(records.map((sent) => [sent.id, sent]));
      if (this.decoded.size >= DECODED_BATCHES) this.decoded.delete(this.decoded.keys().next().value as number);
      this.decoded.set(sequence, batch);
    }
    return batch;
  }

  /** Builds the index from the records on disk (at start, after a failed transaction, when it holds too many forgotten ids). */
  private load(): void {
    this.index = new HashMap64();
    this.live = 0;
    this.decoded.clear();
    for (const { key, value } of this.db.getRange({ start: ['s', 0], end: ['s', Number.MAX_SAFE_INTEGER] })) {
      const sequence = key[1] as number;
      for (const sent of value as SentNotification[]) this.index.set(mix32(fnv1a(sent.id)), mix32(fnv1a(sent.id, SECOND_SEED)), sequence);
      this.live += (value as SentNotification[]).length;
      this.nextSequence = Math.max(this.nextSequence, sequence + 1);
    }
  }
}

export class FeedbackLedger {
  private readonly db: Database<LedgerValue, LedgerKey>;
  private readonly sent: SentBatches;
  private readonly checks: DueQueue;
  private readonly expiries: DueQueue;
  /** Last variants set in the open transaction: `user \0 type` -> key and value. */
  private lastVariants = new Map<string, { key: ['r', string, string]; value: { variant: string; at: number } }>();
  /** Last variants read or written before (null: none on record), for the bandit's question on every decision. */
  private readonly lastVariantCache = new Map<string, { variant: string; at: number } | null>();

  private readonly writeBehind: WriteBehind = {
    flush: () => {
      this.sent.flush();
      this.checks.flush();
      this.expiries.flush();
      for (const [cacheKey, { key, value }] of this.lastVariants) {
        this.db.putSync(key, value);
        this.cacheLastVariant(cacheKey, value);
      }
      this.lastVariants.clear();
    },
    rollback: () => {
      this.sent.rollback();
      this.checks.rollback();
      this.expiries.rollback();
      this.lastVariants.clear();
      this.lastVariantCache.clear();
    },
  };

  constructor(private readonly store: StateStore) {
    this.db = store.database<LedgerKey, LedgerValue>('learn:ledger');
    this.sent = new SentBatches(this.db);
    this.checks = new DueQueue(this.db, 'd');
    this.expiries = new DueQueue(this.db, 'x');
  }

  /**
   * Records a queued notification; checked for engagement at `checkAt`, forgotten at `forgetAt`.
   * Inside the batch transaction: its checks, expiry and last variant are written when it ends.
   */
  record(sent: SentNotification, checkAt: number, forgetAt: number): void {
    this.store.writeBehind(this.writeBehind);
    this.sent.add(sent);
    if (sent.priority === 'marketing') this.checks.add(checkAt, sent.id);
    this.expiries.add(forgetAt, sent.id);
    this.lastVariants.set(`${sent.userId}\u0000${sent.type}`, { key: ['r', sent.userId, sent.type], value: { variant: sent.variant, at: sent.sentAt } });
  }

  /** A changed record first (it supersedes the batch's copy, which a restart reads unchanged). */
  get(notificationId: string): SentNotification | undefined {
    return this.sent.queued(notificationId) ?? (this.db.get(['n', notificationId]) as SentNotification | undefined) ?? this.sent.get(notificationId);
  }

  /** Writes a changed record (its copy in the batch's record is superseded). */
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
    const forgotten = this.expiries.take(time).map(({ id }) => id);
    for (const id of forgotten) this.db.removeSync(['n', id]);
    this.sent.forget(forgotten);
    return due;
  }
}
