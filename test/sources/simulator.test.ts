// The simulator's stream contract: determinism from a seed, valid events, stable unique ids,
// event-time order, the initial snapshot, and where the stream ends.

import { describe, expect, it } from 'vitest';
import { validateEvent } from '../../src/events/validate.js';
import type { PushflowEvent } from '../../src/events/types.js';
import { createSimulation, type SimulatedRecord } from '../../src/sources/simulator/index.js';
import type { SimulationOptions } from '../../src/sources/simulator/options.js';

const DAY_MS = 86_400_000;
const SMALL: SimulationOptions = { users: 200, items: 1_000 };

function take(options: SimulationOptions, count: number): SimulatedRecord[] {
  const simulation = createSimulation(options);
  const records: SimulatedRecord[] = [];
  for (let i = 0; i < count; i++) {
    const record = simulation.next();
    if (record === undefined) break;
    records.push(record);
  }
  return records;
}

function events(records: SimulatedRecord[]): PushflowEvent[] {
  return records.flatMap((record) => (record.event === undefined ? [] : [record.event]));
}

describe('simulation determinism', () => {
  it('replays byte-identical records for the same seed and options', () => {
    const options = { ...SMALL, seed: 7, outOfOrderMs: 2_000, duplicateRate: 0.02, invalidRate: 0.02 };
    const first = take(options, 20_000).map((record) => record.raw);
    const second = take(options, 20_000).map((record) => record.raw);
    expect(first).toHaveLength(20_000);
    expect(second).toEqual(first);
  });

  it('produces a different world for a different seed', () => {
    const a = take({ ...SMALL, seed: 1 }, 3_000).map((record) => record.raw);
    const b = take({ ...SMALL, seed: 2 }, 3_000).map((record) => record.raw);
    const shared = a.filter((raw, index) => raw === b[index]).length;
    expect(shared).toBe(0);
  });

  it('keeps the world unchanged when noise is turned on', () => {
    const clean = events(take({ ...SMALL, seed: 3 }, 15_000));
    const noisy = take({ ...SMALL, seed: 3, outOfOrderMs: 5_000, duplicateRate: 0.05, invalidRate: 0.05 }, 20_000)
      .filter((record) => record.injected === undefined)
      .map((record) => record.event!);
    const length = Math.min(clean.length, noisy.length);
    expect(length).toBeGreaterThan(14_000);
    const differences: string[] = [];
    for (let i = 0; i < length; i++) {
      const shift = clean[i].time - noisy[i].time;
      if (shift < 0 || shift > 5_000) differences.push(`${clean[i].id} moved by ${shift} ms`);
      if (JSON.stringify({ ...noisy[i], time: 0 }) !== JSON.stringify({ ...clean[i], time: 0 })) {
        differences.push(`${clean[i].id} differs`);
      }
    }
    expect(differences).toEqual([]);
  });

  it('skips records exactly as if they had been read', () => {
    const options = { ...SMALL, seed: 11, outOfOrderMs: 1_000, duplicateRate: 0.03, invalidRate: 0.03 };
    const all = take(options, 12_000);
    const simulation = createSimulation(options);
    expect(simulation.skip(9_000)).toBe(9_000);
    expect(simulation.nextSeq).toBe(9_000);
    const rest: SimulatedRecord[] = [];
    for (let i = 0; i < 3_000; i++) rest.push(simulation.next()!);
    expect(rest).toEqual(all.slice(9_000));
  });
});

describe('simulated events', () => {
  const records = take({ seed: 5, days: 2 }, Infinity);

  it('all satisfy the event model, and raw is their JSON', () => {
    expect(records.length).toBeGreaterThan(20_000);
    const problems: string[] = [];
    for (const record of records) {
      const result = validateEvent(JSON.parse(record.raw), Number.MAX_SAFE_INTEGER);
      if (!result.ok) problems.push(`record ${record.seq} ${record.raw}: ${result.reason}`);
      if (JSON.stringify(record.event) !== record.raw) problems.push(`record ${record.seq}: raw is not the event's JSON`);
    }
    expect(problems).toEqual([]);
  });

  it('number records from 0 and give each event a unique id derived from the seed', () => {
    expect(records.every((record, index) => record.seq === index)).toBe(true);
    expect(records.every((record) => /^sim-5-\d+$/.test(record.event!.id))).toBe(true);
    expect(new Set(records.map((record) => record.event!.id)).size).toBe(records.length);
  });

  it('come in non-decreasing event time and stop at the end of `days`', () => {
    const start = Date.UTC(2026, 10, 2);
    let previous = -Infinity;
    let backwards = 0;
    for (const record of records) {
      if (record.event!.time < previous) backwards++;
      previous = record.event!.time;
    }
    expect(backwards).toBe(0);
    expect(records[0].event!.time).toBe(start);
    expect(previous).toBeLessThan(start + 2 * DAY_MS);
    expect(previous).toBeGreaterThan(start + 2 * DAY_MS - 3_600_000);
  });

  it('start with one catalog event per item, then one user event per user', () => {
    const snapshot = records.slice(0, 6_000).map((record) => record.event!);
    const items = snapshot.slice(0, 5_000);
    const users = snapshot.slice(5_000);
    expect(new Set(items.map((event) => (event.kind === 'catalog' ? event.itemId : '')))).toHaveLength(5_000);
    for (const event of items) {
      if (event.kind !== 'catalog') throw new Error(`expected a catalog event, got ${event.kind}`);
      expect(event.title).toMatch(/ #\d+$/);
      expect(event.currency).toBe('CNY');
      expect(event.price).toBeGreaterThan(0);
      expect(Number.isInteger(event.stock)).toBe(true);
    }
    expect(new Set(items.map((event) => (event.kind === 'catalog' ? event.categoryId : ''))).size).toBeGreaterThanOrEqual(35);
    expect(records[6_000].event!.kind).toBe('behavior');

    const byZone = new Map<string, number>();
    let chinese = 0;
    let withoutPushToken = 0;
    let marketingOptOuts = 0;
    for (const event of users) {
      if (event.kind !== 'user') throw new Error(`expected a user event, got ${event.kind}`);
      const zone = event.timeZone!;
      byZone.set(zone, (byZone.get(zone) ?? 0) + 1);
      if (event.locale === 'zh-CN') {
        chinese++;
        expect(zone).toBe('Asia/Shanghai');
      } else {
        expect(event.locale).toBe('en-US');
        expect(['America/New_York', 'America/Los_Angeles', 'Europe/London']).toContain(zone);
      }
      if (event.channels!.pushToken === undefined) withoutPushToken++;
      if (event.consent!.marketing === false) marketingOptOuts++;
    }
    expect(chinese / users.length).toBeGreaterThan(0.65);
    expect(chinese / users.length).toBeLessThan(0.75);
    expect(byZone.size).toBe(4);
    expect(withoutPushToken).toBeGreaterThan(100);
    expect(withoutPushToken).toBeLessThan(400);
    expect(marketingOptOuts).toBeGreaterThan(100);
    expect(marketingOptOuts).toBeLessThan(300);
  });
});

describe('simulation options', () => {
  it('stops after maxEvents records', () => {
    expect(take({ ...SMALL, maxEvents: 1_234 }, Infinity)).toHaveLength(1_234);
  });

  it('starts at startTime', () => {
    const startTime = Date.UTC(2030, 0, 1);
    const [first] = take({ ...SMALL, startTime }, 1);
    expect(first.event!.time).toBe(startTime);
  });

  it('is iterable', () => {
    const seqs = [...createSimulation({ ...SMALL, maxEvents: 5 })].map((record) => record.seq);
    expect(seqs).toEqual([0, 1, 2, 3, 4]);
  });

  it('rejects nonsense with the option named', () => {
    expect(() => createSimulation({ users: 0 })).toThrow(/users/);
    expect(() => createSimulation({ seed: -1 })).toThrow(/seed/);
    expect(() => createSimulation({ duplicateRate: 1.5 })).toThrow(/duplicateRate/);
    expect(() => createSimulation({ days: 0 })).toThrow(/days/);
    expect(() => createSimulation({ outOfOrderMs: 1.5 })).toThrow(/outOfOrderMs/);
  });
});
