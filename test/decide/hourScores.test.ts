// Best-send-time hour scores: the hour-of-day totals the value budget reads are the week's scores
// summed per hour of day, with and without day pooling; the memo builds one per user until cleared;
// the best hour found with one offset lookup per step is the one three lookups found.

import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { bestSendTime, HourScores, HourScoresMemo } from '../../src/decide/sendTime.js';
import { inQuietWindow, quietWindow, type QuietHoursConfig } from '../../src/decide/quietHours.js';
import { hourOfWeek, localMinuteOfDay, startOfLocalHour } from '../../src/decide/zonedTime.js';
import { HOURS_PER_WEEK, PlatformActivity } from '../../state/platformActivity.js';
import { useTempStateStore } from '../support/tempStateStore.js';

const sendTimeConfig = (dayPooling: number) => configSchema.parse({ policy: { sendTime: { dayPooling } } }).policy.sendTime;

/** A user busy at a few scattered hours of the week. */
function activity(): Float64Array {
  const counts = new Float64Array(HOURS_PER_WEEK);
  for (const [hour, count] of [[3, 2], [20, 7], [44, 1], [68, 5], [100, 3], [165, 4]]) counts[hour] = count;
  return counts;
}

describe('HourScores', () => {
  const temp = useTempStateStore('hour-scores');

  it.each([0, 0.4])('sums the week per hour of day in dayTotals (day pooling %s)', (dayPooling) => {
    const platform = new PlatformActivity(temp.store, 7);
    const scores = new HourScores('u1', sendTimeConfig(dayPooling), platform, { activityByHourOfWeek: activity });
    const byHour = new Array<number>(24).fill(0);
    for (let h = 0; h < HOURS_PER_WEEK; h++) byHour[h % 24] += scores.score(h);
    const totals = scores.dayTotals();
    expect(totals).toHaveLength(24);
    for (let hour = 0; hour < 24; hour++) expect(totals[hour]).toBeCloseTo(byHour[hour], 12);
    // The user's busiest hour of day (20:00) leads.
    expect(totals.indexOf(Math.max(...totals))).toBe(20);
  });

  it('builds one set of scores per user until cleared', () => {
    const platform = new PlatformActivity(temp.store, 7);
    let reads = 0;
    const memo = new HourScoresMemo(sendTimeConfig(0.4), platform, { activityByHourOfWeek: () => (reads++, activity()) });
    const first = memo.of('u1');
    expect(memo.of('u1')).toBe(first);
    expect(reads).toBe(1);
    memo.of('u2');
    memo.clear();
    expect(memo.of('u1')).not.toBe(first);
    expect(reads).toBe(3);
  });
});

/** bestSendTime as it was written before it read each step's offset once: three zone lookups per hour. */
function bestSendTimeByLookups(scores: HourScores, zone: string, now: number, until: number, quiet: QuietHoursConfig) {
  const window = quietWindow(quiet);
  const allowed = (time: number) => !quiet.enabled || !inQuietWindow(window, localMinuteOfDay(zone, time));
  const nowScore = scores.score(hourOfWeek(zone, now));
  let best = allowed(now) ? { time: now, score: nowScore, nowScore } : undefined;
  const last = Math.min(until, now + HOURS_PER_WEEK * 3_600_000);
  for (let time = startOfLocalHour(zone, now) + 3_600_000; time <= last; time += 3_600_000) {
    const slot = startOfLocalHour(zone, time);
    if (!allowed(slot)) continue;
    const score = scores.score(hourOfWeek(zone, slot));
    if (best === undefined || score > best.score) best = { time: slot, score, nowScore };
  }
  return best;
}

describe('bestSendTime', () => {
  const temp = useTempStateStore('best-send-time');

  it('chooses what three lookups per hour chose, across DST changes and zones of half and quarter hours', () => {
    const platform = new PlatformActivity(temp.store, 7);
    const scores = new HourScores('u1', sendTimeConfig(0.4), platform, { activityByHourOfWeek: activity });
    const quietOn = configSchema.parse({}).policy.quietHours;
    const quietOff = { ...quietOn, enabled: false };
    // Zones whose DST moves an hour, half an hour (Lord Howe), or whose offsets are not whole hours.
    const transitions: Array<[string, string]> = [
      ['America/New_York', '2026-03-08T07:00:00Z'], ['America/New_York', '2026-11-01T06:00:00Z'],
      ['Europe/London', '2026-03-29T01:00:00Z'], ['Australia/Lord_Howe', '2026-04-04T15:00:00Z'],
      ['Australia/Lord_Howe', '2026-10-03T15:30:00Z'], ['America/St_Johns', '2026-03-08T05:30:00Z'],
      ['Pacific/Chatham', '2026-04-04T14:00:00Z'], ['Asia/Kathmandu', '2026-06-01T00:00:00Z'], ['Asia/Kolkata', '2026-06-01T00:00:00Z'],
    ];
    let seed = 12345;
    const next = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    let laterHours = 0;
    for (const [zone, at] of transitions) {
      for (let i = 0; i < 150; i++) {
        const now = Date.parse(at) + Math.floor((next() - 0.5) * 4 * 86_400_000);
        const until = now + Math.floor(next() * 80 * 3_600_000);
        for (const quiet of [quietOn, quietOff]) {
          const expected = bestSendTimeByLookups(scores, zone, now, until, quiet);
          expect(bestSendTime(scores, zone, now, until, quiet.enabled ? quietWindow(quiet) : undefined), `${zone} ${new Date(now).toISOString()}`).toEqual(expected);
          if (expected !== undefined && expected.time !== now) laterHours++;
        }
      }
    }
    // The comparison covered choices of later hours, not only "now".
    expect(laterHours).toBeGreaterThan(500);
  });
});
