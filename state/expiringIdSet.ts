// A set of ids that forgets them after a time-to-live, measured in event time.
// Keys are `<generation>|<id>` with generation = floor(time / ttl), zero-padded so that string
// order is generation order: a member is found with one lookup (a repeat carries the same time
// as the original), and expiry drops whole old generations, so each id lives between one and
// two TTLs past its own time. String keys and an empty value keep this per-event store cheap.

import type { Database } from 'lmdb';
import { Generations } from './generations.js';
import type { StateStore } from './stateStore.js';

const PRESENT = Buffer.from([1]);
const generationPrefix = (generation: number) => `${generation.toString(36).padStart(9, '0')}|`;

export class ExpiringIdSet {
  private readonly db: Database<Buffer, string>;
  private readonly generations: Generations;

  constructor(
    store: StateStore,
    readonly name: string,
    private readonly ttlMs: number,
  ) {
    this.db = store.database<string, Buffer>(name, { encoding: 'binary' });
    this.generations = new Generations(ttlMs);
  }

  private generation(time: number): number {
    return this.generations.of(time);
  }

  has(id: string, time: number): boolean {
    return this.db.doesExist(generationPrefix(this.generation(time)) + id);
  }

  /**
   * Adds the id unless present, in one write (LMDB's no-overwrite put): true when it was new.
   * Call inside the batch transaction.
   */
  addIfAbsent(id: string, time: number): boolean {
    return this.db.putSync(generationPrefix(this.generation(time)) + id, PRESENT, { noOverwrite: true }) as unknown as boolean;
  }

  /**
   * Forgets ids of generations older than the one before `streamTime`'s. Cheap when nothing
   * is due: it only scans when the generation boundary moved.
   */
  expire(streamTime: number): number {
    return this.generations.expire(streamTime, generationPrefix, this.db);
  }


  count(): number {
    return this.db.getCount();
  }
}
