// The sets of ids seen within a TTL of event time, in the layout the operator chose
// (`events.dedupeIndex`): `memory` holds 64-bit hashes in RAM and writes one record per batch
// (hashedIdSet.ts: no LMDB call per id, 16-32 bytes of RAM per id held); `lmdb` writes one key
// per id (expiringIdSet.ts: one put per id, RAM-light). Both commit with the batch. Two sets use
// it: the ingest loop's event ids (48 hours by default), and the ids of the notifications already
// queued (30 days), which every decision asks about.

import type { PushflowConfig } from '../src/config/schema.js';
import { ExpiringIdSet } from './expiringIdSet.js';
import { HashedIdSet } from './hashedIdSet.js';
import type { StateStore } from './stateStore.js';

/** What the runtime and the decision engine ask of a set. */
export interface SeenIds {
  /** Adds the id unless present: true when it was new. Call inside the batch transaction. */
  addIfAbsent(id: string, time: number): boolean;
  has(id: string, time: number): boolean;
  /** Forgets ids older than the TTL allows at `streamTime`. Call inside the batch transaction. */
  expire(streamTime: number): number;
  count(): number;
}

/** Database names of one set in each layout. */
interface IdSetNames {
  perId: string;
  hashed: string;
}

const EVENT_IDS: IdSetNames = { perId: 'dedupe:events', hashed: 'dedupe:event-batches' };
const NOTIFICATION_IDS: IdSetNames = { perId: 'dedupe:notifications', hashed: 'dedupe:notification-batches' };
const NOTIFICATION_TTL_MS = 30 * 86_400_000;

function openIdSet(store: StateStore, layout: PushflowConfig['events']['dedupeIndex'], names: IdSetNames, ttlMs: number): SeenIds {
  // The hashed layout carries the per-id one over on its first opening; hashes cannot go back.
  return layout === 'memory' ? new HashedIdSet(store, names.hashed, ttlMs, names.perId) : new ExpiringIdSet(store, names.perId, ttlMs);
}

export function openEventDedupe(store: StateStore, events: PushflowConfig['events']): SeenIds {
  return openIdSet(store, events.dedupeIndex, EVENT_IDS, events.dedupeTtlHours * 3_600_000);
}

/** The ids of the notifications queued in the last 30 days of event time: none is queued twice. */
export function openIssuedNotificationIds(store: StateStore, events: PushflowConfig['events']): SeenIds {
  return openIdSet(store, events.dedupeIndex, NOTIFICATION_IDS, NOTIFICATION_TTL_MS);
}
