// Attempts made at each outbox entry that has failed at least once, with when it may be tried
// again: retries and dead-lettering survive a restart. Keyed by the outbox sequence number;
// written asynchronously by the delivery loop, removed when the entry leaves the outbox.

import type { Database } from 'lmdb';
import type { StateStore } from './stateStore.js';

export interface AttemptState {
  attempts: number;
  /** Wall-clock time before which the entry is not retried. */
  notBefore: number;
  lastError: string;
}

export class DeliveryAttempts {
  private readonly db: Database<AttemptState, number>;

  constructor(store: StateStore, name = 'delivery:attempts') {
    this.db = store.database<number, AttemptState>(name);
  }

  get(seq: number): AttemptState | undefined {
    return this.db.get(seq);
  }

  async set(entries: [number, AttemptState][]): Promise<void> {
    if (entries.length === 0) return;
    await this.db.transaction(() => {
      for (const [seq, state] of entries) this.db.putSync(seq, state);
    });
  }

  async remove(seqs: number[]): Promise<void> {
    if (seqs.length === 0) return;
    await this.db.transaction(() => {
      for (const seq of seqs) this.db.removeSync(seq);
    });
  }
}
