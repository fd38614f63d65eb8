// When a user shops: a personal hour-of-day profile in their own time zone (a small morning
// bump, a lunch peak, the big evening peak, quiet nights) scaled by how active they are.
// Session starts are drawn from that non-homogeneous Poisson process by thinning, so aggregate
// traffic follows each market's local day the way real e-commerce traffic does.

import type { ZoneClock } from './localTime.js';
import type { Random } from './random.js';

const HOUR_MS = 3_600_000;

/** A user's rhythm: relative weight of each local hour (mean 1) and sessions per day. */
export interface DailyCycle {
  hourWeights: Float64Array;
  maxHourWeight: number;
  sessionsPerDay: number;
  clock: ZoneClock;
}

export function createDailyCycle(random: Random, clock: ZoneClock): DailyCycle {
  // Night owls shift their whole day later; everyone else wobbles by up to an hour.
  const shift = random.chance(0.1) ? random.between(1.5, 3) : random.between(-1, 1);
  const morning = random.between(0.15, 0.5);
  const lunch = random.between(0.4, 1.1);
  const evening = random.between(1, 1.8);
  const hourWeights = new Float64Array(24);
  let sum = 0;
  for (let hour = 0; hour < 24; hour++) {
    const t = hour + 0.5;
    const weight =
      0.06 +
      morning * bump(t, 8.5 + shift, 1.2) +
      lunch * bump(t, 12.5 + shift, 1) +
      evening * bump(t, 21 + shift, 1.8);
    hourWeights[hour] = weight;
    sum += weight;
  }
  let maxHourWeight = 0;
  for (let hour = 0; hour < 24; hour++) {
    hourWeights[hour] *= 24 / sum;
    maxHourWeight = Math.max(maxHourWeight, hourWeights[hour]);
  }
  // Heavy-tailed: most users drop by once or twice a day, a few live in the app.
  const sessionsPerDay = Math.min(20, Math.max(0.05, random.logNormal(1.2, 0.8)));
  return { hourWeights, maxHourWeight, sessionsPerDay, clock };
}

/** The next session start strictly after `after`, by thinning against the busiest hour's rate. */
export function nextSessionStart(random: Random, cycle: DailyCycle, after: number): number {
  const meanGapAtPeakMs = (24 * HOUR_MS) / (cycle.sessionsPerDay * cycle.maxHourWeight);
  let time = after;
  for (;;) {
    time += Math.max(1, Math.round(random.exponential(meanGapAtPeakMs)));
    const weight = cycle.hourWeights[cycle.clock.hourAt(time)];
    if (random.next() * cycle.maxHourWeight < weight) return time;
  }
}

/** A Gaussian bump on the 24-hour circle, so a peak at 23:00 also lifts 01:00. */
function bump(hour: number, center: number, width: number): number {
  let distance = Math.abs(hour - center) % 24;
  if (distance > 12) distance = 24 - distance;
  return Math.exp(-0.5 * (distance / width) ** 2);
}
