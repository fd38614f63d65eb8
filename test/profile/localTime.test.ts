import { describe, expect, it } from 'vitest';
import { LocalTime } from '../../src/profile/localTime.js';

const HOUR = 3_600_000;

describe('LocalTime', () => {
  const local = new LocalTime('Asia/Shanghai');

  it('gives a zone’s offset, daylight saving included', () => {
    expect(local.offsetMs(Date.UTC(2026, 0, 1))).toBe(8 * HOUR);
    expect(local.offsetMs(Date.UTC(2026, 0, 15), 'America/New_York')).toBe(-5 * HOUR);
    expect(local.offsetMs(Date.UTC(2026, 6, 15), 'America/New_York')).toBe(-4 * HOUR);
    expect(local.offsetMs(Date.UTC(2026, 0, 15), 'Asia/Kolkata')).toBe(5.5 * HOUR);
  });

  it('switches offset at the daylight-saving transition hour', () => {
    // New York springs forward on 2026-03-08 at 07:00 UTC.
    expect(local.offsetMs(Date.UTC(2026, 2, 8, 6, 59), 'America/New_York')).toBe(-5 * HOUR);
    expect(local.offsetMs(Date.UTC(2026, 2, 8, 7, 0), 'America/New_York')).toBe(-4 * HOUR);
  });

  it('numbers the hours of the week from Monday 00:00 local', () => {
    expect(local.hourOfWeek(Date.UTC(2026, 10, 1, 16, 0))).toBe(0); // Mon 00:00 Shanghai
    expect(local.hourOfWeek(Date.UTC(2026, 10, 1, 15, 59))).toBe(167); // Sun 23:59 Shanghai
    expect(local.hourOfWeek(Date.UTC(2026, 10, 4, 12, 0), 'UTC')).toBe(2 * 24 + 12); // Wed 12:00
  });

  it('falls back to its default zone for an unknown zone', () => {
    expect(local.offsetMs(Date.UTC(2026, 0, 1), 'Mars/Olympus')).toBe(8 * HOUR);
  });
});
