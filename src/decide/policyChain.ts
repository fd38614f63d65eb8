// The policy chain: the rules in the order they apply to every candidate. Consent first (a refusal
// ends it), then channel choice, the propensity gate (where the behaviour model is connected),
// quiet hours, best send time, frequency caps, the value-aware daily budget and the rate limit;
// a rule may close channels, hold the message for later or suppress it with a reason. With
// `policy.enabled: false` only consent and channel choice remain.

import type { PushflowConfig } from '../config/schema.js';
import type { CapCounters } from '../../state/capCounters.js';
import type { ChannelEngagement } from '../../state/channelEngagement.js';
import { channelChoiceRule } from './channelChoice.js';
import { consentRule } from './consentRule.js';
import { capsRule } from './frequencyCaps.js';
import { retimable, type PolicyContext, type PolicyRule, type RuleVerdict } from './policy.js';
import { quietHoursRule } from './quietHours.js';
import { rateLimitRule, type ChannelRateLimits } from './rateLimit.js';
import { sendTimeRule, type HourScoresMemo } from './sendTime.js';
import { propensityGateRule } from './propensityGate.js';
import type { PropensityReading } from '../../pipelines/ports.js';
import type { FeedbackLearning } from '../learn/feedbackLearning.js';
import type { ScheduledSends } from '../../state/scheduledSends.js';
import { valueBudgetRule, type MessageValue } from './valueBudget.js';

export interface PolicyState {
  caps: CapCounters;
  engagement: ChannelEngagement;
  rateLimits: ChannelRateLimits;
  /** The users' hour scores for best send time (from the platform's pattern and the send-time signals). */
  hourScores: HourScoresMemo;
  /** The behaviour model's purchase propensity (TriggerPorts.purchasePropensity); absent: unknown. */
  purchasePropensity?: (userId: string) => PropensityReading;
  /** Feedback learning (src/learn): experiment holdouts and caps, fatigue-lowered caps, send time per arm. */
  learning?: FeedbackLearning;
  /** The value-aware daily budget's inputs: the user's held messages and the value of a message. */
  budget?: { scheduled: ScheduledSends; value: MessageValue };
}

export type ChainVerdict = { suppress: string } | { defer: number; reason: string; reservedChannel?: PolicyContext['channels'][number]; timed?: boolean } | { send: true };

export class PolicyChain {
  readonly rules: readonly PolicyRule[];

  constructor(config: PushflowConfig['policy'], state: PolicyState) {
    const rules: PolicyRule[] = [consentRule(), channelChoiceRule(config.channels, state.engagement, config.unknownUsers)];
    if (config.enabled) {
      // Before the timing rules: a message the gate drops is not held for later first.
      if (config.propensity.enabled && state.purchasePropensity !== undefined) rules.push(propensityGateRule(config.propensity, state.purchasePropensity));
      if (config.quietHours.enabled) rules.push(quietHoursRule(config.quietHours));
      if (config.sendTime.enabled) rules.push(sendTimeRule(config.sendTime, config.quietHours, state.hourScores));
      if (config.caps.enabled) rules.push(capsRule(config.caps, state.caps));
      if (config.budget.enabled && state.budget !== undefined) rules.push(valueBudgetRule(config.budget, { caps: state.caps, ...state.budget }));
      if (config.rateLimit.enabled) rules.push(rateLimitRule(state.rateLimits));
    }
    this.rules = state.learning !== undefined ? state.learning.adaptRules(rules, (totals) => capsRule(config.caps, state.caps, totals), config.caps.total) : rules;
  }

  /**
   * Runs the rules in order; the first that suppresses or holds decides. A night hold is timed by
   * the timing rule after it (best send time) at once: one timer, released once.
   */
  apply(context: PolicyContext): ChainVerdict {
    const rules = this.rules;
    for (let i = 0; i < rules.length; i++) {
      const verdict: RuleVerdict = rules[i].apply(context);
      if (verdict === undefined) continue;
      if ('defer' in verdict && retimable(verdict.reason)) return this.timed(context, verdict, i + 1);
      return verdict;
    }
    return { send: true };
  }

  private timed(context: PolicyContext, verdict: Extract<RuleVerdict, { defer: number }>, from: number): ChainVerdict {
    for (let i = from; i < this.rules.length; i++) {
      const rule = this.rules[i];
      const due = rule.retime?.(context, verdict.defer);
      if (due !== undefined) return { ...verdict, defer: due, timed: true };
    }
    return verdict;
  }
}
