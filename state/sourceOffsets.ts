// Where each source partition resumes: the next offset after its last committed batch.
// Written in the same transaction as the batch's effects, which is what makes a restart
// process every event into state exactly once.

import type { Database } from 'lmdb';
import type { StateStore } from './stateStore.js';

type Key = [string, number];

export class SourceOffsets {
  private readonly db: Database<string, Key>;

  constructor(store: StateStore) {
    this.db = store.database<Key, string>('source-offsets');
  }

  get(source: string, partition: number): string | undefined {
    return this.db.get([source, partition]);
  }

  /** Call inside the batch transaction. */
  set(source: string, partition: number, nextOffset: string): void {
    this.db.putSync([source, partition], nextOffset);
  }

  all(): { source: string; partition: number; nextOffset: string }[] {
    return [...this.db.getRange()].map(({ key, value }) => ({ source: key[0], partition: key[1], nextOffset: value }));
  }
}
