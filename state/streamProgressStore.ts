// The stream's event-time progress (watermark and per-partition maxima), committed with each
// batch so that a restart neither re-fires nor forgets event-time timers.

import type { Database } from 'lmdb';
import type { PartitionProgress } from '../src/runtime/watermark.js';
import type { StateStore } from './stateStore.js';

/** Counts over the life of the data directory, committed with the batches they describe. */
export interface CommittedCounts {
  events: number;
  valid: number;
  invalid: number;
  duplicates: number;
  late: number;
  notifications: number;
}

export interface StreamProgress {
  watermark: number;
  partitions: Record<number, PartitionProgress>;
  counts: CommittedCounts;
}

export const NO_COUNTS: CommittedCounts = { events: 0, valid: 0, invalid: 0, duplicates: 0, late: 0, notifications: 0 };

export class StreamProgressStore {
  private readonly db: Database<StreamProgress, string>;

  constructor(store: StateStore) {
    this.db = store.database<string, StreamProgress>('stream-progress');
  }

  get(): StreamProgress | undefined {
    return this.db.get('watermark');
  }

  /** Call inside the batch transaction. */
  set(progress: StreamProgress): void {
    this.db.putSync('watermark', progress);
  }
}
