// The platform's own hour-of-week activity pattern (all users pooled, in each user's local
// time), exponentially decayed: the prior that best-send-time falls back on. Counted in memory
// per event and written back once per batch, inside its transaction.

import type { Database } from 'lmdb';
import type { StateStore } from './stateStore.js';

export const HOURS_PER_WEEK = 168;
const KEY = 'pattern';
const HOUR_MS = 3_600_000;

interface StoredPattern {
  counts: number[];
  /** Event-time hour (epoch hours) the counts are decayed to. */
  hour: number;
}

export class PlatformActivity {
  private readonly db: Database<StoredPattern, string>;
  readonly counts = new Float64Array(HOURS_PER_WEEK);
  private hour = -Infinity;
  private total = 0;
  private dirty = false;
  private readonly hourlyDecay: number;

  constructor(store: StateStore, halfLifeDays: number) {
    this.db = store.database<string, StoredPattern>('policy:platform-activity');
    this.hourlyDecay = 2 ** (-1 / (halfLifeDays * 24));
    const stored = this.db.get(KEY);
    if (stored !== undefined) {
      this.counts.set(stored.counts);
      this.hour = stored.hour;
      for (const count of this.counts) this.total += count;
    }
  }

  /** Counts one event at `hourOfWeek` (local), decaying older counts as event time passes hours. */
  add(hourOfWeek: number, time: number): void {
    const hour = Math.floor(time / HOUR_MS);
    if (hour > this.hour) {
      if (Number.isFinite(this.hour)) {
        const factor = this.hourlyDecay ** Math.min(hour - this.hour, 24 * 365);
        this.total = 0;
        for (let h = 0; h < HOURS_PER_WEEK; h++) this.total += this.counts[h] *= factor;
      }
      this.hour = hour;
    }
    this.counts[hourOfWeek]++;
    this.total++;
    this.dirty = true;
  }

  /** Events behind the pattern (decayed). */
  weight(): number {
    return this.total;
  }

  /** Writes the counts back when they changed; call inside the batch transaction. */
  flush(): void {
    if (!this.dirty) return;
    this.db.putSync(KEY, { counts: Array.from(this.counts), hour: this.hour });
    this.dirty = false;
  }
}
