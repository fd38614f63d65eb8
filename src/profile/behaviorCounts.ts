// Counts of a user's actions per behaviour type, as a window aggregate: a small array indexed
// like BEHAVIOR_TYPES, cheap to update in place and to store.

import { BEHAVIOR_TYPES, type BehaviorEvent, type BehaviorType } from '../events/types.js';
import type { WindowAggregate } from '../../operators/eventTimeWindow.js';
import type { NumericCodec } from '../../state/windowStore.js';

export type BehaviorCounts = number[];

export const BEHAVIOR_INDEX = Object.fromEntries(BEHAVIOR_TYPES.map((type, index) => [type, index])) as Record<BehaviorType, number>;

export const behaviorCounts: WindowAggregate<BehaviorEvent, BehaviorCounts> & { merge(a: BehaviorCounts, b: BehaviorCounts): BehaviorCounts } = {
  init: () => new Array<number>(BEHAVIOR_TYPES.length).fill(0),
  add(counts, event) {
    counts[BEHAVIOR_INDEX[event.type]]++;
    return counts;
  },
  merge: (a, b) => a.map((count, index) => count + (b[index] ?? 0)),
  copy: (counts) => counts.slice(),
};

/** How window stores keep these counts: as raw Float64 columns. */
export const behaviorCountsCodec: NumericCodec<BehaviorCounts> = {
  width: BEHAVIOR_TYPES.length,
  write(counts, into, at) {
    for (let i = 0; i < counts.length; i++) into[at + i] = counts[i];
  },
  read: (from, at) => Array.from(from.subarray(at, at + BEHAVIOR_TYPES.length)),
};

/** The non-zero counts by type name, for people and JSON. */
export function countsByType(counts: BehaviorCounts): Partial<Record<BehaviorType, number>> {
  const named: Partial<Record<BehaviorType, number>> = {};
  BEHAVIOR_TYPES.forEach((type, index) => {
    if (counts[index] > 0) named[type] = counts[index];
  });
  return named;
}

export function totalCount(counts: BehaviorCounts): number {
  let total = 0;
  for (const count of counts) total += count;
  return total;
}
