// What a stopped (or killed) pushflow process left committed in its data directory: the lifetime
// counts and the source offsets, read through the stores that own them. Only for a data dir no
// process has open.

import { StateStore } from '../../state/stateStore.js';
import { NO_COUNTS, StreamProgressStore, type CommittedCounts } from '../../state/streamProgressStore.js';
import { SourceOffsets } from '../../state/sourceOffsets.js';

export interface CommittedProgress {
  counts: CommittedCounts;
  /** Next offset per partition of `source`. */
  offsets: Record<number, bigint>;
}

export async function readCommittedProgress(dataDir: string, source: string): Promise<CommittedProgress> {
  const store = new StateStore({ path: dataDir });
  try {
    const counts = new StreamProgressStore(store).get()?.counts ?? NO_COUNTS;
    const offsets: Record<number, bigint> = {};
    for (const entry of new SourceOffsets(store).all()) if (entry.source === source) offsets[entry.partition] = BigInt(entry.nextOffset);
    return { counts: { ...counts }, offsets };
  } finally {
    await store.close();
  }
}
