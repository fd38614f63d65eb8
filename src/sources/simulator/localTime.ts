// Hour of day in a user's own time zone, daylight saving included, because users shop by their
// local clock (lunch in Shanghai is early morning in London). Offsets come from
// src/decide/zonedTime.ts, which caches them per zone.

import { zoneOffsetMs } from '../../decide/zonedTime.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** One zone's clock. */
export class ZoneClock {
  constructor(readonly zone: string) {
    // Fails now, naming the zone, rather than at the first event.
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  }

  /** Local hour of day, 0..23, at epoch-ms `time`. */
  hourAt(time: number): number {
    const local = time + this.offsetAt(time);
    return Math.floor((((local % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS);
  }

  /** Local wall-clock time minus UTC, in ms, at `time`. */
  offsetAt(time: number): number {
    return zoneOffsetMs(this.zone, time);
  }
}

const clocks = new Map<string, ZoneClock>();

/** The shared clock of an IANA zone. */
export function zoneClock(zone: string): ZoneClock {
  let clock = clocks.get(zone);
  if (clock === undefined) {
    clock = new ZoneClock(zone);
    clocks.set(zone, clock);
  }
  return clock;
}
