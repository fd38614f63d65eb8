// Best-send-time hour scores: the hour-of-day totals the value budget reads are the week's scores
// summed per hour of day, with and without day pooling; the memo builds one per user until cleared.

import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { HourScores, HourScoresMemo } from '../../src/decide/sendTime.js';
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
