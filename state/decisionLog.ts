// The recent decisions about each user's notifications and what became of them (queued, held,
// suppressed, then sent, failed or dead-lettered), with the reasons: what `pushflow inspect
// user` shows.
//
// Decisions are on the hot path and the log is read only by `inspect`, so it is kept the way a
// log-structured store keeps an append-only log: the entries of a batch are held in memory and
// written at its end as ONE record, beside a Bloom filter of the users in it. The record is JSON:
// the batch's distinct reason texts and templates once, then the entries as tuples naming their
// reasons by number (a templated reason as [number, ...its values], src/decide/reasons.ts): the
// text is made when `inspect` reads it. Most reasons repeat across a batch ("consent: marketing
// ok", "rate_limit: ok"); written out in full they made a record of 440 KB per 1,000 decisions,
// and formatting them on the hot path cost a tenth of the decide bench. A lookup by user
// walks the records newest first and decodes only those whose filter may hold the user. Keys are
// [generation, sequence] with generation = event time / retention; whole generations older than
// the previous one are dropped as event time moves on, so each entry is kept between one and two
// retention periods.

import type { Database } from 'lmdb';
import type { Channel } from '../src/events/types.js';
import { buildBloomFilter, mayContain } from '../src/hash/bloomFilter.js';
import { Generations } from './generations.js';
import { reasonText, type Reason } from '../src/decide/reasons.js';
import type { StateStore } from './stateStore.js';

export interface DecisionLogEntry {
  /** Event time of the decision or of the batch that took the delivery receipt. */
  at: number;
  notificationId: string;
  type: string;
  outcome: 'queued' | 'deferred' | 'suppressed' | 'duplicate' | 'sent' | 'failed' | 'dead_lettered';
  channel?: Channel;
  /** The suppression or deferral reason, or the delivery error class. */
  reason?: string;
  /** For deferrals: when it is due. */
  until?: number;
  /** For delivery outcomes: the wall-clock time of the outcome. */
  deliveredAt?: number;
  /** What each policy rule said, in order. */
  reasons?: readonly Reason[];
}

/** An entry as read back, its reasons as text. */
export type DecisionLogRecord = Omit<DecisionLogEntry, 'reasons'> & { reasons?: string[] };

type RecordKey = [generation: number, sequence: number];
/** [userId, at, notificationId, type, outcome, channel, reason, until, deliveredAt, reasons]; absent fields null. */
type StoredEntry = [string, number, string, string, DecisionLogEntry['outcome'], Channel | null, string | null, number | null, number | null, readonly Reason[] | null];

function toStored(userId: string, entry: DecisionLogEntry): StoredEntry {
  return [
    userId,
    entry.at,
    entry.notificationId,
    entry.type,
    entry.outcome,
    entry.channel ?? null,
    entry.reason ?? null,
    entry.until ?? null,
    entry.deliveredAt ?? null,
    entry.reasons ?? null,
  ];
}

/**
 * A record as written: the distinct reason texts and templates, and entries whose reasons are
 * indexes into them (`[index, ...values]` for a templated one).
 */
interface StoredBatch {
  reasons: string[];
  entries: Array<[...head: StoredHead, reasons: StoredReason[] | null]>;
}
type StoredReason = number | [number, ...Array<number | string>];
type StoredHead = [string, number, string, string, DecisionLogEntry['outcome'], Channel | null, string | null, number | null, number | null];

function toBatch(entries: StoredEntry[]): StoredBatch {
  const reasons: string[] = [];
  const indexOf = new Map<string, number>();
  const intern = (text: string) => {
    let index = indexOf.get(text);
    if (index === undefined) {
      index = reasons.push(text) - 1;
      indexOf.set(text, index);
    }
    return index;
  };
  const stored = entries.map(([user, at, id, type, outcome, channel, reason, until, deliveredAt, notes]): StoredBatch['entries'][number] => {
    let indexes: StoredReason[] | null = null;
    if (notes !== null) {
      indexes = [];
      for (const note of notes) {
        if (typeof note === 'string') {
          indexes.push(intern(note));
          continue;
        }
        // Built by hand: a slice and a spread per note were a third of the batch's write.
        const stored: [number, ...Array<number | string>] = [intern(note[0])];
        for (let k = 1; k < note.length; k++) stored.push(note[k] as number | string);
        indexes.push(stored);
      }
    }
    return [user, at, id, type, outcome, channel, reason, until, deliveredAt, indexes];
  });
  return { reasons, entries: stored };
}

/** A record back as entries; records written before are a plain array of entries with their texts. */
function fromBatch(record: string): StoredEntry[] {
  const parsed = JSON.parse(record) as StoredEntry[] | StoredBatch;
  if (Array.isArray(parsed)) return parsed;
  const { reasons, entries } = parsed;
  const noteOf = (stored: StoredReason): Reason => (typeof stored === 'number' ? reasons[stored] : [reasons[stored[0]], ...stored.slice(1)]);
  return entries.map(([user, at, id, type, outcome, channel, reason, until, deliveredAt, indexes]) => [
    user, at, id, type, outcome, channel, reason, until, deliveredAt, indexes === null ? null : indexes.map(noteOf),
  ]);
}

function fromStored([, at, notificationId, type, outcome, channel, reason, until, deliveredAt, reasons]: StoredEntry): DecisionLogRecord {
  const entry: DecisionLogRecord = { at, notificationId, type, outcome };
  if (channel !== null) entry.channel = channel;
  if (reason !== null) entry.reason = reason;
  if (until !== null) entry.until = until;
  if (deliveredAt !== null) entry.deliveredAt = deliveredAt;
  if (reasons !== null) entry.reasons = reasons.map(reasonText);
  return entry;
}

export class DecisionLog {
  /** One record per batch: its entries, in the order they were decided. */
  private readonly records: Database<string, RecordKey>;
  /** Per record, the Bloom filter of its users. */
  private readonly users: Database<Buffer, RecordKey>;
  /** Entries of the open batch, not yet written. */
  private pending: StoredEntry[] = [];
  private sequence: number;
  private readonly generations: Generations;

  constructor(
    store: StateStore,
    retentionMs: number,
  ) {
    this.generations = new Generations(retentionMs);
    this.records = store.database<RecordKey, string>('policy:decision-batches', { encoding: 'string' });
    this.users = store.database<RecordKey, Buffer>('policy:decision-batch-users', { encoding: 'binary' });
    let last = -1;
    for (const key of this.records.getKeys({ reverse: true, limit: 1 })) last = key[1];
    this.sequence = last + 1;
  }

  private generation(time: number): number {
    return this.generations.of(time);
  }

  /** Adds an entry to the open batch; `flush` writes it. */
  append(userId: string, entry: DecisionLogEntry): void {
    this.pending.push(toStored(userId, entry));
  }

  /** Writes the open batch's entries as one record. Call inside the batch transaction, at its end. */
  flush(): void {
    if (this.pending.length === 0) return;
    const entries = this.pending;
    this.pending = [];
    let latest = -Infinity;
    for (const entry of entries) if (entry[1] > latest) latest = entry[1];
    const key: RecordKey = [this.generation(latest), this.sequence++];
    this.records.putSync(key, JSON.stringify(toBatch(entries)));
    this.users.putSync(key, Buffer.from(buildBloomFilter(entries.map((entry) => entry[0]), entries.length)));
  }

  /** The user's entries, newest first, at most `limit` (the open batch's included). */
  recent(userId: string, limit = 20): DecisionLogRecord[] {
    const found: DecisionLogRecord[] = [];
    const collect = (entries: StoredEntry[]) => {
      for (let i = entries.length - 1; i >= 0 && found.length < limit; i--) if (entries[i][0] === userId) found.push(fromStored(entries[i]));
    };
    collect(this.pending);
    // Records are keyed by generation, then sequence; newest first is the reverse of both.
    for (const { key, value } of this.users.getRange({ reverse: true })) {
      if (found.length >= limit) break;
      if (!mayContain(value, userId)) continue;
      const record = this.records.get(key);
      if (record !== undefined) collect(fromBatch(record));
    }
    // Within a record entries are in decision order, but a record's generation comes from its
    // latest entry: sort so that "newest first" holds across records too.
    return found.sort((a, b) => b.at - a.at);
  }

  /** Drops generations older than the one before `time`'s; cheap unless a boundary was crossed. */
  expire(time: number): void {
    this.generations.expire(time, (keepFrom) => [keepFrom] as unknown as RecordKey, this.records, this.users);
  }


}
