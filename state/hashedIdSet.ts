// Ids seen within a time-to-live of event time: the ingest loop's dedupe set. Its lookup runs once
// per event, and one LMDB put per id costs 3-7 µs through lmdb-js (a fifth of the whole ingest
// path), so the set lives in memory as 64-bit hashes, one table per generation (generations.ts),
// and is persisted as one record per batch and generation, written in the batch's transaction:
// the ids commit with the batch's effects, and opening the store reads them back.
// A 64-bit hash takes a new id for a repeat with odds of (ids held) / 2^64 per lookup: about one
// in 10^12 with ten million ids held. Memory: 16-32 bytes per id held (between one and two TTLs).

import type { Database } from 'lmdb';
import { fnv1a, mix32 } from '../src/hash/fnv1a.js';
import { HashSet64 } from '../src/hash/hashSet64.js';
import { Generations } from './generations.js';
import type { StateStore } from './stateStore.js';

const SECOND_SEED = 0x9747b28c;
const generationPrefix = (generation: number) => `${generation.toString(36).padStart(9, '0')}|`;
const recordKey = (generation: number, sequence: number) => generationPrefix(generation) + sequence.toString(36).padStart(10, '0');

interface PendingIds {
  set: HashSet64;
  /** The pairs in the order added, for the batch's record. */
  pairs: number[];
}

export class HashedIdSet {
  private readonly db: Database<Buffer, string>;
  private readonly generations: Generations;
  private readonly held = new Map<number, HashSet64>();
  /** Added since the last commit: written by flush(), merged into `held` by commit(). */
  private pending = new Map<number, PendingIds>();
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
    if (legacyName !== undefined) this.carryOver(legacyName);
    this.load();
  }

  has(id: string, time: number): boolean {
    const generation = this.generations.of(time);
    const high = mix32(fnv1a(id));
    const low = mix32(fnv1a(id, SECOND_SEED));
    return this.held.get(generation)?.has(high, low) === true || this.pending.get(generation)?.set.has(high, low) === true;
  }

  /** Adds the id unless present: true when it was new. It is written by the batch's flush(). */
  addIfAbsent(id: string, time: number): boolean {
    const generation = this.generations.of(time);
    const high = mix32(fnv1a(id));
    const low = mix32(fnv1a(id, SECOND_SEED));
    if (this.held.get(generation)?.has(high, low) === true) return false;
    let pending = this.pending.get(generation);
    if (pending === undefined) {
      pending = { set: new HashSet64(), pairs: [] };
      this.pending.set(generation, pending);
    }
    if (!pending.set.add(high, low)) return false;
    pending.pairs.push(high, low);
    return true;
  }

  /** Writes the ids added since the last commit, one record per generation. Call inside the batch transaction. */
  flush(): void {
    for (const [generation, { pairs }] of this.pending) {
      if (pairs.length === 0) continue;
      const record = Uint32Array.from(pairs);
      this.db.putSync(recordKey(generation, this.nextSequence++), Buffer.from(record.buffer, record.byteOffset, record.byteLength));
      pairs.length = 0;
    }
  }

  /** The batch transaction committed: the flushed ids join the set. */
  commit(): void {
    for (const [generation, { set }] of this.pending) {
      const held = this.heldFor(generation);
      set.forEach((high, low) => held.add(high, low));
    }
    this.pending = new Map();
  }

  /** The batch transaction did not commit: forget what it added. */
  discard(): void {
    this.pending = new Map();
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

  /** Ids held (committed). */
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
      this.load();
      for (const key of legacy.getKeys()) {
        const separator = key.indexOf('|');
        this.addIfAbsent(key.slice(separator + 1), parseInt(key.slice(0, separator), 36) * this.generations.spanMs);
      }
      this.flush();
      legacy.clearSync();
    });
    this.commit();
    this.held.clear();
  }
}
