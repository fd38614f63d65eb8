// The transport imperfections the simulator can inject, each in the amount asked for: bounded
// lateness for watermarks, re-sent events for dedupe, malformed records for the dead letters.

import { describe, expect, it } from 'vitest';
import { validateEvent } from '../../src/events/validate.js';
import { createSimulation, type SimulatedRecord } from '../../src/sources/simulator/index.js';
import type { SimulationOptions } from '../../src/sources/simulator/options.js';

const RECORDS = 40_000;

function take(options: SimulationOptions): SimulatedRecord[] {
  return [...createSimulation({ users: 300, items: 1_000, maxEvents: RECORDS, ...options })];
}

describe('simulator noise', () => {
  it('injects nothing by default', () => {
    expect(take({ seed: 1 }).filter((record) => record.injected !== undefined || record.event === undefined)).toEqual([]);
  });

  it('makes events late by at most outOfOrderMs', () => {
    const outOfOrderMs = 10_000;
    const records = take({ seed: 2, outOfOrderMs });
    let latest = -Infinity;
    let late = 0;
    let worst = 0;
    for (const { event } of records) {
      if (event!.time < latest) {
        late++;
        worst = Math.max(worst, latest - event!.time);
      }
      latest = Math.max(latest, event!.time);
    }
    expect(worst).toBeLessThanOrEqual(outOfOrderMs);
    expect(worst).toBeGreaterThan(outOfOrderMs / 2);
    expect(late).toBeGreaterThan(RECORDS / 10);
  });

  it('re-sends recent events with their id and text, at about duplicateRate', () => {
    const records = take({ seed: 3, duplicateRate: 0.05 });
    const seen = new Map<string, string>();
    let duplicates = 0;
    const wrong: number[] = [];
    for (const record of records) {
      const id = record.event!.id;
      const original = seen.get(id);
      if ((original === undefined) !== (record.injected === undefined)) wrong.push(record.seq);
      if (original !== undefined) {
        duplicates++;
        if (record.raw !== original) wrong.push(record.seq);
      } else seen.set(id, record.raw);
    }
    expect(wrong).toEqual([]);
    expect(duplicates / RECORDS).toBeGreaterThan(0.045);
    expect(duplicates / RECORDS).toBeLessThan(0.055);
  });

  it('hands out duplicates as fresh objects, so a consumer mutating one cannot alter another', () => {
    const records = take({ seed: 4, duplicateRate: 0.2, maxEvents: 1_000 });
    const duplicate = records.find((record) => record.injected === 'duplicate')!;
    const original = records.find((record) => record.event?.id === duplicate.event!.id && record.injected === undefined)!;
    expect(duplicate.event).toEqual(original.event);
    expect(duplicate.event).not.toBe(original.event);
  });

  it('emits malformed records at about invalidRate, each of which fails decoding', () => {
    const records = take({ seed: 5, invalidRate: 0.05 });
    const malformed = records.filter((record) => record.event === undefined);
    expect(malformed.length / RECORDS).toBeGreaterThan(0.045);
    expect(malformed.length / RECORDS).toBeLessThan(0.055);
    const reasons = new Map<string, number>();
    for (const record of malformed) {
      let reason: string;
      try {
        const result = validateEvent(JSON.parse(record.raw), Number.MAX_SAFE_INTEGER);
        reason = result.ok ? 'accepted' : result.field;
      } catch {
        reason = 'json';
      }
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
    expect([...reasons.keys()].sort()).toEqual(['json', 'price', 'userId']);
    expect(new Set(malformed.map((record) => record.injected))).toEqual(
      new Set(['bad-json', 'missing-user-id', 'negative-price']),
    );
  });

  it('keeps both rates when combined, and every record numbered in turn', () => {
    const records = take({ seed: 6, duplicateRate: 0.03, invalidRate: 0.02 });
    expect(records.map((record) => record.seq)).toEqual(records.map((_, index) => index));
    const duplicates = records.filter((record) => record.injected === 'duplicate').length;
    const malformed = records.filter((record) => record.event === undefined).length;
    expect(duplicates / RECORDS).toBeGreaterThan(0.025);
    expect(duplicates / RECORDS).toBeLessThan(0.035);
    expect(malformed / RECORDS).toBeGreaterThan(0.016);
    expect(malformed / RECORDS).toBeLessThan(0.024);
  });
});
