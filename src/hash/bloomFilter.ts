// A Bloom filter over strings, built once from a known set and stored as its bytes: "maybe in the
// set" or "certainly not". Log-structured stores keep one beside each batch record, so a lookup
// by key decodes only the records that may hold it.

import { fnv1a, mix32 } from './fnv1a.js';

const SECOND_SEED = 0x9747b28c;
/** 16 bits and 4 probes per key: about 0.2% false positives. */
const BITS_PER_KEY = 16;
const PROBES = 4;
const MIN_BYTES = 8;

function probes(key: string, bits: number, visit: (bit: number) => boolean): boolean {
  // Double hashing (Kirsch & Mitzenmacher): probe i at h1 + i * h2, as good as independent hashes.
  const h1 = mix32(fnv1a(key));
  const h2 = mix32(fnv1a(key, SECOND_SEED)) | 1;
  for (let i = 0; i < PROBES; i++) {
    if (!visit(((h1 + Math.imul(i, h2)) >>> 0) % bits)) return false;
  }
  return true;
}

/** The filter's bytes for `keys` (duplicates are fine). */
export function buildBloomFilter(keys: Iterable<string>, count: number): Uint8Array {
  const bytes = new Uint8Array(Math.max(MIN_BYTES, Math.ceil((count * BITS_PER_KEY) / 8)));
  const bits = bytes.length * 8;
  for (const key of keys) {
    probes(key, bits, (bit) => {
      bytes[bit >>> 3] |= 1 << (bit & 7);
      return true;
    });
  }
  return bytes;
}

/** False: `key` is certainly not in the set the filter was built from. True: it may be. */
export function mayContain(filter: Uint8Array, key: string): boolean {
  const bits = filter.length * 8;
  return probes(key, bits, (bit) => (filter[bit >>> 3] & (1 << (bit & 7))) !== 0);
}
