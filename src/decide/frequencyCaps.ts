// Frequency caps per user per calendar day and ISO week in the user's time zone, per channel and
// over all channels, on marketing only (transactional is exempt and not counted). Counted when a
// message is dispatched to the outbox (`countDispatch`), so held messages count on the day they
// go out; one that would break a cap when released is dropped with a `deferred_cap_*` reason.

import type { PushflowConfig } from '../config/schema.js';
import type { Channel } from '../events/types.js';
import type { CapCounters, UserCapCounts } from '../../state/capCounters.js';
import { releasedFromTimingHold, type PolicyContext, type PolicyRule, type RuleVerdict } from './policy.js';
import { localDayKey, localTime, localToInstant, localWeekKey } from './zonedTime.js';

export type CapsConfig = PushflowConfig['policy']['caps'];

export interface CapPeriods {
  readonly day: string;
  readonly week: string;
}

/** Per zone, the local day last asked about: decisions come in event-time order, so most fall in it. */
const lastDayByZone = new Map<string, { from: number; to: number; periods: CapPeriods }>();

/** The user's local calendar day and ISO week at `time`. */
export function capPeriods(zone: string, time: number): CapPeriods {
  const last = lastDayByZone.get(zone);
  if (last !== undefined && time >= last.from && time < last.to) return last.periods;
  const periods: CapPeriods = Object.freeze({ day: localDayKey(zone, time), week: localWeekKey(zone, time) });
  const local = localTime(zone, time);
  const from = localToInstant(zone, local.year, local.month, local.day, 0, 0);
  const to = localToInstant(zone, local.year, local.month, local.day + 1, 0, 0);
  if (from <= time && time < to) lastDayByZone.set(zone, { from, to, periods });
  return periods;
}

/**
 * Closes channels at their cap; suppresses when all are, or when the total cap is reached.
 * @example
 * capsRule(config.policy.caps, counters).apply(context); // { suppress: 'cap_daily' }
 */
export function capsRule(
  config: CapsConfig,
  counters: CapCounters,
  /** The total caps of this decision (experiment arm, fatigue); default `config.total`. */
  totals: (context: PolicyContext) => { daily: number; weekly: number } = () => config.total,
): PolicyRule {
  return {
    name: 'caps',
    apply(context: PolicyContext): RuleVerdict {
      if (context.candidate.priority !== 'marketing') return undefined;
      const { day, week } = capPeriods(context.zone, context.now);
      const counts = counters.get(context.candidate.userId, day, week);
      const prefix = releasedFromTimingHold(context) ? 'deferred_' : '';
      const total = totals(context);
      if (counts.day.total >= total.daily) return { suppress: `${prefix}cap_daily` };
      if (counts.week.total >= total.weekly) return { suppress: `${prefix}cap_weekly` };
      let firstClosed: string | undefined;
      context.channels = context.channels.filter((channel) => {
        const closed = channelCapReached(config, counts, channel);
        firstClosed ??= closed;
        return closed === undefined;
      });
      if (context.channels.length === 0) return { suppress: `${prefix}${firstClosed ?? 'cap_channel_daily'}` };
      const channel = context.channels[0];
      context.reasons.push([
        'caps: {} {}/{} today, {}/{} this week; all {}/{}, {}/{}',
        channel, counts.day.byChannel[channel] ?? 0, config[channel].daily, counts.week.byChannel[channel] ?? 0, config[channel].weekly,
        counts.day.total, total.daily, counts.week.total, total.weekly,
      ]);
      return undefined;
    },
  };
}

function channelCapReached(config: CapsConfig, counts: UserCapCounts, channel: Channel): string | undefined {
  if ((counts.day.byChannel[channel] ?? 0) >= config[channel].daily) return 'cap_channel_daily';
  if ((counts.week.byChannel[channel] ?? 0) >= config[channel].weekly) return 'cap_channel_weekly';
  return undefined;
}

/** Counts a marketing dispatch against the user's caps. Call inside the batch transaction. */
export function countDispatch(counters: CapCounters, userId: string, channel: Channel, zone: string, time: number): void {
  const { day, week } = capPeriods(zone, time);
  counters.increment(userId, channel, day, week);
}
