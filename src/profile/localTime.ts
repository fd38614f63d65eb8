// Where in a user's week an instant falls, in their time zone (DST included), with a fallback zone
// for users whose zone is unknown or invalid. Offsets come from src/decide/zonedTime.ts, cached.

import { isValidTimeZone, zoneOffsetMs } from '../decide/zonedTime.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Slots of the hour-of-week histogram: Monday 00:00-01:00 is 0, Sunday 23:00-24:00 is 167. */
export const HOURS_PER_WEEK = 168;

export class LocalTime {
  /** `fallbackZone` stands in for unknown or invalid zones. */
  constructor(readonly fallbackZone: string) {
    if (!isValidTimeZone(fallbackZone)) throw new RangeError(`unknown time zone "${fallbackZone}"`);
  }

  /** The zone's offset from UTC at `time`, in ms (Asia/Shanghai: +8 h). */
  offsetMs(time: number, zone = this.fallbackZone): number {
    return zoneOffsetMs(isValidTimeZone(zone) ? zone : this.fallbackZone, time);
  }

  /** The hour-of-week slot of `time` in `zone`, Monday 00:00 being 0. */
  hourOfWeek(time: number, zone?: string): number {
    return slotOfLocalTime(time + this.offsetMs(time, zone));
  }
}

/** The hour-of-week slot of a local time (epoch ms shifted by the zone's offset), Monday 00:00 being 0. */
export function slotOfLocalTime(local: number): number {
  const day = Math.floor(local / DAY_MS);
  // 1970-01-01 was a Thursday: day 0 is weekday 3 counting from Monday.
  const weekday = (((day + 3) % 7) + 7) % 7;
  return weekday * 24 + Math.floor((local - day * DAY_MS) / HOUR_MS);
}
