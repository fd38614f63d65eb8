// Hour of day in a user's own time zone, daylight saving included, because users shop by their
// local clock (lunch in Shanghai is early morning in London). Intl is slow, so each zone's UTC
// offset is computed once per UTC hour and cached: every zone we simulate changes offset only on
// whole UTC hours.

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const CACHED_HOURS = 24 * 366;

/** One zone's clock; shared by all users of the zone so the cache is shared too. */
export class ZoneClock {
  private readonly format: Intl.DateTimeFormat;
  private readonly byHour = new Map<number, number>();

  constructor(zone: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
  }

  /** Local hour of day, 0..23, at epoch-ms `time`. */
  hourAt(time: number): number {
    const local = time + this.offsetAt(time);
    return Math.floor((((local % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS);
  }

  /** Local wall-clock time minus UTC, in ms, at `time`. */
  offsetAt(time: number): number {
    const hour = Math.floor(time / HOUR_MS);
    let offset = this.byHour.get(hour);
    if (offset === undefined) {
      offset = this.compute(hour * HOUR_MS);
      // Bounded: an endless run walks through simulated years.
      if (this.byHour.size >= CACHED_HOURS) this.byHour.clear();
      this.byHour.set(hour, offset);
    }
    return offset;
  }

  private compute(time: number): number {
    const parts: Record<string, number> = {};
    for (const part of this.format.formatToParts(time)) {
      if (part.type !== 'literal') parts[part.type] = Number(part.value);
    }
    const localAsUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute);
    return localAsUtc - time;
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
