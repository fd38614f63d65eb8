import { describe, expect, it } from 'vitest';
import { hourOfWeek, localDayKey, localMinuteOfDay, localTime, localToInstant, localWeekKey, nextLocalTime, startOfLocalHour, zoneOffsetMs } from '../../src/decide/zonedTime.js';

const iso = (ms: number) => new Date(ms).toISOString();
const HOUR = 3_600_000;

describe('zonedTime', () => {
  it('reads local wall time and offsets on both sides of a DST change (New York, spring 2026)', () => {
    // Clocks spring forward at 2026-03-08 02:00 EST = 07:00Z.
    expect(zoneOffsetMs('America/New_York', Date.parse('2026-03-08T06:59:00Z'))).toBe(-5 * HOUR);
    expect(zoneOffsetMs('America/New_York', Date.parse('2026-03-08T07:00:00Z'))).toBe(-4 * HOUR);
    expect(localTime('America/New_York', Date.parse('2026-03-08T07:30:00Z'))).toMatchObject({ hour: 3, minute: 30, weekday: 6 });
    expect(zoneOffsetMs('Asia/Shanghai', Date.parse('2026-03-08T07:00:00Z'))).toBe(8 * HOUR);
  });

  it('resolves a local time in the spring-forward gap forward, and one in the fall-back overlap to the first instant', () => {
    expect(iso(localToInstant('America/New_York', 2026, 3, 8, 2, 30))).toBe('2026-03-08T07:30:00.000Z'); // 03:30 EDT
    expect(iso(localToInstant('America/New_York', 2026, 11, 1, 1, 30))).toBe('2026-11-01T05:30:00.000Z'); // first 01:30 (EDT)
    expect(iso(localToInstant('Europe/London', 2026, 10, 25, 8, 0))).toBe('2026-10-25T08:00:00.000Z'); // GMT again
    expect(iso(localToInstant('Europe/London', 2026, 10, 24, 8, 0))).toBe('2026-10-24T07:00:00.000Z'); // still BST
  });

  it('finds the next 08:00 across a DST change', () => {
    // Sunday 2026-03-08 00:00 EST: that day's 08:00 is already EDT (12:00Z), not 13:00Z.
    expect(iso(nextLocalTime('America/New_York', Date.parse('2026-03-08T04:00:00Z'), 8 * 60))).toBe('2026-03-08T12:00:00.000Z');
    expect(iso(nextLocalTime('America/New_York', Date.parse('2026-11-01T03:00:00Z'), 8 * 60))).toBe('2026-11-01T13:00:00.000Z');
    expect(iso(nextLocalTime('Asia/Shanghai', Date.parse('2026-11-02T01:00:00Z'), 8 * 60))).toBe('2026-11-03T00:00:00.000Z');
  });

  it('gives the local hour of week (Monday 00:00 = 0) and day and ISO week keys', () => {
    // 2026-11-02 is a Monday.
    expect(hourOfWeek('UTC', Date.parse('2026-11-02T00:30:00Z'))).toBe(0);
    expect(hourOfWeek('Asia/Shanghai', Date.parse('2026-11-01T16:30:00Z'))).toBe(0);
    expect(hourOfWeek('America/Los_Angeles', Date.parse('2026-11-02T07:59:00Z'))).toBe(167);
    expect(localDayKey('Asia/Shanghai', Date.parse('2026-11-01T16:00:00Z'))).toBe('2026-11-02');
    expect(localDayKey('America/New_York', Date.parse('2026-11-02T03:00:00Z'))).toBe('2026-11-01');
    expect(localWeekKey('UTC', Date.parse('2026-12-31T12:00:00Z'))).toBe('2026-W53');
    expect(localWeekKey('UTC', Date.parse('2027-01-04T12:00:00Z'))).toBe('2027-W01');
    expect(localWeekKey('Asia/Shanghai', Date.parse('2026-11-01T16:00:00Z'))).toBe('2026-W45');
    expect(localWeekKey('America/New_York', Date.parse('2026-11-02T03:00:00Z'))).toBe('2026-W44');
  });

  it('counts minutes of the local day and hour starts in half-hour zones', () => {
    expect(localMinuteOfDay('Asia/Kolkata', Date.parse('2026-11-02T00:00:00Z'))).toBe(5 * 60 + 30);
    expect(iso(startOfLocalHour('Asia/Kolkata', Date.parse('2026-11-02T00:10:00Z')))).toBe('2026-11-01T23:30:00.000Z');
  });
});
