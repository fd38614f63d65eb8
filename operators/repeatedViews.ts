import { Observable, type OperatorFunction } from 'rxjs';
import type { BehaviorEvent, BehaviorType } from '../src/events/types.js';

export interface RepeatedView {
  userId: string;
  itemId: string;
  categoryId?: string;
  /** Views of the item in this browsing episode, this one included (at least `minViews`). */
  views: number;
  /** Time of the episode's first view; with the user and the item it names the episode. */
  firstViewAt: number;
  /** The view that made the count. */
  event: BehaviorEvent;
}

export interface RepeatedViewsOptions {
  /** Views of one item that make it "viewed repeatedly". */
  minViews: number;
  /** An episode spans this long from its first view; a later view starts a new one. */
  withinMs: number;
  /** Behaviour types on the item that end its episode (e.g. `add_to_cart`: it left the browsing stage). */
  endOn?: readonly BehaviorType[];
  /** User-item pairs counted at once (rounded up to a power of two); the oldest episodes make room. Default 2^17. */
  capacity?: number;
}

/**
 * Emits a view once the user has viewed the same item `minViews` times within `withinMs`, and
 * again on every further view of that episode (consumers that want the crossing only keep
 * `views === minViews`).
 *
 * Counting stays in memory, in a fixed-size table, because views are most of the stream and a
 * durable write per view would cost more than the rest of the pipeline: a restart forgets views
 * that had not yet repeated, never what a consumer stored from them.
 *
 * @example
 * events$.pipe(ofBehavior('view', 'add_to_cart'), repeatedViews({ minViews: 3, withinMs: DAY_MS, endOn: ['add_to_cart'] }))
 * @see ViewCounts
 */
export function repeatedViews(options: RepeatedViewsOptions): OperatorFunction<BehaviorEvent, RepeatedView> {
  const endOn = new Set<string>(options.endOn ?? []);
  return (source) =>
    new Observable<RepeatedView>((subscriber) => {
      const counts = new ViewCounts(options.withinMs, options.capacity);
      return source.subscribe({
        next(event) {
          const itemId = event.itemId;
          if (itemId === undefined) return;
          if (event.type !== 'view') {
            if (endOn.has(event.type)) counts.forget(event.userId, itemId);
            return;
          }
          const views = counts.add(event.userId, itemId, event.time);
          if (views < options.minViews) return;
          const repeated: RepeatedView = { userId: event.userId, itemId, views, firstViewAt: counts.firstViewAt, event };
          if (event.categoryId !== undefined) repeated.categoryId = event.categoryId;
          subscriber.next(repeated);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
    });
}

/** Slots probed for a pair before the oldest of them is overwritten. */
const PROBES = 8;
/** Int32 fields per slot: check, count, first view (seconds since EPOCH_S), unused; 16 bytes, 4 slots a cache line. */
const STRIDE = 4;
const CHECK = 0;
const COUNT = 1;
const FIRST = 2;
/** 2020-01-01: seconds from it fit an Int32 from 1952 to 2088. */
const EPOCH_S = 1_577_836_800;

/**
 * View counts per user-item pair within an episode window: an open-addressing table in one
 * typed array, keyed by two independent 32-bit hashes of the pair (one places it, one checks
 * it), so counting allocates nothing and a probe touches one cache line. Two pairs sharing both
 * hashes (about one in 2^64) would share a count. First views are kept to the second.
 */
export class ViewCounts {
  private readonly mask: number;
  private readonly slots: Int32Array;
  private readonly withinSeconds: number;
  /** First view (epoch ms, whole seconds) of the episode the last `add` counted. */
  firstViewAt = 0;

  constructor(withinMs: number, capacity = 1 << 17) {
    const size = 2 ** Math.ceil(Math.log2(Math.max(PROBES, capacity)));
    this.mask = size - 1;
    this.slots = new Int32Array(size * STRIDE);
    this.withinSeconds = Math.floor(withinMs / 1000);
  }

  /** Counts a view at `time`; returns the views of the pair's episode so far, this one included. */
  add(userId: string, itemId: string, time: number): number {
    const { home, check } = hashPair(userId, itemId);
    const slots = this.slots;
    const seconds = Math.floor(time / 1000) - EPOCH_S;
    let slot = -1;
    let oldest = -1;
    for (let probe = 0; probe < PROBES; probe++) {
      const at = ((home + probe) & this.mask) * STRIDE;
      if (slots[at + CHECK] === check) {
        slot = at;
        break;
      }
      // Empty and forgotten slots have count 0 and go first; then the earliest first view.
      if (oldest < 0 || slots[at + COUNT] === 0 || (slots[oldest + COUNT] !== 0 && slots[at + FIRST] < slots[oldest + FIRST])) oldest = at;
    }
    if (slot >= 0 && Math.abs(seconds - slots[slot + FIRST]) <= this.withinSeconds) {
      if (slots[slot + COUNT] < 0x7fffffff) slots[slot + COUNT]++;
    } else {
      if (slot < 0) slot = oldest;
      slots[slot + CHECK] = check;
      slots[slot + FIRST] = seconds;
      slots[slot + COUNT] = 1;
    }
    this.firstViewAt = (slots[slot + FIRST] + EPOCH_S) * 1000;
    return slots[slot + COUNT];
  }

  /** Ends the pair's episode (the item was carted or bought). */
  forget(userId: string, itemId: string): void {
    const { home, check } = hashPair(userId, itemId);
    for (let probe = 0; probe < PROBES; probe++) {
      const at = ((home + probe) & this.mask) * STRIDE;
      if (this.slots[at + CHECK] === check) {
        this.slots[at + CHECK] = 0;
        this.slots[at + COUNT] = 0;
        return;
      }
    }
  }
}

const pair = { home: 0, check: 0 };

/** FNV-1a and a multiplicative hash over `user \x1f item`, in one pass; the check is never 0 (empty). */
function hashPair(userId: string, itemId: string): { home: number; check: number } {
  let a = 0x811c9dc5;
  let b = 0x9e3779b9;
  for (let i = 0; i < userId.length; i++) {
    const c = userId.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b + c, 0x85ebca6b) ^ (b >>> 13);
  }
  a = Math.imul(a ^ 0x1f, 0x01000193);
  b = Math.imul(b + 0x1f, 0x85ebca6b) ^ (b >>> 13);
  for (let i = 0; i < itemId.length; i++) {
    const c = itemId.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b + c, 0x85ebca6b) ^ (b >>> 13);
  }
  b = Math.imul(b ^ (b >>> 16), 0xc2b2ae35);
  pair.home = a >>> 0;
  pair.check = b ^ (b >>> 16) || 1;
  return pair;
}
