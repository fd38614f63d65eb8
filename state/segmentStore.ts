// The segment model (centroids and their weights, segment sizes, feature statistics, the ids of
// the reservoir sample, the mini-batch being gathered, category tallies) as one record of the
// `segments` database, written at the end of each batch that changed it. The sample's vectors
// are not in it: they are the users' profile vectors, read back after a restart (about 35 KB a
// batch instead of 190 KB). Users' current segments are kept
// in their profiles (state/profileStore.ts), written with the profile they were decided from.
// One instance per LMDB environment, so a rebuilt pipeline graph continues the same model.

import type { Database } from 'lmdb';
import { SegmentModel, type SegmentModelState, type SegmentSettings } from '../src/segments/segmentModel.js';
import type { StateStore } from './stateStore.js';

const DB = 'segments';
const MODEL_KEY = 'model';
const opened = new WeakMap<StateStore, SegmentStore>();

export class SegmentStore {
  static open(state: StateStore): SegmentStore {
    let store = opened.get(state);
    if (store === undefined) opened.set(state, (store = new SegmentStore(state)));
    return store;
  }

  private readonly db: Database<SegmentModelState, string>;
  private model: SegmentModel | undefined;

  private constructor(state: StateStore) {
    this.db = state.database<string, SegmentModelState>(DB);
  }

  /** The stored model as plain data (for inspection), undefined before the first commit. */
  stored(): SegmentModelState | undefined {
    return this.db.get(MODEL_KEY);
  }

  /** The live model: restored from the last commit once, then kept in memory. */
  live(settings: SegmentSettings, features: readonly string[]): SegmentModel {
    this.model ??= SegmentModel.restore(this.stored(), settings, features);
    return this.model;
  }

  /** Writes the live model. Call inside the batch transaction. */
  save(): void {
    if (this.model !== undefined) this.db.putSync(MODEL_KEY, this.model.toState());
  }
}
