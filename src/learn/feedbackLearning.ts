// What pushflow learns from what users do with its messages, in one place per LMDB environment:
// the policy asks it (holdout, caps lowered by fatigue or set by an experiment arm, send time on
// or off per arm, the template variant: an arm's, else the bandit's) and tells it what was
// queued; the feedback pipeline (pipelines/feedback.ts) tells it what came back (delivered,
// opened, clicked, unsubscribed, purchases) and when a message went unopened. Everything runs
// inside the batch transaction, so it is exactly once like the rest of the state.

import type { PushflowConfig } from '../config/schema.js';
import type { ArmConfig, ExperimentConfig } from '../config/learningSchema.js';
import type { BehaviorEvent, Channel, FeedbackEvent } from '../events/types.js';
import type { NotificationCandidate } from '../runtime/pipeline.js';
import type { Notification } from '../sinks/sink.js';
import type { PolicyContext, PolicyRule, RuleVerdict } from '../decide/policy.js';
import type { SendTimeSignals } from '../decide/sendTimeSignals.js';
import { hourOfWeek } from '../decide/zonedTime.js';
import { Random } from '../sources/simulator/random.js';
import { profileTriggerPorts } from '../profile/profilePorts.js';
import type { StateStore } from '../../state/stateStore.js';
import { FeedbackLedger, type SentNotification } from '../../state/feedbackLedger.js';
import { ExperimentStats, type ArmCounts } from '../../state/experimentStats.js';
import { BanditPosteriors } from '../../state/banditPosteriors.js';
import { UserFeedbackState } from '../../state/userFeedbackState.js';
import { assignArm } from './experimentAssignment.js';
import { thompsonChoice } from './thompsonSampling.js';
import type { LearningMetrics } from './learningMetrics.js';
import { itemIdsOf } from '../decide/messageItems.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** A sent notification's record is kept this long after sending (late opens, clicks). */
const LEDGER_DAYS = 7;
/** Opens are worth this many behaviour events in the user's send-time counts. */
const OPEN_WEIGHT = 3;
const ALL_SEGMENTS = 'all';
/**
 * An implicit experiment every user is in, with one arm: the counts of all traffic (what
 * `pushflow simulate` reports as attributed purchases, and the baseline row of the report).
 */
export const ALL_TRAFFIC: ExperimentConfig = { name: 'all', salt: 'all', enabled: true, arms: [{ name: 'all', weight: 1, holdout: false }] };

export interface CapPair {
  daily: number;
  weekly: number;
}

const opened = new WeakMap<StateStore, FeedbackLearning>();

export class FeedbackLearning {
  readonly ledger: FeedbackLedger;
  readonly stats: ExperimentStats;
  readonly posteriors: BanditPosteriors;
  /** Per channel, the event time of the latest open or click: whether engagement is reported there. */
  private readonly lastEngagementAt = new Map<Channel, number>();
  readonly users: UserFeedbackState;
  /** Set by the feedback pipeline when the process exports metrics. */
  metrics: LearningMetrics | undefined;
  /** The user's segment for the bandit (profiles' by default; 'all' when unknown). */
  segmentOf: (userId: string) => string | undefined;
  private readonly random: Random;
  private readonly experiments: ExperimentConfig[];
  /** What the last `chooseVariant` did, read by `recordQueued` right after (same decision). */
  private lastChoice: { bandit: boolean; segment: string } = { bandit: false, segment: ALL_SEGMENTS };

  private constructor(
    store: StateStore,
    private readonly config: PushflowConfig,
  ) {
    const { learning } = config;
    this.ledger = new FeedbackLedger(store);
    this.stats = new ExperimentStats(store);
    this.posteriors = new BanditPosteriors(store);
    this.users = new UserFeedbackState(store, learning.fatigue.halfLifeDays);
    this.random = new Random(learning.bandit.seed, 11);
    this.experiments = [ALL_TRAFFIC, ...config.experiments.filter((experiment) => experiment.enabled && experiment.name !== ALL_TRAFFIC.name)];
    const profiles = profileTriggerPorts(store, config);
    this.segmentOf = (userId) => profiles.userSegment(userId);
  }

  /** The learning state of a data directory, one per LMDB environment (the policy and the pipeline share it). */
  static of(store: StateStore, config: PushflowConfig): FeedbackLearning {
    let learning = opened.get(store);
    if (learning === undefined) opened.set(store, (learning = new FeedbackLearning(store, config)));
    return learning;
  }

  get enabled(): boolean {
    return this.config.learning.enabled;
  }

  /** The user's arm in each enabled experiment. */
  arms(userId: string): Map<ExperimentConfig, ArmConfig> {
    const arms = new Map<ExperimentConfig, ArmConfig>();
    for (const experiment of this.experiments) arms.set(experiment, assignArm(experiment, userId));
    return arms;
  }

  // ---- the policy's questions -------------------------------------------------------------

  /**
   * The rules with learning applied: the holdout after consent, caps from the arm and the
   * user's fatigue, send time per arm. `makeCaps` builds the caps rule with a per-decision total.
   */
  adaptRules(rules: readonly PolicyRule[], makeCaps: (totals: (context: PolicyContext) => CapPair) => PolicyRule, baseTotals: CapPair): PolicyRule[] {
    if (!this.enabled) return [...rules];
    const adapted: PolicyRule[] = [];
    for (const rule of rules) {
      if (rule.name === 'caps') {
        // With the value budget on, fatigue is a factor of each message's value (src/decide/valueBudget.ts):
        // a gate on top would count it twice, and drop digests better than what the budget sends.
        const valued = this.config.policy.enabled && this.config.policy.budget.enabled;
        if (this.config.learning.fatigue.enabled && !valued) adapted.push(this.fatigueGateRule());
        adapted.push(makeCaps((context) => this.totalCaps(context, baseTotals)));
      }
      else if (rule.name === 'send_time') adapted.push(this.sendTimePerArm(rule));
      else adapted.push(rule);
      if (rule.name === 'consent') adapted.push(this.experimentRule());
    }
    return adapted;
  }

  /**
   * Right after consent: a marketing candidate exposes its user in every experiment (the same
   * definition for every arm: a message the user may receive was decided), and is suppressed
   * when the user is in a holdout arm.
   */
  experimentRule(): PolicyRule {
    return {
      name: 'experiments',
      apply: (context: PolicyContext): RuleVerdict => {
        if (context.candidate.priority !== 'marketing' || context.released !== undefined) return undefined;
        let withheld: string | undefined;
        for (const [experiment, arm] of this.arms(context.candidate.userId)) {
          this.expose(experiment.name, arm.name, context.candidate.userId, context.now);
          if (!arm.holdout) continue;
          this.countArm(experiment.name, arm.name, { withheld: 1 }, 'withheld');
          withheld ??= `${experiment.name}/${arm.name}`;
        }
        if (withheld === undefined) return undefined;
        context.reasons.push(['experiment: holdout {}', withheld]);
        return { suppress: 'holdout' };
      },
    };
  }

  /**
   * Suppresses marketing the user did not ask for (not an intent type) while their fatigue is at
   * or above `gateAbove`, and any marketing at or above `intentGateAbove`; opens and clicks, or
   * time, bring it down again.
   */
  fatigueGateRule(): PolicyRule {
    const { gateAbove, intentGateAbove, intentTypes } = this.config.learning.fatigue;
    const intent = new Set(intentTypes);
    return {
      name: 'fatigue',
      apply: (context: PolicyContext): RuleVerdict => {
        const { candidate } = context;
        if (candidate.priority !== 'marketing') return undefined;
        const gate = intent.has(candidate.type) ? intentGateAbove : gateAbove;
        const score = this.fatigue(candidate.userId, context.now);
        if (score < gate) return undefined;
        context.reasons.push(['fatigue: {2} >= {}', score, gate]);
        return { suppress: 'fatigued' };
      },
    };
  }

  /** The total caps for this decision: the arm's (if it sets them), scaled down by fatigue (except for intent types). */
  totalCaps(context: PolicyContext, base: CapPair): CapPair {
    let { daily, weekly } = base;
    for (const arm of this.arms(context.candidate.userId).values()) {
      if (arm.dailyCap !== undefined) daily = arm.dailyCap;
      if (arm.weeklyCap !== undefined) weekly = arm.weeklyCap;
    }
    const { fatigue } = this.config.learning;
    if (!fatigue.enabled || fatigue.intentTypes.includes(context.candidate.type)) return { daily, weekly };
    const score = this.fatigue(context.candidate.userId, context.now);
    if (score > 0) context.reasons.push(['fatigue: {2}', score]);
    return {
      daily: Math.min(daily, Math.max(fatigue.minDaily, Math.round(daily * (1 - score)))),
      weekly: Math.min(weekly, Math.max(fatigue.minWeekly, Math.round(weekly * (1 - score)))),
    };
  }

  /** Fatigue in [0, 1): ignored / (ignored + engagedWeight * engaged + priorIgnored), decayed. */
  fatigue(userId: string, time: number): number {
    const state = this.users.get(userId, time);
    if (state === undefined) return 0;
    const { engagedWeight, priorIgnored } = this.config.learning.fatigue;
    return state.ignored / (state.ignored + engagedWeight * state.engaged + priorIgnored);
  }

  private sendTimePerArm(rule: PolicyRule): PolicyRule {
    const timesFor = (userId: string) => {
      for (const arm of this.arms(userId).values()) if (arm.sendTime === false) return false;
      return true;
    };
    const adapted: PolicyRule = {
      name: rule.name,
      apply: (context) => (timesFor(context.candidate.userId) ? rule.apply(context) : undefined),
    };
    const retime = rule.retime;
    if (retime !== undefined) adapted.retime = (context, earliest) => (timesFor(context.candidate.userId) ? retime.call(rule, context, earliest) : undefined);
    return adapted;
  }

  /**
   * The template variant among `eligible` (those the template has for this channel and locale):
   * an arm's fixed variant, else the bandit's choice when the type has several; undefined lets
   * the composer pick by hash.
   */
  chooseVariant(candidate: NotificationCandidate, eligible: readonly string[], now: number): string | undefined {
    this.lastChoice = { bandit: false, segment: ALL_SEGMENTS };
    if (!this.enabled) return undefined;
    for (const arm of this.arms(candidate.userId).values()) {
      if (arm.variant?.type === candidate.type && eligible.includes(arm.variant.variant)) return arm.variant.variant;
    }
    const { bandit } = this.config.learning;
    if (!bandit.enabled || eligible.length < 2) return undefined;
    const segment = this.segmentOf(candidate.userId) ?? ALL_SEGMENTS;
    const last = this.ledger.lastVariant(candidate.userId, candidate.type);
    const recentSince = now - bandit.recencyDays * DAY_MS;
    const choice = thompsonChoice(
      this.random,
      eligible.map((variant) => ({
        variant,
        outcomes: this.posteriors.get(candidate.type, segment, variant),
        recent: last !== undefined && last.variant === variant && last.at >= recentSince,
      })),
      bandit.recencyPenalty,
    );
    this.lastChoice = { bandit: true, segment };
    if (choice !== undefined) this.metrics?.banditChoices.inc({ type: candidate.type, variant: choice });
    return choice;
  }

  /** A notification entered the outbox: the ledger, the arms' exposures, the bandit's impression. */
  recordQueued(notification: Notification, now: number): void {
    if (!this.enabled) return;
    const arms: Record<string, string> = {};
    const marketing = notification.priority === 'marketing';
    for (const [experiment, arm] of this.arms(notification.userId)) {
      arms[experiment.name] = arm.name;
      if (!marketing) continue;
      this.expose(experiment.name, arm.name, notification.userId, now);
      this.countArm(experiment.name, arm.name, { sent: 1 }, 'sent');
    }
    const variant = notification.variant ?? 'default';
    const choice = this.lastChoice;
    this.lastChoice = { bandit: false, segment: ALL_SEGMENTS };
    if (choice.bandit) this.posteriors.add(notification.type, choice.segment, variant, { impressions: 1 });
    const sent: SentNotification = {
      id: notification.id,
      userId: notification.userId,
      type: notification.type,
      channel: notification.channel,
      variant,
      priority: notification.priority,
      sentAt: now,
      arms,
      segment: choice.segment,
      bandit: choice.bandit,
      itemIds: itemIdsOf(notification.payload),
    };
    const ignoreAfter = this.config.learning.fatigue.ignoreAfterHours * HOUR_MS;
    this.ledger.record(sent, now + ignoreAfter, now + Math.max(ignoreAfter, LEDGER_DAYS * DAY_MS));
  }

  // ---- feedback ----------------------------------------------------------------------------

  /**
   * A feedback event. Returns the clicked item, if a click was on a message about one (the
   * pipeline teaches the recommender with it).
   */
  onFeedback(event: FeedbackEvent, zone: string): { clickedItem?: string } {
    this.metrics?.feedback.inc({ type: event.type });
    if (event.type === 'unsubscribed') {
      this.optOut(event.userId, event.time);
      return {};
    }
    const sent = this.ledger.get(event.notificationId);
    if (sent === undefined || sent.userId !== event.userId) return {};
    const { attributionTouch } = this.config.learning;
    const touch = (kind: 'delivered' | 'opened' | 'clicked') => {
      const rank = { delivered: 0, opened: 1, clicked: 2 };
      if (rank[kind] < rank[attributionTouch]) return;
      this.ledger.setLastTouch(sent.userId, { notificationId: sent.id, type: sent.type, variant: sent.variant, arms: sent.arms, touch: kind, at: event.time });
    };
    switch (event.type) {
      case 'delivered':
        if (sent.delivered) return {};
        sent.delivered = true;
        this.ledger.update(sent);
        this.countSent(sent, { delivered: 1 }, 'delivered');
        touch('delivered');
        return {};
      case 'opened':
        this.engagementSeen(sent.channel, event.time);
        this.open(sent, event.time, zone);
        touch('opened');
        return {};
      case 'clicked': {
        this.engagementSeen(sent.channel, event.time);
        this.open(sent, event.time, zone);
        if (sent.clicked) return {};
        sent.clicked = true;
        this.ledger.update(sent);
        this.countSent(sent, { clicked: 1 }, 'clicked');
        if (sent.bandit && this.config.learning.bandit.reward === 'click') this.posteriors.add(sent.type, sent.segment, sent.variant, { successes: 1 });
        touch('clicked');
        return sent.itemIds.length > 0 ? { clickedItem: sent.itemIds[0] } : {};
      }
    }
  }

  /** A purchase: attributed to the last touch within the window; converts exposed users. */
  onPurchase(event: BehaviorEvent): void {
    const revenue = (event.price ?? 0) * (event.quantity ?? 1);
    const last = this.ledger.lastTouch(event.userId);
    if (last !== undefined && event.time >= last.at && event.time - last.at <= this.config.learning.attributionHours * HOUR_MS) {
      this.metrics?.attributedPurchases.inc({ type: last.type });
      for (const [experiment, arm] of Object.entries(last.arms)) this.countArm(experiment, arm, { attributed: 1, attributedRevenue: revenue }, 'attributed');
    }
    for (const experiment of this.experiments) {
      const exposure = this.stats.exposure(experiment.name, event.userId);
      if (exposure === undefined || event.time < exposure.exposedAt) continue;
      const before = exposure.purchases ?? 0;
      // (n + 1)² - n² = 2n + 1: the arm's sum of squares follows each user's count.
      this.stats.add(experiment.name, exposure.arm, { purchases: 1, purchasesSquared: 2 * before + 1 });
      this.stats.setExposure(experiment.name, event.userId, { ...exposure, converted: true, purchases: before + 1 });
      if (exposure.converted) continue;
      this.countArm(experiment.name, exposure.arm, { converters: 1 }, 'converted');
    }
  }

  /** Writes what is kept in memory during a batch (arm counts, bandit posteriors). Inside the batch transaction, at its end. */
  flush(): void {
    this.stats.flush();
    this.posteriors.flush();
  }

  /**
   * The watermark passed: marketing messages not opened in time count as ignored (fatigue), on
   * channels whose opens and clicks reach us. Where none came back lately (a platform that does
   * not report them, as in the Taobao data, or a broken tracking pipe), silence says nothing of
   * the user, and counting it would gate everyone.
   */
  onWatermark(watermark: number): void {
    const liveMs = this.config.learning.fatigue.feedbackLiveHours * HOUR_MS;
    for (const sent of this.ledger.takeChecksDue(watermark)) {
      if (sent.opened || sent.clicked) continue;
      const lastEngagement = this.lastEngagementAt.get(sent.channel);
      if (lastEngagement === undefined || watermark - lastEngagement > liveMs) continue;
      if (this.config.learning.fatigue.enabled) this.users.add(sent.userId, watermark, { ignored: 1 });
    }
  }

  /** Kept in memory: after a restart, ignores count again from the first open or click. */
  private engagementSeen(channel: Channel, time: number): void {
    if (time > (this.lastEngagementAt.get(channel) ?? -Infinity)) this.lastEngagementAt.set(channel, time);
  }

  /** Send-time signals with the hours the user opens messages at added to their activity. */
  sendTimeSignals(base: SendTimeSignals): SendTimeSignals {
    if (!this.enabled) return base;
    return {
      ...base,
      activityByHourOfWeek: (userId) => {
        const own = base.activityByHourOfWeek?.(userId);
        const state = this.users.get(userId, -Infinity);
        if (state === undefined || Object.keys(state.openHours).length === 0) return own;
        const counts = own !== undefined ? Float64Array.from(own) : new Float64Array(168);
        for (const [hour, weight] of Object.entries(state.openHours)) counts[Number(hour)] += OPEN_WEIGHT * weight;
        return counts;
      },
    };
  }

  private open(sent: SentNotification, time: number, zone: string): void {
    if (sent.opened) return;
    sent.opened = true;
    this.ledger.update(sent);
    this.countSent(sent, { opened: 1 }, 'opened');
    if (sent.bandit && this.config.learning.bandit.reward === 'open') this.posteriors.add(sent.type, sent.segment, sent.variant, { successes: 1 });
    if (sent.priority === 'marketing') this.users.add(sent.userId, time, { engaged: 1, openHour: hourOfWeek(zone, time) });
  }

  private optOut(userId: string, time: number): void {
    for (const experiment of this.experiments) {
      const exposure = this.stats.exposure(experiment.name, userId);
      if (exposure === undefined || exposure.optedOut || time < exposure.exposedAt) continue;
      this.stats.setExposure(experiment.name, userId, { ...exposure, optedOut: true });
      this.countArm(experiment.name, exposure.arm, { optOuts: 1 }, 'opted_out');
    }
  }

  private expose(experiment: string, arm: string, userId: string, time: number): void {
    if (this.stats.exposure(experiment, userId) !== undefined) return;
    this.stats.setExposure(experiment, userId, { arm, exposedAt: time });
    this.countArm(experiment, arm, { users: 1 }, 'exposed');
  }

  /** Counts on the arms a sent marketing message belongs to. */
  private countSent(sent: SentNotification, delta: Partial<ArmCounts>, event: string): void {
    if (sent.priority !== 'marketing') return;
    for (const [experiment, arm] of Object.entries(sent.arms)) this.countArm(experiment, arm, delta, event);
  }

  private countArm(experiment: string, arm: string, delta: Partial<ArmCounts>, event: string): void {
    this.stats.add(experiment, arm, delta);
    this.metrics?.experimentEvents.inc({ experiment, arm, event });
  }
}

export type { Channel };
