// The ingest loop's set of event ids seen within the TTL, in the layout the operator chose
// (`events.dedupeIndex`): `memory` holds 64-bit hashes in RAM and writes one record per batch
// (hashedIdSet.ts: no LMDB call per event, 16-32 bytes of RAM per id held); `lmdb` writes one key
// per id (expiringIdSet.ts: one put per event, RAM-light). Both commit with the batch.

import type { PushflowConfig } from '../src/config/schema.js';
import { ExpiringIdSet } from './expiringIdSet.js';
import { HashedIdSet } from './hashedIdSet.js';
import type { StateStore } from './stateStore.js';

/** What the runtime asks of the set. */
export interface SeenEventIds {
  /** Adds the id unless present: true when it was new. Call inside the batch transaction. */
  addIfAbsent(id: string, time: number): boolean;
  has(id: string, time: number): boolean;
  /** Forgets ids older than the TTL allows at `streamTime`. Call inside the batch transaction. */
  expire(streamTime: number): number;
  count(): number;
}

const PER_ID_DB = 'dedupe:events';
const HASHED_DB = 'dedupe:event-batches';

export function openEventDedupe(store: StateStore, events: PushflowConfig['events']): SeenEventIds {
  const ttlMs = events.dedupeTtlHours * 3_600_000;
  // The hashed layout carries the per-id one over on its first opening; hashes cannot go back.
  return events.dedupeIndex === 'memory' ? new HashedIdSet(store, HASHED_DB, ttlMs, PER_ID_DB) : new ExpiringIdSet(store, PER_ID_DB, ttlMs);
}
