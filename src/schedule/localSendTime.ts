// When a scheduled message goes out, in the user's own time zone: the next time it is a given
// hour there, and the local calendar day or ISO week a send belongs to (the key of "one digest
// per day/week"). Offsets come from the shared per-zone clock, which caches them per UTC hour.

import { zoneClock } from '../sources/simulator/localTime.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Local wall-clock time as if it were UTC (so Date's UTC getters read the local fields). */
function wall(time: number, timeZone: string): number {
  return time + zoneClock(timeZone).offsetAt(time);
}

/** The model's hour when it gives a usable one (a whole hour 0-23, rounded down), else the default. */
export function sendHour(best: number | undefined, fallback: number): number {
  return best !== undefined && Number.isFinite(best) && best >= 0 && best < 24 ? Math.floor(best) : fallback;
}

/** The first instant strictly after `after` at which it is `hour`:00 in `timeZone`. */
export function nextLocalHour(after: number, timeZone: string, hour: number): number {
  const clock = zoneClock(timeZone);
  const local = after + clock.offsetAt(after);
  let target = Math.floor(local / DAY_MS) * DAY_MS + hour * HOUR_MS;
  if (target <= local) target += DAY_MS;
  // The offset at the target itself, so a daylight-saving change in between is honoured.
  const guess = target - clock.offsetAt(after);
  const instant = target - clock.offsetAt(guess);
  return instant > after ? instant : instant + DAY_MS;
}

/** `YYYY-MM-DD` of `time` in `timeZone`. */
export function localDay(time: number, timeZone: string): string {
  return new Date(wall(time, timeZone)).toISOString().slice(0, 10);
}

/** ISO week `YYYY-Www` of `time` in `timeZone`. */
export function localWeek(time: number, timeZone: string): string {
  const date = new Date(Math.floor(wall(time, timeZone) / DAY_MS) * DAY_MS);
  const weekday = (date.getUTCDay() + 6) % 7;
  // The week belongs to the year of its Thursday.
  const thursday = new Date(date.getTime() + (3 - weekday) * DAY_MS);
  const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  const week = 1 + Math.floor((thursday.getTime() - yearStart) / (7 * DAY_MS));
  return `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/** Day of the week of `time` in `timeZone`: 0 = Monday ... 6 = Sunday (ISO). */
export function localWeekday(time: number, timeZone: string): number {
  return (new Date(wall(time, timeZone)).getUTCDay() + 6) % 7;
}
