// Open addressing over 64-bit hashes kept as pairs of 32-bit halves in one Uint32Array (slot i is
// pairs[2i], pairs[2i+1]; (0, 0) marks an empty slot), with linear probing: what HashSet64 and
// HashMap64 share.

/** The slot holding (high, low), or `~slot` (negative) of the empty slot where it would go. */
export function probe(pairs: Uint32Array, mask: number, high: number, low: number): number {
  for (let slot = high & mask; ; slot = (slot + 1) & mask) {
    const h = pairs[slot * 2];
    const l = pairs[slot * 2 + 1];
    if (h === 0 && l === 0) return ~slot;
    if (h === high && l === low) return slot;
  }
}

/** The key as stored: unsigned halves, and (0, 0), the empty-slot mark, as (0, 1). */
export function storedLow(high: number, low: number): number {
  low >>>= 0;
  return high === 0 && low === 0 ? 1 : low;
}
