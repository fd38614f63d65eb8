// Wall-clock time in an IANA time zone, for the rules that speak in the user's day and hours
// (quiet hours, caps per calendar day and week, hour-of-week activity). Offsets come from Intl
// and are cached per zone and quarter hour (DST transitions fall on quarter hours), so the hot
// path does one Map lookup; converting a local time back to an instant resolves DST gaps
// forward and overlaps to the earlier instant, as Temporal's "compatible" disambiguation does.

const QUARTER_HOUR_MS = 900_000;
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const CACHE_LIMIT = 50_000;

export interface LocalTime {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** 0 = Monday ... 6 = Sunday (ISO). */
  weekday: number;
  /** Local minus UTC, in ms. */
  offsetMs: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, Map<number, number>>();
const validZones = new Map<string, boolean>();

function formatter(zone: string): Intl.DateTimeFormat {
  let format = formatters.get(zone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, format);
  }
  return format;
}

/** Whether `zone` is an IANA zone this runtime knows. */
export function isValidTimeZone(zone: string): boolean {
  let valid = validZones.get(zone);
  if (valid === undefined) {
    try {
      formatter(zone);
      valid = true;
    } catch {
      valid = false;
    }
    validZones.set(zone, valid);
  }
  return valid;
}

function computeOffset(zone: string, time: number): number {
  const parts = formatter(zone).formatToParts(time);
  let year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  for (const part of parts) {
    switch (part.type) {
      case 'year': year = Number(part.value); break;
      case 'month': month = Number(part.value); break;
      case 'day': day = Number(part.value); break;
      case 'hour': hour = Number(part.value); break;
      case 'minute': minute = Number(part.value); break;
      case 'second': second = Number(part.value); break;
    }
  }
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  return wall - (time - (((time % 1000) + 1000) % 1000));
}

/** Local time minus UTC at `time`, in ms. */
export function zoneOffsetMs(zone: string, time: number): number {
  const slot = Math.floor(time / QUARTER_HOUR_MS);
  let byZone = offsets.get(zone);
  if (byZone === undefined) {
    byZone = new Map();
    offsets.set(zone, byZone);
  }
  let offset = byZone.get(slot);
  if (offset === undefined) {
    offset = computeOffset(zone, slot * QUARTER_HOUR_MS);
    if (byZone.size >= CACHE_LIMIT) byZone.clear();
    byZone.set(slot, offset);
  }
  return offset;
}

/** The wall-clock reading in `zone` at instant `time`. */
export function localTime(zone: string, time: number): LocalTime {
  const offsetMs = zoneOffsetMs(zone, time);
  const wall = new Date(time + offsetMs);
  return {
    year: wall.getUTCFullYear(),
    month: wall.getUTCMonth() + 1,
    day: wall.getUTCDate(),
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
    weekday: (wall.getUTCDay() + 6) % 7,
    offsetMs,
  };
}

/** Minutes since local midnight. */
export function localMinuteOfDay(zone: string, time: number): number {
  return minuteOfDayOfWall(time + zoneOffsetMs(zone, time));
}

/** Local hour of the week, 0 = Monday 00:00-00:59 ... 167 = Sunday 23:00-23:59. */
export function hourOfWeek(zone: string, time: number): number {
  return hourOfWeekOfWall(time + zoneOffsetMs(zone, time));
}

// The wall-clock readings of an instant already shifted by its zone's offset (`time + offset`):
// for loops that look the offset up once and read several things from it.

/** Minutes since midnight of the wall-clock time `wall`. */
export function minuteOfDayOfWall(wall: number): number {
  return Math.floor((((wall % DAY_MS) + DAY_MS) % DAY_MS) / MINUTE_MS);
}

/** Hour of the week of the wall-clock time `wall`, 0 = Monday 00:00-00:59. */
export function hourOfWeekOfWall(wall: number): number {
  const days = Math.floor(wall / DAY_MS);
  // 1970-01-01 was a Thursday (ISO weekday 3 counting Monday as 0).
  const weekday = (((days + 3) % 7) + 7) % 7;
  const hour = Math.floor((wall - days * DAY_MS) / HOUR_MS);
  return weekday * 24 + hour;
}

/** How far the wall-clock time `wall` is into its hour, in ms. */
export function msIntoHourOfWall(wall: number): number {
  return ((wall % HOUR_MS) + HOUR_MS) % HOUR_MS;
}

/** The instant the local wall time `year-month-day hour:minute` names in `zone`. */
export function localToInstant(zone: string, year: number, month: number, day: number, hour: number, minute: number): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const before = zoneOffsetMs(zone, wall - DAY_MS);
  const after = zoneOffsetMs(zone, wall + DAY_MS);
  if (before === after) return wall - before;
  const early = wall - before;
  const late = wall - after;
  const earlyValid = zoneOffsetMs(zone, early) === before;
  const lateValid = zoneOffsetMs(zone, late) === after;
  if (earlyValid && lateValid) return Math.min(early, late); // overlap (clocks fell back): the first
  if (earlyValid) return early;
  if (lateValid) return late;
  return early; // gap (clocks sprang forward): the wall time shifted forward by the gap
}

/** The first instant at or after `time` whose local time is `minuteOfDay` (minutes after midnight). */
export function nextLocalTime(zone: string, time: number, minuteOfDay: number): number {
  const local = localTime(zone, time);
  const hour = Math.floor(minuteOfDay / 60);
  const minute = minuteOfDay % 60;
  let candidate = localToInstant(zone, local.year, local.month, local.day, hour, minute);
  if (candidate < time) {
    const next = new Date(Date.UTC(local.year, local.month - 1, local.day + 1));
    candidate = localToInstant(zone, next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), hour, minute);
  }
  return candidate;
}

/** The start of the local hour that contains `time`. */
export function startOfLocalHour(zone: string, time: number): number {
  return time - msIntoHourOfWall(time + zoneOffsetMs(zone, time));
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** The local calendar day, `YYYY-MM-DD`. */
export function localDayKey(zone: string, time: number): string {
  const local = localTime(zone, time);
  return `${local.year}-${pad2(local.month)}-${pad2(local.day)}`;
}

/** The local ISO week, `YYYY-Www` (weeks start on Monday; week 1 holds the year's first Thursday). */
export function localWeekKey(zone: string, time: number): string {
  const local = localTime(zone, time);
  const date = Date.UTC(local.year, local.month - 1, local.day);
  const thursday = date + (3 - local.weekday) * DAY_MS;
  const isoYear = new Date(thursday).getUTCFullYear();
  const week = Math.floor((thursday - Date.UTC(isoYear, 0, 1)) / (7 * DAY_MS)) + 1;
  return `${isoYear}-W${pad2(week)}`;
}

/** Parses `HH:MM` into minutes after midnight. */
export function parseClockTime(text: string): number {
  const [hours, minutes] = text.split(':').map(Number);
  return hours * 60 + minutes;
}
