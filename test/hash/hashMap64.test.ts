// The typed-array hash map: values through growth, replaced values, colliding home slots, and the
// one key that equals the empty-slot mark.

import { describe, expect, it } from 'vitest';
import { HashMap64 } from '../../src/hash/hashMap64.js';

describe('HashMap64', () => {
  it('keeps every value through many growths, and a later set replaces one', () => {
    const map = new HashMap64();
    for (let i = 0; i < 50_000; i++) map.set(i * 2654435761, i, i % 977);
    expect(map.size).toBe(50_000);
    for (let i = 0; i < 50_000; i++) expect(map.get(i * 2654435761, i)).toBe(i % 977);
    map.set(7 * 2654435761, 7, 123_456);
    expect(map.get(7 * 2654435761, 7)).toBe(123_456);
    expect(map.size).toBe(50_000);
    expect(map.get(7 * 2654435761, 8)).toBeUndefined();
  });

  it('tells apart keys that share their high half, and stores the key (0, 0)', () => {
    const map = new HashMap64();
    for (let low = 1; low <= 100; low++) map.set(42, low, low * 10);
    expect(map.get(42, 50)).toBe(500);
    expect(map.get(42, 101)).toBeUndefined();
    map.set(0, 0, 5);
    expect(map.get(0, 0)).toBe(5);
    expect(map.size).toBe(101);
  });
});
