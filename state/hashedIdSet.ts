// Ids seen within a time-to-live of event time: the ingest loop's dedupe set. Its lookup runs once
// per event, and one LMDB put per id costs 3-7 µs through lmdb-js (a fifth of the whole ingest
// path), so the set lives in memory as 64-bit hashes, one table per generation (generations.ts),
// and is persisted as one record per batch and generation, written at the end of the batch's
// transaction (StateStore.writeBehind): the ids commit with the batch's effects, a failed
// transaction forgets them, and opening the store reads them back.
// A 64-bit hash takes a new id for a repeat with odds of (ids held) / 2^64 per lookup: about one
// in 10^12 with ten million ids held. Memory: 16-32 bytes per id held (between one and two TTLs).

import type { Database } from 'lmdb';
import { fnv1a, mix32 } from '../src/hash/fnv1a.js';
import { HashSet64 } from '../src/hash/hashSet64.js';
import { Generations } from './generations.js';
import type { StateStore, WriteBehind } from './stateStore.js';

const SECOND_SEED = 0x9747b28c;
const generationPrefix = (generation: number) => `${generation.toString(36).padStart(9, '0')}|`;
const recordKey = (generation: number, sequence: number) => generationPrefix(generation) + sequence.toString(36).padStart(10, '0');

export class HashedIdSet implements WriteBehind {
  private readonly db: Database<Buffer, string>;
  private readonly generations: Generations;
  /** Every id held, the open transaction's included: a failed transaction reloads it from disk. */
  private readonly held = new Map<number, HashSet64>();
  /** Pairs added in the open transaction, per generation: its end writes them as one record each. */
  private unwritten = new Map<number, number[]>();
  private nextSequence = 0;

  /**
   * @param legacyName a database of the per-id layout (ExpiringIdSet) that this set replaces: its
   *   ids are carried over once, so an upgrade forgets no id.
   */
  constructor(
    private readonly store: StateStore,
    readonly name: string,
    ttlMs: number,
    legacyName?: string,
  ) {
    this.db = store.database<string, Buffer>(name, { encoding: 'binary' });
    this.generations = new Generations(ttlMs);
    this.load();
    if (legacyName !== undefined) this.carryOver(legacyName);
  }

  has(id: string, time: number): boolean {
    return this.held.get(this.generations.of(time))?.has(mix32(fnv1a(id)), mix32(fnv1a(id, SECOND_SEED))) === true;
  }

  /**
   * Adds the id unless present: true when it was new. Call inside a transaction of the store: its
   * end writes the ids it added, and its failure forgets them.
   */
  addIfAbsent(id: string, time: number): boolean {
    const generation = this.generations.of(time);
    const high = mix32(fnv1a(id));
    const low = mix32(fnv1a(id, SECOND_SEED));
    if (!this.heldFor(generation).add(high, low)) return false;
    this.store.writeBehind(this);
    let pairs = this.unwritten.get(generation);
    if (pairs === undefined) this.unwritten.set(generation, (pairs = []));
    pairs.push(high, low);
    return true;
  }

  /** Writes the transaction's new ids, one record per generation (the store calls it at the transaction's end). */
  flush(): void {
    for (const [generation, pairs] of this.unwritten) {
      const record = Uint32Array.from(pairs);
      this.db.putSync(recordKey(generation, this.nextSequence++), Buffer.from(record.buffer, record.byteOffset, record.byteLength));
    }
    this.unwritten = new Map();
  }

  /** The transaction failed: what is held is read again from disk, without the ids it added. */
  rollback(): void {
    this.unwritten = new Map();
    this.held.clear();
    this.load();
  }

  /**
   * Forgets ids of generations older than the one before `streamTime`'s; returns how many ids went
   * from memory. Call inside the batch transaction.
   */
  expire(streamTime: number): number {
    const keepFrom = this.generations.of(streamTime) - 1;
    if (!Number.isFinite(keepFrom)) return 0;
    let forgotten = 0;
    for (const [generation, set] of this.held) {
      if (generation >= keepFrom) continue;
      forgotten += set.size;
      this.held.delete(generation);
    }
    this.generations.expire(streamTime, generationPrefix, this.db);
    return forgotten;
  }

  /** Ids held. */
  count(): number {
    let count = 0;
    for (const set of this.held.values()) count += set.size;
    return count;
  }

  private heldFor(generation: number): HashSet64 {
    let held = this.held.get(generation);
    if (held === undefined) {
      held = new HashSet64();
      this.held.set(generation, held);
    }
    return held;
  }

  private load(): void {
    for (const { key, value } of this.db.getRange()) {
      const [generationText, sequenceText] = key.split('|');
      const held = this.heldFor(parseInt(generationText, 36));
      for (let offset = 0; offset + 8 <= value.length; offset += 8) held.add(value.readUInt32LE(offset), value.readUInt32LE(offset + 4));
      this.nextSequence = Math.max(this.nextSequence, parseInt(sequenceText, 36) + 1);
    }
  }

  /** Moves the ids of a per-id database (`<generation>|<id>` keys) into records of this one, then empties it. */
  private carryOver(legacyName: string): void {
    const legacy = this.store.database<string, Buffer>(legacyName, { encoding: 'binary' });
    if (legacy.getCount() === 0) return;
    this.store.transaction(() => {
      for (const key of legacy.getKeys()) {
        const separator = key.indexOf('|');
        this.addIfAbsent(key.slice(separator + 1), parseInt(key.slice(0, separator), 36) * this.generations.spanMs);
      }
      legacy.clearSync();
    });
  }
}
