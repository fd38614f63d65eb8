// The segment model (centroids and their weights, segment sizes, feature statistics, the ids of
// the reservoir sample, the mini-batch being gathered, category tallies) in the `segments`
// database, written at the end of each batch that changed it, in two records: the whole model
// whenever a seeding or mini-batch update changed its core, and at every batch the part that
// changes between updates (sizes, sample ids, pending users, random state; a few KB instead of
// 35). The sample's vectors are in neither: they are the users' profile vectors, read back after
// a restart. Users' current segments are kept in their profiles (state/profileStore.ts), written
// with the profile they were decided from.
// One instance per LMDB environment, so a rebuilt pipeline graph continues the same model.

import type { Database } from 'lmdb';
import { SegmentModel, type SegmentModelState, type SegmentSettings, type SegmentStreamState } from '../src/segments/segmentModel.js';
import type { StateStore, WriteBehind } from './stateStore.js';

const DB = 'segments';
const MODEL_KEY = 'model';
/** Newer than the model record's own copy of these fields whenever both exist. */
const STREAM_KEY = 'model-stream';
const opened = new WeakMap<StateStore, SegmentStore>();

export class SegmentStore implements WriteBehind {
  static open(state: StateStore): SegmentStore {
    let store = opened.get(state);
    if (store === undefined) opened.set(state, (store = new SegmentStore(state)));
    return store;
  }

  private readonly db: Database<OnDisk<SegmentModelState> | OnDisk<SegmentStreamState>, string>;
  private model: SegmentModel | undefined;
  /** The model's core revision in the model record (undefined: not written by this process yet). */
  private savedCore: number | undefined;

  private constructor(private readonly state: StateStore) {
    this.db = state.database<string, OnDisk<SegmentModelState> | OnDisk<SegmentStreamState>>(DB);
  }

  /** The stored model as plain data (for inspection), undefined before the first commit. */
  stored(): SegmentModelState | undefined {
    const model = this.db.get(MODEL_KEY) as OnDisk<SegmentModelState> | undefined;
    if (model === undefined) return undefined;
    const stream = this.db.get(STREAM_KEY) as OnDisk<SegmentStreamState> | undefined;
    return fromDisk(stream === undefined ? model : { ...model, ...stream });
  }

  /** The live model: restored from the last commit once, then kept in memory. */
  live(settings: SegmentSettings, features: readonly string[]): SegmentModel {
    this.model ??= SegmentModel.restore(this.stored(), settings, features);
    return this.model;
  }

  /** Writes the live model: its core only when it changed. Call inside the batch transaction. */
  save(): void {
    const model = this.model;
    if (model === undefined) return;
    this.state.writeBehind(this);
    if (this.savedCore !== model.coreRevision) {
      this.db.putSync(MODEL_KEY, this.toDisk(model.toState()));
      this.savedCore = model.coreRevision;
    }
    this.db.putSync(STREAM_KEY, this.toDisk(model.streamState()));
  }

  /** The sample's ids change only when an offer is taken, and every offer counts in `seen`. */
  private sampleIds: { seen: number; json: string } | undefined;

  private toDisk<T extends SegmentStreamState & Partial<SegmentModelState>>(state: T): OnDisk<T> {
    const { reservoir } = state;
    if (this.sampleIds?.seen !== reservoir.seen) this.sampleIds = { seen: reservoir.seen, json: JSON.stringify(reservoir.userIds) };
    return toDisk(state, this.sampleIds.json);
  }

  /** Written by `save` as it goes. */
  flush(): void {}

  /** The transaction failed: the model record may not hold the core any more, so the next save writes it. */
  rollback(): void {
    this.savedCore = undefined;
  }
}

// How the records lay out the two big parts: the sample's 1,000 user ids as one JSON string, and
// the hour patterns (k rows of 168) as the bytes of one Float64Array. msgpack took 0.5 ms for the
// ids as an array of strings and 0.3 ms for the patterns as arrays of numbers, at every batch
// that touched a profile; as one string and one buffer, 0.1 ms together. Records written the
// plain way before still read.

type OnDisk<T> = Omit<T, 'reservoir' | 'hourPatterns'> & {
  reservoir?: { seen: number; userIds: string[] | string; vectors?: number[][] };
  hourPatterns?: number[][] | Uint8Array;
};

/** `userIdsJson`: the sample's ids as JSON, serialized by the caller only when they changed. */
function toDisk<T extends SegmentStreamState & Partial<SegmentModelState>>(state: T, userIdsJson: string): OnDisk<T> {
  const disk: OnDisk<T> = { ...state } as OnDisk<T>;
  disk.reservoir = { ...state.reservoir, userIds: userIdsJson };
  if (state.hourPatterns !== undefined) {
    const rows = state.hourPatterns;
    const width = rows[0]?.length ?? 0;
    const flat = new Float64Array(rows.length * width);
    rows.forEach((row, j) => flat.set(row, j * width));
    disk.hourPatterns = new Uint8Array(flat.buffer);
  }
  return disk;
}

function fromDisk(disk: OnDisk<SegmentModelState>): SegmentModelState {
  const state = { ...disk } as unknown as SegmentModelState;
  const userIds = disk.reservoir?.userIds;
  if (typeof userIds === 'string') state.reservoir = { ...disk.reservoir!, userIds: JSON.parse(userIds) as string[] };
  const patterns = disk.hourPatterns;
  if (patterns instanceof Uint8Array) {
    const flat = new Float64Array(patterns.buffer.slice(patterns.byteOffset, patterns.byteOffset + patterns.byteLength));
    const k = disk.k;
    const width = k > 0 ? flat.length / k : 0;
    state.hourPatterns = Array.from({ length: k }, (_, j) => Array.from(flat.subarray(j * width, (j + 1) * width)));
  }
  return state;
}
