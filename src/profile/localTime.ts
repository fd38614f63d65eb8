// Where in a user's week an instant falls, in their time zone. Intl is exact (DST included) but
// costs ~10 µs a call, so each zone's UTC offset is computed once per UTC hour and reused: the
// per-event cost is a map lookup and some arithmetic.

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Slots of the hour-of-week histogram: Monday 00:00-01:00 is 0, Sunday 23:00-24:00 is 167. */
export const HOURS_PER_WEEK = 168;
/** Offsets remembered per zone before the cache is cleared (bounded memory on long replays). */
const CACHED_HOURS_PER_ZONE = 10_000;

export class LocalTime {
  private readonly formatters = new Map<string, Intl.DateTimeFormat>();
  private readonly offsets = new Map<string, Map<number, number>>();

  /** `fallbackZone` stands in for unknown or invalid zones. */
  constructor(readonly fallbackZone: string) {
    this.formatter(fallbackZone);
  }

  /** The zone's offset from UTC at `time`, in ms (Asia/Shanghai: +8 h). */
  offsetMs(time: number, zone = this.fallbackZone): number {
    const hour = Math.floor(time / HOUR_MS);
    let byHour = this.offsets.get(zone);
    if (byHour === undefined) this.offsets.set(zone, (byHour = new Map()));
    let offset = byHour.get(hour);
    if (offset === undefined) {
      if (byHour.size >= CACHED_HOURS_PER_ZONE) byHour.clear();
      // Offsets change on a whole UTC hour in nearly every zone (Lord Howe Island shifts on the half
      // hour): the offset at the start of the UTC hour stands for the whole hour.
      offset = this.computeOffset(hour * HOUR_MS, zone);
      byHour.set(hour, offset);
    }
    return offset;
  }

  /** The hour-of-week slot of `time` in `zone`, Monday 00:00 being 0. */
  hourOfWeek(time: number, zone?: string): number {
    return slotOfLocalTime(time + this.offsetMs(time, zone));
  }


  private computeOffset(time: number, zone: string): number {
    const parts = this.formatter(zone).formatToParts(new Date(time));
    const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)!.value);
    const asUtc = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
    return asUtc - time;
  }

  private formatter(zone: string): Intl.DateTimeFormat {
    let formatter = this.formatters.get(zone);
    if (formatter === undefined) {
      try {
        formatter = new Intl.DateTimeFormat('en-US', {
          timeZone: zone,
          hourCycle: 'h23',
          year: 'numeric',
          month: 'numeric',
          day: 'numeric',
          hour: 'numeric',
          minute: 'numeric',
          second: 'numeric',
        });
      } catch (error) {
        if (zone === this.fallbackZone) throw error;
        formatter = this.formatter(this.fallbackZone);
      }
      this.formatters.set(zone, formatter);
    }
    return formatter;
  }
}

/** The hour-of-week slot of a local time (epoch ms shifted by the zone's offset), Monday 00:00 being 0. */
export function slotOfLocalTime(local: number): number {
  const day = Math.floor(local / DAY_MS);
  // 1970-01-01 was a Thursday: day 0 is weekday 3 counting from Monday.
  const weekday = (((day + 3) % 7) + 7) % 7;
  return weekday * 24 + Math.floor((local - day * DAY_MS) / HOUR_MS);
}
