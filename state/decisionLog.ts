// The recent decisions about each user's notifications and what became of them (queued, held,
// suppressed, then sent, failed or dead-lettered), with the reasons: what `pushflow inspect
// user` shows. Written once per decision without a read (it is on the decision hot path): keys
// are [generation, user, time, sequence] with generation = event time / retention, and whole
// generations older than the previous one are dropped as event time moves on, so each entry is
// kept between one and two retention periods.

import type { Database } from 'lmdb';
import type { Channel } from '../src/events/types.js';
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
  reasons?: string[];
}

type LogKey = [number, string, number, number];
const REASON_SEPARATOR = '\u001f';

interface StoredEntry {
  at: number;
  notificationId: string;
  type: string;
  outcome: DecisionLogEntry['outcome'];
  channel: Channel | null;
  reason: string | null;
  until: number | null;
  deliveredAt: number | null;
  reasons: string | null;
}

function fromStored(stored: StoredEntry): DecisionLogEntry {
  const entry: DecisionLogEntry = { at: stored.at, notificationId: stored.notificationId, type: stored.type, outcome: stored.outcome };
  if (stored.channel !== null) entry.channel = stored.channel;
  if (stored.reason !== null) entry.reason = stored.reason;
  if (stored.until !== null) entry.until = stored.until;
  if (stored.deliveredAt !== null) entry.deliveredAt = stored.deliveredAt;
  if (stored.reasons !== null) entry.reasons = stored.reasons.split(REASON_SEPARATOR);
  return entry;
}

export class DecisionLog {
  private readonly db: Database<StoredEntry, LogKey>;
  private sequence = 0;
  private expiredBelow = -Infinity;

  constructor(
    store: StateStore,
    private readonly retentionMs: number,
  ) {
    this.db = store.database<LogKey, StoredEntry>('policy:decision-log');
  }

  private generation(time: number): number {
    return Math.floor(time / this.retentionMs);
  }

  /** Appends; call inside a write transaction. */
  append(userId: string, entry: DecisionLogEntry): void {
    // One record shape for every entry (absent fields as null, reasons as one string), so that
    // msgpack shares a single structure instead of defining one per combination of fields.
    const stored: StoredEntry = {
      at: entry.at,
      notificationId: entry.notificationId,
      type: entry.type,
      outcome: entry.outcome,
      channel: entry.channel ?? null,
      reason: entry.reason ?? null,
      until: entry.until ?? null,
      deliveredAt: entry.deliveredAt ?? null,
      reasons: entry.reasons === undefined ? null : entry.reasons.join(REASON_SEPARATOR),
    };
    this.db.putSync([this.generation(entry.at), userId, entry.at, this.sequence++], stored);
  }

  /** The user's entries, newest first, at most `limit`. */
  recent(userId: string, limit = 20): DecisionLogEntry[] {
    const generations: number[] = [];
    for (const key of this.db.getKeys({ limit: 1 })) generations.push(key[0]);
    for (const key of this.db.getKeys({ limit: 1, reverse: true })) generations.push(key[0]);
    if (generations.length === 0) return [];
    const found: DecisionLogEntry[] = [];
    for (let generation = generations[1]; generation >= generations[0] && found.length < limit; generation--) {
      for (const { value } of this.db.getRange({ start: [generation, userId, Infinity, 0], end: [generation, userId, -Infinity, 0], reverse: true, limit: limit - found.length })) {
        found.push(fromStored(value));
      }
    }
    return found;
  }

  /** Drops generations older than the one before `time`'s; cheap unless a boundary was crossed. */
  expire(time: number): void {
    const keepFrom = this.generation(time) - 1;
    if (!Number.isFinite(keepFrom) || keepFrom <= this.expiredBelow) return;
    for (const key of this.db.getKeys({ end: [keepFrom] as unknown as LogKey })) this.db.removeSync(key);
    this.expiredBelow = keepFrom;
  }
}
