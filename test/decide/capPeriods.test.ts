// The caps' local day and ISO week, remembered per zone for the day last asked about: the same
// answers as computing them afresh, across midnights, DST changes and zones asked in turn.

import { describe, expect, it } from 'vitest';
import { capPeriods } from '../../src/decide/frequencyCaps.js';
import { localDayKey, localWeekKey } from '../../src/decide/zonedTime.js';

const ZONES = ['America/New_York', 'Europe/London', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Asia/Shanghai'];

describe('capPeriods', () => {
  it('names the local day and week at every instant, around DST changes, with zones interleaved', () => {
    // Lord Howe moves by half an hour; New York falls back on 2026-11-01, London on 2026-10-25.
    for (const start of [Date.parse('2026-10-24T00:00:00Z'), Date.parse('2026-10-31T12:00:00Z'), Date.parse('2026-04-04T00:00:00Z')]) {
      for (let time = start; time < start + 3 * 86_400_000; time += 7 * 60_000 + 13_000) {
        for (const zone of ZONES) {
          expect(capPeriods(zone, time), `${zone} ${new Date(time).toISOString()}`).toEqual({ day: localDayKey(zone, time), week: localWeekKey(zone, time) });
        }
      }
    }
  });

  it('answers for an earlier time than the one asked before', () => {
    const late = Date.parse('2026-11-02T23:59:00Z');
    expect(capPeriods('Europe/London', late).day).toBe('2026-11-02');
    expect(capPeriods('Europe/London', late - 86_400_000).day).toBe('2026-11-01');
    expect(capPeriods('Europe/London', Date.parse('2026-11-02T00:00:00Z')).day).toBe('2026-11-02');
    expect(capPeriods('Europe/London', Date.parse('2026-11-01T23:59:59.999Z'))).toEqual({ day: '2026-11-01', week: '2026-W44' });
  });
});
