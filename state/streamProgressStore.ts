// The stream's event-time progress (watermark and per-partition maxima), committed with each
// batch so that a restart neither re-fires nor forgets event-time timers.

import type { Database } from 'lmdb';
import type { PartitionProgress } from '../src/runtime/watermark.js';
import type { StateStore } from './stateStore.js';

export interface StreamProgress {
  watermark: number;
  partitions: Record<number, PartitionProgress>;
}

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
