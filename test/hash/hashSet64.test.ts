// The typed-array hash set: membership through growth, colliding slots, and the one pair that
// equals the empty-slot mark.

import { describe, expect, it } from 'vitest';
import { HashSet64 } from '../../src/hash/hashSet64.js';

describe('HashSet64', () => {
  it('keeps every pair through many growths, and refuses repeats', () => {
    const set = new HashSet64();
    for (let i = 0; i < 50_000; i++) expect(set.add(i * 2654435761, i)).toBe(true);
    expect(set.size).toBe(50_000);
    for (let i = 0; i < 50_000; i++) expect(set.has(i * 2654435761, i)).toBe(true);
    expect(set.add(7 * 2654435761, 7)).toBe(false);
    expect(set.has(7 * 2654435761, 8)).toBe(false);
    expect(set.size).toBe(50_000);
  });

  it('tells apart pairs that share their high half (the same home slot)', () => {
    const set = new HashSet64();
    for (let low = 1; low <= 100; low++) set.add(42, low);
    expect(set.has(42, 50)).toBe(true);
    expect(set.has(42, 101)).toBe(false);
    expect(set.has(43, 50)).toBe(false);
    let visited = 0;
    set.forEach((high) => (visited += high === 42 ? 1 : 0));
    expect(visited).toBe(100);
  });

  it('stores the pair (0, 0) although it marks empty slots', () => {
    const set = new HashSet64();
    expect(set.has(0, 0)).toBe(false);
    expect(set.add(0, 0)).toBe(true);
    expect(set.has(0, 0)).toBe(true);
    expect(set.add(0, 0)).toBe(false);
  });
});
