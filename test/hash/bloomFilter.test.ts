import { describe, expect, it } from 'vitest';
import { buildBloomFilter, mayContain } from '../../src/hash/bloomFilter.js';
import { fnv1a, unitDraw } from '../../src/hash/fnv1a.js';

describe('fnv1a', () => {
  it('matches the published FNV-1a test vectors', () => {
    expect(fnv1a('')).toBe(0x811c9dc5);
    expect(fnv1a('a')).toBe(0xe40c292c);
    expect(fnv1a('foobar')).toBe(0xbf9cf968);
  });

  it('draws uniformly: a tenth of many keys fall below 0.1', () => {
    const below = Array.from({ length: 20_000 }, (_, i) => unitDraw(`user-${i}`)).filter((draw) => draw < 0.1).length;
    expect(below).toBeGreaterThan(1_800);
    expect(below).toBeLessThan(2_200);
  });
});

describe('Bloom filter', () => {
  const members = Array.from({ length: 1_000 }, (_, i) => `u${i * 7}`);
  const filter = buildBloomFilter(members, members.length);

  it('never misses a member', () => {
    expect(members.every((key) => mayContain(filter, key))).toBe(true);
  });

  it('rejects nearly every non-member (about 0.2% false positives at 16 bits a key)', () => {
    const strangers = Array.from({ length: 20_000 }, (_, i) => `stranger-${i}`);
    const falsePositives = strangers.filter((key) => mayContain(filter, key)).length;
    expect(falsePositives / strangers.length).toBeLessThan(0.01);
  });

  it('of an empty set holds nothing', () => {
    expect(mayContain(buildBloomFilter([], 0), 'u1')).toBe(false);
  });
});
