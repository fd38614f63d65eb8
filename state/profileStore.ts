// Users' profiles. The profile pipeline changes a profile on every event of its user, and a
// B-tree write per user per batch would cost as much as the rest of the pipeline, so profiles are
// kept the way a log-structured store keeps them:
// - in memory, where the pipelines read and update them;
// - in `profile-log`, one record per batch holding every profile changed in it (written inside
//   the batch's transaction, so a profile is exactly as durable as the events that made it);
// - in `profiles`, one record per user, written at checkpoints: once the log holds
//   `checkpointEntries` versions (or more unsaved profiles than the cache holds), the latest
//   version of each logged profile is written there and the log is emptied. A user active in
//   several batches between checkpoints is written once.
// Opening the store replays the log over `profiles`. One instance per LMDB environment, so the
// segments pipeline reads the profile the profile pipeline just updated.

import type { Database } from 'lmdb';
import { DAY_PARTS, type UserProfile } from '../src/profile/userProfile.js';
import type { StateStore } from './stateStore.js';
import { copyOf, joinStrings, splitStrings } from './packedColumns.js';

export interface ProfileStoreOptions {
  /** Profiles kept in memory; only checkpointed ones are ever evicted. */
  cacheSize: number;
  /** Profile versions the log holds before a checkpoint writes them to their own records. */
  checkpointEntries: number;
}

/**
 * Profiles as stored: every number of each profile in one Float64Array, every string in one
 * array (msgpack pays per object, so flat arrays encode several times faster than the nested
 * profile). `lengths[i]` is the count of numbers of profile i; its strings follow from its numbers.
 */
interface StoredProfiles {
  lengths: Uint8Array;
  numbers: Uint8Array;
  /** Every string, concatenated (one string packs far faster than thousands)... */
  strings: string;
  /** ...and their lengths, Uint32. */
  stringLengths: Uint8Array;
}

export type FlushListener = () => void;

const DEFAULTS: ProfileStoreOptions = { cacheSize: 100_000, checkpointEntries: 100_000 };
const opened = new WeakMap<StateStore, ProfileStore>();

export class ProfileStore {
  /** The environment's profile store; the options are its first opener's. */
  static open(state: StateStore, options: Partial<ProfileStoreOptions> = {}): ProfileStore {
    let store = opened.get(state);
    if (store === undefined) opened.set(state, (store = new ProfileStore(state, { ...DEFAULTS, ...options })));
    return store;
  }

  private readonly saved: Database<StoredProfiles, string>;
  private readonly log: Database<StoredProfiles, number>;
  /** Profiles in memory, oldest first (Map order: eviction takes the profiles cached longest). */
  private readonly cache = new Map<string, UserProfile>();
  /** Changed in the current batch. */
  private readonly dirty = new Set<string>();
  private readonly flushListeners = new Set<FlushListener>();
  /** Profiles in their own records (0: a lookup that misses the cache need not read LMDB). */
  private savedCount: number;
  /** In the log, not yet in their own records (never evicted). */
  private readonly unsaved = new Set<string>();
  private nextSeq = 0;
  private logged = 0;

  private constructor(
    state: StateStore,
    private readonly options: ProfileStoreOptions,
  ) {
    this.saved = state.database<string, StoredProfiles>('profiles');
    this.log = state.database<number, StoredProfiles>('profile-log');
    this.savedCount = this.saved.getCount();
    for (const { key, value } of this.log.getRange()) {
      for (const profile of decode(value)) {
        this.cache.delete(profile.userId);
        this.cache.set(profile.userId, profile);
        this.unsaved.add(profile.userId);
        this.logged++;
      }
      this.nextSeq = key + 1;
    }
  }

  get(userId: string): UserProfile | undefined {
    const cached = this.cache.get(userId);
    if (cached !== undefined || this.savedCount === 0) return cached;
    const stored = this.saved.get(userId);
    if (stored === undefined) return undefined;
    const [profile] = decode(stored);
    this.cache.set(userId, profile);
    return profile;
  }

  /** Records that the profile changed (usually the object `get` returned, updated in place). */
  changed(profile: UserProfile): void {
    if (!this.cache.has(profile.userId)) this.cache.set(profile.userId, profile);
    this.dirty.add(profile.userId);
  }

  /**
   * Calls `listener` at each flush that writes profiles, before they are written: what it
   * changes in a profile (a segment) is written with it. Returns the function that removes it.
   */
  onFlush(listener: FlushListener): () => void {
    this.flushListeners.add(listener);
    return () => this.flushListeners.delete(listener);
  }

  /** Logs the profiles changed since the last flush, checkpointing when due. Call inside the batch transaction. */
  flush(): void {
    if (this.dirty.size === 0) return;
    for (const listener of this.flushListeners) listener();
    this.log.putSync(this.nextSeq++, encode([...this.dirty].map((userId) => this.cache.get(userId)!)));
    this.logged += this.dirty.size;
    for (const userId of this.dirty) this.unsaved.add(userId);
    this.dirty.clear();
    if (this.logged >= this.options.checkpointEntries || this.unsaved.size > this.options.cacheSize) this.checkpoint();
    this.evict();
  }

  /** Writes every logged profile to its own record and empties the log. Call inside a transaction. */
  checkpoint(): void {
    for (const userId of this.unsaved) this.saved.putSync(userId, encode([this.cache.get(userId)!]));
    this.savedCount = this.saved.getCount();
    for (const seq of [...this.log.getKeys()]) this.log.removeSync(seq);
    this.unsaved.clear();
    this.logged = 0;
  }

  /** Every profile, latest version (for inspection and benchmarks; profiles in their own record first, in id order). */
  *all(): IterableIterator<UserProfile> {
    for (const { key, value } of this.saved.getRange()) {
      if (!this.cache.has(key)) yield decode(value)[0];
    }
    yield* this.cache.values();
  }

  /** Profile versions waiting in the log. */
  get logSize(): number {
    return this.logged;
  }

  private evict(): void {
    if (this.cache.size <= this.options.cacheSize) return;
    for (const userId of this.cache.keys()) {
      if (!this.unsaved.has(userId)) this.cache.delete(userId);
      if (this.cache.size <= this.options.cacheSize) break;
    }
  }
}

/**
 * Layout of one profile's numbers: header (counts width, string count, then the scalars), the
 * counts and day parts, then each list as its length followed by its items. Plain loops into one
 * growing array: this runs for every changed profile of every batch.
 */
function encode(profiles: UserProfile[]): StoredProfiles {
  const out = new NumberWriter();
  const strings: string[] = [];
  const lengths = new Uint32Array(profiles.length);
  for (let i = 0; i < profiles.length; i++) {
    const profile = profiles[i];
    const from = out.length;
    const firstString = strings.length;
    strings.push(profile.userId, profile.timeZone ?? '');
    for (const entry of profile.affinity) strings.push(entry.categoryId);
    for (const itemId of profile.carted) strings.push(itemId);
    out.push(profile.counts.length);
    out.push(strings.length - firstString);
    out.push(profile.firstSeen);
    out.push(profile.lastSeen);
    out.push(profile.activeDays);
    out.push(profile.firstActiveDay);
    out.push(profile.lastActiveDay);
    out.push(profile.recentDays);
    out.push(profile.visits);
    out.push(profile.lastPurchaseAt ?? NaN);
    out.push(profile.cartsConverted);
    out.push(profile.segment ?? NaN);
    for (const count of profile.counts) out.push(count);
    for (const count of profile.dayParts) out.push(count);
    out.push(profile.affinity.length);
    for (const entry of profile.affinity) {
      out.push(entry.score);
      out.push(entry.at);
    }
    out.push(profile.carted.length);
    out.push(profile.purchases.length);
    for (const [time, amount] of profile.purchases) {
      out.push(time);
      out.push(amount ?? NaN);
    }
    out.push(profile.hourOfWeek.length);
    for (const n of profile.hourOfWeek) out.push(n);
    out.push(profile.visitDays.length);
    for (const n of profile.visitDays) out.push(n);
    lengths[i] = out.length - from;
  }
  const { keys, keyLengths } = joinStrings(strings);
  return { lengths: new Uint8Array(lengths.buffer), numbers: out.bytes(), strings: keys, stringLengths: keyLengths };
}

/** An append-only Float64Array that doubles when full. */
class NumberWriter {
  private array = new Float64Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.array.length) {
      const grown = new Float64Array(this.array.length * 2);
      grown.set(this.array);
      this.array = grown;
    }
    this.array[this.length++] = value;
  }

  set(at: number, value: number): void {
    this.array[at] = value;
  }

  bytes(): Uint8Array {
    return new Uint8Array(this.array.buffer, 0, this.length * 8);
  }
}

function decode(stored: StoredProfiles): UserProfile[] {
  const lengths = new Uint32Array(copyOf(stored.lengths));
  const n = new Float64Array(copyOf(stored.numbers));
  const s = splitStrings(stored.strings, stored.stringLengths);
  const profiles: UserProfile[] = [];
  let at = 0;
  let text = 0;
  const next = () => n[at++];
  const optional = (value: number) => (Number.isNaN(value) ? undefined : value);
  for (let i = 0; i < lengths.length; i++) {
    const width = next();
    const stringCount = next();
    const userId = s[text];
    const timeZone = s[text + 1];
    let name = text + 2;
    text += stringCount;
    const firstSeen = next();
    const lastSeen = next();
    const activeDays = next();
    const firstActiveDay = next();
    const lastActiveDay = next();
    const recentDays = next();
    const visits = next();
    const lastPurchaseAt = optional(next());
    const cartsConverted = next();
    const segment = optional(next());
    const counts = Array.from(n.subarray(at, (at += width)));
    const dayParts = Array.from(n.subarray(at, (at += DAY_PARTS)));
    // The fields in newProfile's order: one shape for every profile.
    const profile: UserProfile = {
      userId,
      timeZone: timeZone === '' ? undefined : timeZone,
      firstSeen,
      lastSeen,
      counts,
      activeDays,
      firstActiveDay,
      lastActiveDay,
      recentDays,
      visits,
      visitDays: [],
      purchases: [],
      affinity: [],
      hourOfWeek: [],
      dayParts,
      lastPurchaseAt,
      carted: [],
      cartsConverted,
      segment,
    };
    for (let k = next(); k > 0; k--) profile.affinity.push({ categoryId: s[name++], score: next(), at: next() });
    for (let k = next(); k > 0; k--) profile.carted.push(s[name++]);
    for (let k = next(); k > 0; k--) {
      const time = next();
      profile.purchases.push([time, optional(next()) ?? null]);
    }
    for (let k = next(); k > 0; k--) profile.hourOfWeek.push(next());
    for (let k = next(); k > 0; k--) profile.visitDays.push(next());
    profiles.push(profile);
  }
  return profiles;
}
