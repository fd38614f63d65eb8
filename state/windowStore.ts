// The windows of one windowed operator. They live in memory, where every event updates them,
// and become durable as a changelog in LMDB: at the end of each batch (inside its transaction)
// the windows that changed are appended as one record, column by column. A batch thus costs one
// put per window operator instead of one per window touched, which is what keeps per-user
// windows affordable on the hot path; a restart replays the log. When the log holds more than
// twice as many entries as there are live windows, it is rewritten from the live ones, so its
// size stays proportional to the state.
//
// Databases: `windows:<name>` (sequence → changed windows) and `window-meta` (name → watermark,
// late-event count and log bookkeeping), both owned by this module. A window is identified by
// its key and start; each key's windows are kept in start order.

import type { Database } from 'lmdb';
import type { StateStore } from './stateStore.js';
import { copyOf, joinStrings, splitStrings } from './packedColumns.js';

/** One window's state: whose it is, the event-time span it covers, and its aggregate. */
export interface WindowState<A> {
  key: string;
  /** Inclusive start, epoch ms. */
  start: number;
  /** Exclusive end, epoch ms. */
  end: number;
  value: A;
  /** Whether the window was emitted; a closed window is kept for queries and to recognise late events. */
  closed: boolean;
}

interface Removal {
  key: string;
  start: number;
  removed: true;
}

/**
 * How a store keeps aggregates that are fixed-width lists of numbers (counts per type...): as
 * raw Float64 columns, which cost a copy to encode, where msgpack would walk every number.
 */
export interface NumericCodec<A> {
  width: number;
  write(value: A, into: Float64Array, at: number): void;
  read(from: Float64Array, at: number): A;
}

/**
 * Changed windows, one column per field: msgpack pays per object and per number, so binary
 * columns of numbers and the keys joined into one string encode many times faster than one
 * object per window.
 */
interface ChangeRecord<A> {
  /** The windows' keys, concatenated (one string packs far faster than thousands)... */
  keys: string;
  /** ...and their lengths, Uint32. */
  keyLengths: Uint8Array;
  /** Float64 starts and ends, one per key. */
  starts: Uint8Array;
  ends: Uint8Array;
  /** Per window: OPEN, CLOSED or REMOVED. */
  states: Uint8Array;
  /** The aggregates: `width` Float64 each with a codec, else as they are (null for a removal). */
  values: Uint8Array | (A | null)[];
  width?: number;
}

const OPEN = 0;
const CLOSED = 1;
const REMOVED = 2;

interface WindowMeta {
  /** The watermark the operator had processed when the batch committed. */
  watermark: number;
  lateEvents: number;
  nextSeq: number;
  /** Entries across all change records: what compaction compares with the live count. */
  logged: number;
}

/** Compaction waits until the log is this much bigger than twice the live state. */
const COMPACTION_SLACK = 10_000;
/** Live windows per record when compaction rewrites the log. */
const SNAPSHOT_CHUNK = 8_192;

const META_DB = 'window-meta';
const opened = new WeakMap<StateStore, Map<string, WindowStore<unknown>>>();
const NONE: readonly never[] = [];

export class WindowStore<A> {
  /**
   * The store named `name` in `state`, one instance per environment: a pipeline graph rebuilt
   * after a failure finds the windows its predecessor changed in the batch still in memory.
   */
  static open<A>(state: StateStore, name: string, codec?: NumericCodec<A>): WindowStore<A> {
    let stores = opened.get(state);
    if (stores === undefined) opened.set(state, (stores = new Map()));
    let store = stores.get(name);
    if (store === undefined) stores.set(name, (store = new WindowStore<A>(state, name, codec) as WindowStore<unknown>));
    return store as WindowStore<A>;
  }

  /** Names of the window stores a data directory holds (for inspection). */
  static names(state: StateStore): string[] {
    return [...state.database<string, WindowMeta>(META_DB).getKeys()].map(String);
  }

  private readonly log: Database<ChangeRecord<A>, number>;
  private readonly metaDb: Database<WindowMeta, string>;
  /** Each key's windows, by start (a key rarely has more than a few). */
  private readonly byKey = new Map<string, WindowState<A>[]>();
  /** Windows changed since the last flush, in order; a removal as its key and start. */
  private readonly changed = new Set<WindowState<A> | Removal>();
  private count = 0;
  private readonly meta: WindowMeta;
  private metaChanged = false;

  private constructor(
    state: StateStore,
    readonly name: string,
    private readonly codec?: NumericCodec<A>,
  ) {
    this.log = state.database<number, ChangeRecord<A>>(`windows:${name}`);
    this.metaDb = state.database<string, WindowMeta>(META_DB);
    this.meta = { watermark: -Infinity, lateEvents: 0, nextSeq: 0, logged: 0, ...this.metaDb.get(name) };
    for (const { value: record } of this.log.getRange()) this.replay(record);
  }

  /** The key's windows in start order (do not modify the array). */
  windowsOf(key: string): readonly WindowState<A>[] {
    return this.byKey.get(key) ?? NONE;
  }

  get(key: string, start: number): WindowState<A> | undefined {
    const windows = this.byKey.get(key);
    if (windows === undefined) return undefined;
    // Newest first: events mostly touch a key's latest window.
    for (let i = windows.length - 1; i >= 0; i--) if (windows[i].start === start) return windows[i];
    return undefined;
  }

  /** Adds the window (replacing the key's window of the same start, if any). */
  set(window: WindowState<A>): void {
    this.place(window);
    this.changed.add(window);
  }

  /** Records that a window of the store was updated in place (cheaper than `set`: no lookup). */
  touch(window: WindowState<A>): void {
    this.changed.add(window);
  }

  delete(key: string, start: number): void {
    const removed = this.remove(key, start);
    if (removed === undefined) return;
    this.changed.delete(removed);
    this.changed.add({ key, start, removed: true });
  }

  *values(): IterableIterator<WindowState<A>> {
    for (const windows of this.byKey.values()) yield* windows;
  }

  get size(): number {
    return this.count;
  }

  /** Event time up to which the operator has closed its windows, as of the last commit or later. */
  get watermark(): number {
    return this.meta.watermark;
  }

  set watermark(watermark: number) {
    if (watermark === this.meta.watermark) return;
    this.meta.watermark = watermark;
    this.metaChanged = true;
  }

  /** Events that arrived after their window closed, over the store's life. */
  get lateEvents(): number {
    return this.meta.lateEvents;
  }

  countLateEvent(): void {
    this.meta.lateEvents++;
    this.metaChanged = true;
  }

  /** Writes what changed since the last flush as one log record. Call inside the batch transaction. */
  flush(): void {
    if (this.changed.size > 0) {
      this.log.putSync(this.meta.nextSeq++, this.toRecord([...this.changed]));
      this.meta.logged += this.changed.size;
      this.changed.clear();
      this.metaChanged = true;
      if (this.meta.logged > 2 * this.count + COMPACTION_SLACK) this.compact();
    }
    if (this.metaChanged) {
      this.metaDb.putSync(this.name, this.meta);
      this.metaChanged = false;
    }
  }

  /** Records in the log (for tests of compaction). */
  logRecords(): number {
    return this.log.getCount();
  }

  private place(window: WindowState<A>): void {
    const windows = this.byKey.get(window.key);
    if (windows === undefined) {
      this.byKey.set(window.key, [window]);
      this.count++;
      return;
    }
    let at = windows.length;
    while (at > 0 && windows[at - 1].start > window.start) at--;
    if (at > 0 && windows[at - 1].start === window.start) {
      windows[at - 1] = window;
      return;
    }
    windows.splice(at, 0, window);
    this.count++;
  }

  private remove(key: string, start: number): WindowState<A> | undefined {
    const windows = this.byKey.get(key);
    const at = windows?.findIndex((window) => window.start === start) ?? -1;
    if (at < 0) return undefined;
    const [removed] = windows!.splice(at, 1);
    if (windows!.length === 0) this.byKey.delete(key);
    this.count--;
    return removed;
  }

  /** Replaces the log by the live windows alone. */
  private compact(): void {
    for (const seq of [...this.log.getKeys()]) this.log.removeSync(seq);
    const windows = [...this.values()];
    for (let from = 0; from < windows.length; from += SNAPSHOT_CHUNK) {
      this.log.putSync(this.meta.nextSeq++, this.toRecord(windows.slice(from, from + SNAPSHOT_CHUNK)));
    }
    this.meta.logged = this.count;
  }

  private toRecord(windows: (WindowState<A> | Removal)[]): ChangeRecord<A> {
    const count = windows.length;
    const starts = new Float64Array(count);
    const ends = new Float64Array(count);
    const states = new Uint8Array(count);
    const codec = this.codec;
    const numbers = codec ? new Float64Array(count * codec.width) : undefined;
    const values: (A | null)[] = [];
    const keys = new Array<string>(count);
    for (let i = 0; i < count; i++) {
      const window = windows[i];
      keys[i] = window.key;
      starts[i] = window.start;
      if ('removed' in window) {
        states[i] = REMOVED;
        if (numbers === undefined) values.push(null);
        continue;
      }
      ends[i] = window.end;
      states[i] = window.closed ? CLOSED : OPEN;
      if (numbers !== undefined) codec!.write(window.value, numbers, i * codec!.width);
      else values.push(window.value);
    }
    return {
      ...joinStrings(keys),
      starts: new Uint8Array(starts.buffer),
      ends: new Uint8Array(ends.buffer),
      states,
      values: numbers === undefined ? values : new Uint8Array(numbers.buffer),
      ...(codec ? { width: codec.width } : {}),
    };
  }

  private replay(record: ChangeRecord<A>): void {
    const starts = new Float64Array(copyOf(record.starts));
    const ends = new Float64Array(copyOf(record.ends));
    const numbers = record.values instanceof Uint8Array ? new Float64Array(copyOf(record.values)) : undefined;
    const width = record.width ?? 0;
    // A reader without the codec (inspection of any store) gets the numbers as plain arrays.
    const read = this.codec ? (at: number) => this.codec!.read(numbers!, at) : (at: number) => Array.from(numbers!.subarray(at, at + width)) as A;
    splitStrings(record.keys, record.keyLengths).forEach((key, i) => {
      const start = starts[i];
      const state = record.states[i];
      if (state === REMOVED) return void this.remove(key, start);
      const value = numbers !== undefined ? read(i * width) : ((record.values as (A | null)[])[i] as A);
      this.place({ key, start, end: ends[i], value, closed: state === CLOSED });
    });
  }
}
