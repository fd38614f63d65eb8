// The value-aware daily budget: instead of first come, first served under the caps, each marketing
// message is valued in expected clicks, and a user gets only their best ones within a per-user
// budget per local day. Low-value messages are not sent at all (`low_value`); a message is also
// dropped (`budget_outranked`) when the day's sends plus the user's held messages of higher value
// due later the same local day fill the budget, and once the day's budget is spent (`budget_spent`).
// Held messages released at the same time are decided best first (DecisionEngine.releaseDue).
//
// The value is an estimate from what the platform has learnt, never from the simulator: the
// user's engagement rate on the channel (opens and clicks per message), their activity at the hour
// of sending relative to their busiest hour (best-send-time scores), their fatigue, and how well
// the items match the user's category affinities (profiles; an item of the user's own intent,
// carted or watched, counts as relevant at least `intentRelevance`). Not the user's purchase
// propensity: it is the same for all of a user's messages, so it cannot rank them, and across users
// it would favour those who buy anyway, which inflates last-touch attribution without adding a sale
// (see propensityGate.ts). The day's sends are the caps' day count (state/capCounters.ts, LMDB): a
// restart keeps what the day has used.

import type { PushflowConfig } from '../config/schema.js';
import type { Channel } from '../events/types.js';
import type { NotificationCandidate } from '../runtime/pipeline.js';
import type { CapCounters } from '../../state/capCounters.js';
import type { ChannelEngagement } from '../../state/channelEngagement.js';
import type { ScheduledSends } from '../../state/scheduledSends.js';
import type { ProfileStore } from '../../state/profileStore.js';
import { scoreAt } from '../profile/categoryAffinity.js';
import { capPeriods } from './frequencyCaps.js';
import type { PolicyContext, PolicyRule, RuleVerdict } from './policy.js';
import type { HourScoresMemo } from './sendTime.js';
import { itemsOf } from './messageItems.js';
import { hourOfWeek, localDayKey } from './zonedTime.js';

export type BudgetConfig = PushflowConfig['policy']['budget'];

const DAY_MS = 86_400_000;
/** Share of a message's engagement that does not depend on the hour (it is read later too). */
const OFF_HOUR_SHARE = 0.25;
/** Share of the click rate that does not depend on the items (the copy, the brand). */
const ITEM_FREE_SHARE = 0.1;

export interface MessageValueInputs {
  config: PushflowConfig;
  engagement: ChannelEngagement;
  /** The users' hour scores (best send time's), shared with the send-time rule. */
  hourScores: HourScoresMemo;
  profiles: ProfileStore;
  /** The category of an item, as the catalog knows it. */
  categoryOf: (itemId: string) => string | undefined;
  /** Fatigue in [0, 1) (FeedbackLearning.fatigue); absent: none. */
  fatigue?: (userId: string, time: number) => number;
}

/** Expected clicks of a marketing message sent to its user at a given time on a given channel. */
export class MessageValue {
  private readonly intentTypes: Set<string>;
  private readonly halfLifeMs: number;

  constructor(private readonly inputs: MessageValueInputs) {
    this.intentTypes = new Set(inputs.config.learning.fatigue.intentTypes);
    this.halfLifeMs = inputs.config.profile.affinityHalfLifeDays * DAY_MS;
  }

  /**
   * @example
   * value.of(candidate, 'Europe/Berlin', Date.parse('2026-11-03T18:00:00Z'), 'push'); // 0.061
   */
  of(candidate: NotificationCandidate, zone: string, time: number, channel: Channel): number {
    const userId = candidate.userId;
    const engaged = this.engagementRate(userId, channel);
    const activity = OFF_HOUR_SHARE + (1 - OFF_HOUR_SHARE) * this.activity(userId, zone, time);
    const rested = 1 - (this.inputs.fatigue?.(userId, time) ?? 0);
    const relevance = ITEM_FREE_SHARE + (1 - ITEM_FREE_SHARE) * this.relevance(candidate, time);
    return engaged * activity * rested * relevance;
  }

  /** Opens and clicks per message on the channel, shrunk to the channel-choice prior. */
  engagementRate(userId: string, channel: Channel): number {
    const { engagementPriorRate: prior, engagementPriorWeight: weight } = this.inputs.config.policy.channels;
    const stats = this.inputs.engagement.get(userId)?.[channel];
    return ((stats?.engaged ?? 0) + prior * weight) / ((stats?.sent ?? 0) + weight);
  }

  /**
   * The user's activity at the local hour of day of `time` relative to their busiest hour of day,
   * in [0, 1]; 1 when nothing is known. Hours of day pool the seven days of the week: a user's
   * hour-of-week counts are too sparse to compare one slot with the week's best.
   */
  activity(userId: string, zone: string, time: number): number {
    const scores = this.inputs.hourScores.of(userId);
    if (!scores.informative()) return 1;
    const byHour = scores.dayTotals();
    let best = 0;
    for (const score of byHour) best = Math.max(best, score);
    return best > 0 ? byHour[hourOfWeek(zone, time) % 24] / best : 1;
  }

  /**
   * The best match among the message's items: the share of the user's category affinity on the
   * item's category; at least `intentRelevance` for the user's own items; `unknownRelevance` when
   * nothing is known.
   */
  relevance(candidate: NotificationCandidate, time: number): number {
    const budget = this.inputs.config.policy.budget;
    const floor = this.intentTypes.has(candidate.type) ? budget.intentRelevance : 0;
    const items = itemsOf(candidate.payload);
    const affinity = this.inputs.profiles.get(candidate.userId)?.affinity;
    if (items.length === 0 || affinity === undefined || affinity.length === 0) return Math.max(floor, budget.unknownRelevance);
    let total = 0;
    const byCategory = new Map<string, number>();
    for (const entry of affinity) {
      const score = scoreAt(entry, time, this.halfLifeMs);
      total += score;
      byCategory.set(entry.categoryId, score);
    }
    if (total <= 0) return Math.max(floor, budget.unknownRelevance);
    let best = -1;
    for (const { itemId, categoryId } of items) {
      const category = categoryId ?? this.inputs.categoryOf(itemId);
      if (category === undefined) continue;
      best = Math.max(best, (byCategory.get(category) ?? 0) / total);
    }
    return Math.max(floor, best < 0 ? budget.unknownRelevance : best);
  }
}

/**
 * Sends a user's marketing only when it is worth it and among their best of the local day.
 * @example
 * valueBudgetRule(config.policy.budget, { caps, scheduled, value }).apply(context);
 * // a 0.004-click digest: { suppress: 'low_value' }
 */
export function valueBudgetRule(config: BudgetConfig, state: { caps: CapCounters; scheduled: ScheduledSends; value: MessageValue }): PolicyRule {
  return {
    name: 'budget',
    apply(context: PolicyContext): RuleVerdict {
      const { candidate, zone, now } = context;
      if (candidate.priority !== 'marketing') return undefined;
      const channel = context.channels[0];
      const value = state.value.of(candidate, zone, now, channel);
      if (value < config.minValue) {
        context.reasons.push(['budget: value {4} < {}', value, config.minValue]);
        return { suppress: 'low_value' };
      }
      const { day, week } = capPeriods(zone, now);
      const used = state.caps.get(candidate.userId, day, week).day.total;
      if (used >= config.daily) {
        context.reasons.push(['budget: {}/{} used today', used, config.daily]);
        return { suppress: 'budget_spent' };
      }
      let better = 0;
      for (const held of state.scheduled.forUser(candidate.userId, config.lookahead)) {
        const other = held.payload.candidate;
        if (other.priority !== 'marketing' || other.dedupeKey === candidate.dedupeKey || held.due < now) continue;
        if (localDayKey(zone, held.due) !== day) continue;
        if (state.value.of(other, zone, held.due, held.payload.reservedChannel ?? channel) > value) better++;
      }
      if (used + better >= config.daily) {
        context.reasons.push(['budget: value {4}, {} used and {} better held today of {}', value, used, better, config.daily]);
        return { suppress: 'budget_outranked' };
      }
      context.reasons.push(['budget: value {4}, {} used, {} better held, of {}', value, used, better, config.daily]);
      return undefined;
    },
  };
}
