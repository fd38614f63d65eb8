// Which users showed interest in an item lately (favourited it, carted it, or viewed it
// repeatedly), and at what price: the user side of the price-drop and back-in-stock joins, and
// the source of the "popular now" fallback. Keys are `<generation>|<item>|<user>` with
// generation = event time / TTL, so one item's users are one short range per generation and
// expiry drops whole generations; an entry lives between one and two TTLs past its time.
// Most catalog changes concern items nobody is interested in: a small in-memory filter of the
// items with entries (shared per environment, rebuilt from the index at start) answers those
// without a read.

import type { Database } from 'lmdb';
import { Generations } from './generations.js';
import type { StateStore } from './stateStore.js';

export type InterestSignal = 'view' | 'favorite' | 'cart';

export interface Interest {
  userId: string;
  itemId: string;
  signal: InterestSignal;
  /** Event time of the signal. */
  at: number;
  /** The price the user saw then (the baseline a price drop is measured against). */
  price?: number;
}

interface StoredInterest {
  s: InterestSignal;
  at: number;
  p?: number;
}

const SEPARATOR = '\x1f';
/** The character after the separator: the exclusive end of a prefix range. */
const AFTER_SEPARATOR = '\x20';
const generationText = (generation: number) => generation.toString(36).padStart(9, '0');

const shared = new WeakMap<StateStore, ItemInterest>();

export class ItemInterest {
  /** The environment's interest index (one per environment, so its item filter is shared). */
  static of(store: StateStore, ttlMs: number): ItemInterest {
    let index = shared.get(store);
    if (index === undefined) shared.set(store, (index = new ItemInterest(store, ttlMs)));
    return index;
  }

  private readonly db: Database<StoredInterest, string>;
  private readonly generations: Generations;
  private readonly items = new ItemFilter();

  private constructor(
    store: StateStore,
    private readonly ttlMs: number,
  ) {
    this.db = store.database<string, StoredInterest>('interest:item-users');
    this.generations = new Generations(ttlMs);
    for (const key of this.db.getKeys()) {
      const start = key.indexOf(SEPARATOR) + 1;
      this.items.add(key.slice(start, key.indexOf(SEPARATOR, start)));
    }
  }

  /** False when no user has shown interest in the item (no read); true when some may have. */
  mayHaveInterest(itemId: string): boolean {
    return this.items.mayContain(itemId);
  }

  private generation(time: number): number {
    return this.generations.of(time);
  }


  private key(generation: number, itemId: string, userId: string): string {
    return generationText(generation) + SEPARATOR + itemId + SEPARATOR + userId;
  }

  /** Records (or refreshes) a user's interest in an item. Call inside the batch transaction. */
  add(userId: string, itemId: string, signal: InterestSignal, time: number, price?: number): void {
    const value: StoredInterest = { s: signal, at: time };
    if (price !== undefined) value.p = price;
    this.db.putSync(this.key(this.generation(time), itemId, userId), value);
    this.items.add(itemId);
    this.expire(time);
  }

  /** Forgets the interest (the user bought the item). */
  remove(userId: string, itemId: string, time: number): void {
    const generation = this.generation(time);
    this.db.removeSync(this.key(generation, itemId, userId));
    this.db.removeSync(this.key(generation - 1, itemId, userId));
  }

  /** Moves the price baseline after a notified drop, so only a further drop notifies again. */
  rebase(interest: Interest, price: number): void {
    const value: StoredInterest = { s: interest.signal, at: interest.at, p: price };
    this.db.putSync(this.key(this.generation(interest.at), interest.itemId, interest.userId), value);
  }

  /** Users interested in the item within the TTL before `time`, latest signal per user. */
  interestedIn(itemId: string, time: number): Interest[] {
    if (!this.items.mayContain(itemId)) return [];
    const byUser = new Map<string, Interest>();
    const current = this.generation(time);
    for (const generation of [current - 1, current]) {
      const prefix = generationText(generation) + SEPARATOR + itemId + SEPARATOR;
      const end = generationText(generation) + SEPARATOR + itemId + AFTER_SEPARATOR;
      for (const { key, value } of this.db.getRange({ start: prefix, end })) {
        if (value.at < time - this.ttlMs || value.at > time) continue;
        const userId = key.slice(prefix.length);
        const known = byUser.get(userId);
        if (known !== undefined && known.at >= value.at) continue;
        const interest: Interest = { userId, itemId, signal: value.s, at: value.at };
        if (value.p !== undefined) interest.price = value.p;
        byUser.set(userId, interest);
      }
    }
    return [...byUser.values()];
  }

  /**
   * The items the most users showed interest in within `withinMs` before `time`, most first:
   * a recommendation fallback that needs no model. Scans the live generations; call rarely.
   */
  popular(time: number, k: number, withinMs = this.ttlMs): { itemId: string; users: number }[] {
    const since = time - Math.min(withinMs, this.ttlMs);
    const counts = new Map<string, number>();
    const current = this.generation(time);
    for (const generation of [current - 1, current]) {
      const prefix = generationText(generation) + SEPARATOR;
      for (const { key, value } of this.db.getRange({ start: prefix, end: generationText(generation) + AFTER_SEPARATOR })) {
        if (value.at < since || value.at > time) continue;
        const itemId = key.slice(prefix.length, key.indexOf(SEPARATOR, prefix.length));
        counts.set(itemId, (counts.get(itemId) ?? 0) + 1);
      }
    }
    return [...counts]
      .map(([itemId, users]) => ({ itemId, users }))
      .sort((a, b) => b.users - a.users || (a.itemId < b.itemId ? -1 : 1))
      .slice(0, k);
  }

  /** Forgets generations older than the one before `time`'s; cheap unless the boundary moved. */
  expire(time: number): number {
    return this.generations.expire(time, generationText, this.db);
  }


  count(): number {
    return this.db.getCount();
  }
}

/**
 * A Bloom filter of item ids (2 hashes over 2^22 bits, 512 KiB): "no" is certain, "maybe" costs
 * one index read. Items are never removed; the filter is rebuilt from the live index at start.
 */
class ItemFilter {
  private readonly bits = new Uint32Array(1 << 17);

  add(itemId: string): void {
    const [a, b] = itemHashes(itemId);
    this.bits[a >>> 5] |= 1 << (a & 31);
    this.bits[b >>> 5] |= 1 << (b & 31);
  }

  mayContain(itemId: string): boolean {
    const [a, b] = itemHashes(itemId);
    return (this.bits[a >>> 5] & (1 << (a & 31))) !== 0 && (this.bits[b >>> 5] & (1 << (b & 31))) !== 0;
  }
}

const hashes: [number, number] = [0, 0];
const FILTER_MASK = (1 << 22) - 1;

function itemHashes(itemId: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x9e3779b9;
  for (let i = 0; i < itemId.length; i++) {
    const c = itemId.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  hashes[0] = (a ^ (a >>> 16)) & FILTER_MASK;
  hashes[1] = (b ^ (b >>> 13)) & FILTER_MASK;
  return hashes;
}
