// Each user's ring buffer of recent behaviour (src/behavior/eventSequence.ts has the layout), kept
// by the behaviour-sequences pipeline inside the batch transaction, read by the behaviour model's
// trainer and scorer. Category ids are stored as 32-bit codes; the names of the codes are kept
// beside, so that predictions can name the categories they mean.

import type { Database } from 'lmdb';
import type { BehaviorEvent } from '../src/events/types.js';
import {
  appendToSequence,
  categoryCode,
  decodeSequence,
  sequenceStamp,
  sequenceTypeIndex,
  UNKNOWN_CATEGORY,
  type EventSequence,
} from '../src/behavior/eventSequence.js';
import type { StateStore } from './stateStore.js';

/** Codes whose name this process already wrote; bounded so that an endless catalog cannot grow it forever. */
const KNOWN_CODES_LIMIT = 1_000_000;

export interface StoredSequence {
  userId: string;
  /** The raw value, copied into an ArrayBuffer of its own (so it can be transferred to a worker). */
  bytes: Uint8Array;
}

export class BehaviorSequenceStore {
  private readonly sequences: Database<Buffer, string>;
  private readonly names: Database<string, number>;
  private readonly knownCodes = new Set<number>();
  private readonly nameCache = new Map<number, string>();

  constructor(
    store: StateStore,
    private readonly capacity: number,
  ) {
    this.sequences = store.database<string, Buffer>('behavior:sequences', { encoding: 'binary' });
    this.names = store.database<number, string>('behavior:category-names', { encoding: 'string' });
  }

  /**
   * Appends a behaviour to its user's buffer; false when the behaviour is not one a sequence
   * records. Call inside the batch transaction. One read and one write of under a kilobyte.
   */
  append(event: BehaviorEvent, categoryId = event.categoryId): boolean {
    const type = sequenceTypeIndex(event.type);
    if (type < 0) return false;
    const category = categoryCode(categoryId);
    if (category !== UNKNOWN_CATEGORY && !this.knownCodes.has(category)) this.rememberName(category, categoryId!);
    const previous = this.sequences.getBinaryFast(event.userId);
    const next = appendToSequence(previous, { time: Math.floor(event.time / 1000), type, category }, this.capacity);
    this.sequences.putSync(event.userId, next);
    return true;
  }

  get(userId: string): EventSequence | undefined {
    const bytes = this.sequences.getBinaryFast(userId);
    return bytes === undefined ? undefined : decodeSequence(bytes);
  }

  /** Events ever appended for the user (0: none); changes with each new event. */
  stamp(userId: string): number {
    const bytes = this.sequences.getBinaryFast(userId);
    return bytes === undefined ? 0 : sequenceStamp(bytes);
  }

  /** Up to `limit` users' raw buffers in key order, after `afterUserId`: a scan in chunks. */
  chunk(afterUserId: string | undefined, limit: number): StoredSequence[] {
    const range = this.sequences.getRange(afterUserId === undefined ? { limit } : { start: afterUserId, exclusiveStart: true, limit });
    const out: StoredSequence[] = [];
    // Not Buffer.from: small Buffers share Node's allocation pool, which must not be transferred.
    for (const { key, value } of range) out.push({ userId: key, bytes: new Uint8Array(value) });
    return out;
  }

  /** Users with a buffer. */
  count(): number {
    return this.sequences.getCount();
  }

  /** The category id a code stands for, when it was seen. */
  categoryName(code: number): string | undefined {
    let name = this.nameCache.get(code);
    if (name === undefined) {
      name = this.names.get(code);
      if (name !== undefined && this.nameCache.size < KNOWN_CODES_LIMIT) this.nameCache.set(code, name);
    }
    return name;
  }

  private rememberName(code: number, name: string): void {
    if (this.knownCodes.size >= KNOWN_CODES_LIMIT) this.knownCodes.clear();
    this.knownCodes.add(code);
    if (this.names.get(code) !== name) this.names.putSync(code, name);
  }
}
