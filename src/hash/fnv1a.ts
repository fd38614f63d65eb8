// FNV-1a over a string's UTF-16 code units: a stable, well-spread 32-bit hash for assignment,
// bucketing and Bloom filters (not for anything an adversary chooses: it is not keyed).

const OFFSET_BASIS = 0x811c9dc5;
const PRIME = 0x01000193;

/** The 32-bit FNV-1a hash of `text`, unsigned; `seed` replaces the offset basis for a second, independent hash. */
export function fnv1a(text: string, seed = OFFSET_BASIS): number {
  let hash = seed;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, PRIME);
  }
  return hash >>> 0;
}

/** murmur3's finalizer: spreads every input bit over every output bit (FNV alone leaves the high bits weak). */
export function mix32(hash: number): number {
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}

/** A deterministic draw in [0, 1) for `text`: the same text always draws the same number. */
export function unitDraw(text: string): number {
  return mix32(fnv1a(text)) / 2 ** 32;
}
