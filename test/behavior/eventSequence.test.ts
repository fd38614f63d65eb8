import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/behavior/seededShuffle.js';
import {
  appendToSequence,
  categoryCode,
  decodeSequence,
  PURCHASE,
  ADD_TO_CART,
  sequenceOf,
  sequenceStamp,
  sequenceTypeIndex,
  VIEW,
  type SequenceEvent,
} from '../../src/behavior/eventSequence.js';

const T0 = 1_700_000_000;
const ev = (time: number, type = VIEW, category = 7): SequenceEvent => ({ time, type, category });

function build(events: SequenceEvent[], capacity: number) {
  let buffer: Buffer | undefined;
  for (const event of events) buffer = appendToSequence(buffer, event, capacity);
  return decodeSequence(buffer!);
}

describe('event sequence ring buffer', () => {
  it('keeps the last N events, oldest first', () => {
    const sequence = build(
      Array.from({ length: 10 }, (_, i) => ev(T0 + i * 60, VIEW, 100 + i)),
      4,
    );
    expect(sequence.length).toBe(4);
    expect([...sequence.categories]).toEqual([106, 107, 108, 109]);
    expect([...sequence.times]).toEqual([T0 + 360, T0 + 420, T0 + 480, T0 + 540]);
    expect(sequence.total).toBe(10);
  });

  it('inserts a late event where it belongs in time', () => {
    const sequence = build([ev(T0, VIEW, 1), ev(T0 + 100, VIEW, 3), ev(T0 + 50, VIEW, 2)], 8);
    expect([...sequence.categories]).toEqual([1, 2, 3]);
  });

  it('drops a late event older than a full buffer, but still counts it', () => {
    const sequence = build([ev(T0 + 10, VIEW, 1), ev(T0 + 20, VIEW, 2), ev(T0, PURCHASE, 9)], 2);
    expect([...sequence.categories]).toEqual([1, 2]);
    expect(sequence.countsByType[PURCHASE]).toBe(1);
    expect(sequence.evictedLastPurchase).toBe(T0);
  });

  it('keeps lifetime counters across evictions: counts by type, first time, last evicted purchase and cart', () => {
    const sequence = build([ev(T0, ADD_TO_CART), ev(T0 + 10, PURCHASE), ev(T0 + 20), ev(T0 + 30), ev(T0 + 40)], 2);
    expect(sequence.firstTime).toBe(T0);
    expect(sequence.countsByType[VIEW]).toBe(3);
    expect(sequence.countsByType[ADD_TO_CART]).toBe(1);
    expect(sequence.countsByType[PURCHASE]).toBe(1);
    expect(sequence.evictedLastPurchase).toBe(T0 + 10);
    expect(sequence.evictedLastCart).toBe(T0);
  });

  it('counts each active clock hour once per hour of day', () => {
    // 10:00 and 10:30 on day 1 (one cell), 10:15 on day 2 (another), 11:00 on day 2.
    const day = 86_400;
    const ten = Math.floor(T0 / day) * day + 10 * 3600;
    const sequence = build([ev(ten), ev(ten + 1800), ev(ten + day + 900), ev(ten + day + 3600)], 16);
    expect(sequence.hourCells[10]).toBe(2);
    expect(sequence.hourCells[11]).toBe(1);
  });

  it('stamps the buffer with the number of events ever appended', () => {
    let buffer = appendToSequence(undefined, ev(T0), 4);
    expect(sequenceStamp(buffer)).toBe(1);
    buffer = appendToSequence(buffer, ev(T0 + 1), 4);
    expect(sequenceStamp(buffer)).toBe(2);
  });

  it('sequenceOf builds the same as appending one by one', () => {
    const events = [ev(T0, VIEW, 1), ev(T0 + 5, PURCHASE, 2), ev(T0 + 9, VIEW, 3)];
    expect(sequenceOf(events, 2)).toEqual(build(events, 2));
  });

  it('codes categories stably, never 0 for a known one, 0 for none', () => {
    expect(categoryCode('4756105')).toBe(categoryCode('4756105'));
    expect(categoryCode('4756105')).not.toBe(categoryCode('4756106'));
    expect(categoryCode('')).not.toBe(0);
    expect(categoryCode(undefined)).toBe(0);
  });

  it('records user actions but not order status updates', () => {
    expect(sequenceTypeIndex('view')).toBe(VIEW);
    expect(sequenceTypeIndex('purchase')).toBe(PURCHASE);
    expect(sequenceTypeIndex('order_status')).toBe(-1);
  });

  it('matches a plain reference (sorted insert, keep the last N) on shuffled streams', () => {
    const random = seededRandom(5);
    for (let trial = 0; trial < 50; trial++) {
      const capacity = 1 + Math.floor(random() * 6);
      const events = Array.from({ length: 1 + Math.floor(random() * 20) }, (_, i) =>
        ev(T0 + i * 100 + (random() < 0.3 ? -Math.floor(random() * 500) : 0), Math.floor(random() * 6), 1 + i),
      );
      let kept: SequenceEvent[] = [];
      let evictedPurchase = 0;
      for (const event of events) {
        let at = kept.length;
        while (at > 0 && kept[at - 1].time > event.time) at--;
        kept.splice(at, 0, event);
        while (kept.length > capacity) {
          const out = kept.shift()!;
          if (out.type === PURCHASE) evictedPurchase = Math.max(evictedPurchase, out.time);
        }
      }
      const sequence = build(events, capacity);
      expect([...sequence.categories]).toEqual(kept.map((event) => event.category));
      expect([...sequence.times]).toEqual(kept.map((event) => event.time));
      expect([...sequence.types]).toEqual(kept.map((event) => event.type));
      expect(sequence.evictedLastPurchase).toBe(evictedPurchase);
      expect(sequence.total).toBe(events.length);
    }
  });
});
