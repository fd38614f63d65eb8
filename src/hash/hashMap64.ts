// A map from 64-bit hashes to 32-bit numbers in typed arrays (open addressing, linear probing),
// for indexes of millions of ids where a JS Map of strings would cost 100+ bytes an entry.
// 24-48 bytes an entry at its load factor. No deletion: its owner rebuilds it when too many of
// its entries point at nothing any more.

import { probe, storedLow } from './hashPairs.js';

const INITIAL_SLOTS = 1024;

export class HashMap64 {
  /** Slot i holds the key (pairs[2i], pairs[2i+1]) and its value values[i]; key (0, 0) marks an empty slot. */
  private pairs = new Uint32Array(INITIAL_SLOTS * 2);
  private values = new Uint32Array(INITIAL_SLOTS);
  private mask = INITIAL_SLOTS - 1;
  private entries = 0;

  get size(): number {
    return this.entries;
  }

  get(high: number, low: number): number | undefined {
    high >>>= 0;
    const slot = probe(this.pairs, this.mask, high, storedLow(high, low));
    return slot >= 0 ? this.values[slot] : undefined;
  }

  /** Sets the key's value (a later set replaces it). */
  set(high: number, low: number, value: number): void {
    high >>>= 0;
    low = storedLow(high, low);
    // Grow at half full: linear probing stays short.
    if ((this.entries + 1) * 2 > this.mask + 1) this.grow();
    if (place(this.pairs, this.values, this.mask, high, low, value >>> 0)) this.entries++;
  }

  private grow(): void {
    const oldPairs = this.pairs;
    const oldValues = this.values;
    const slots = (this.mask + 1) * 2;
    const pairs = new Uint32Array(slots * 2);
    const values = new Uint32Array(slots);
    const mask = slots - 1;
    for (let slot = 0; slot < oldValues.length; slot++) {
      if (oldPairs[slot * 2] !== 0 || oldPairs[slot * 2 + 1] !== 0) place(pairs, values, mask, oldPairs[slot * 2], oldPairs[slot * 2 + 1], oldValues[slot]);
    }
    this.pairs = pairs;
    this.values = values;
    this.mask = mask;
  }
}

/** Puts the entry in its slot; true when the key was new. */
function place(pairs: Uint32Array, values: Uint32Array, mask: number, high: number, low: number, value: number): boolean {
  const found = probe(pairs, mask, high, low);
  if (found >= 0) {
    values[found] = value;
    return false;
  }
  pairs[~found * 2] = high;
  pairs[~found * 2 + 1] = low;
  values[~found] = value;
  return true;
}
