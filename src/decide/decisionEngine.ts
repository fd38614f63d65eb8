// Decides every candidate inside the batch transaction: the policy chain says send (on which
// channel), hold until later, or suppress (with a reason); a send is rendered and becomes an
// outbox entry, counted against the caps; a hold becomes a durable event-time timer, released
// and decided again when the watermark reaches it; every outcome is logged per user with the
// rules' reasons. Delivery receipts (taken from their inbox inside the batch) update channel
// engagement and the log, and a permanent failure is decided again on the next channel.

import { hash } from 'node:crypto';
import type { PushflowConfig } from '../config/schema.js';
import type { Channel, PushflowEvent } from '../events/types.js';
import type { NotificationCandidate } from '../runtime/pipeline.js';
import type { Notification } from '../sinks/sink.js';
import { MessageComposer, UnknownTemplateError } from '../compose/messageComposer.js';
import { loadComposer } from '../compose/loadComposer.js';
import type { StateStore } from '../../state/stateStore.js';
import type { UserSettings, UserStore } from '../../state/userStore.js';
import type { CatalogItem, CatalogStore } from '../../state/catalogStore.js';
import { CapCounters } from '../../state/capCounters.js';
import { ChannelEngagement } from '../../state/channelEngagement.js';
import { DecisionLog } from '../../state/decisionLog.js';
import { DeliveryReceipts, type DeliveryReceipt } from '../../state/deliveryReceipts.js';
import { PlatformActivity } from '../../state/platformActivity.js';
import { ScheduledSends, type HeldSend, type ScheduledSend } from '../../state/scheduledSends.js';
import { addressOf, preferenceOrder, unknownUserChannels } from './channelChoice.js';
import { countDispatch } from './frequencyCaps.js';
import type { PolicyContext } from './policy.js';
import type { Reason } from './reasons.js';
import { PolicyChain } from './policyChain.js';
import { ChannelRateLimits } from './rateLimit.js';
import { NO_SIGNALS, type SendTimeSignals } from './sendTimeSignals.js';
import { HourScoresMemo } from './sendTime.js';
import { hourOfWeek, isValidTimeZone } from './zonedTime.js';
import { FeedbackLearning } from '../learn/feedbackLearning.js';
import { MessageValue } from './valueBudget.js';
import { ProfileStore } from '../../state/profileStore.js';
import type { TriggerPorts } from '../../pipelines/ports.js';

const HOUR_MS = 3_600_000;
const ZONE_CACHE_LIMIT = 200_000;
/** Users and items kept decoded between decisions; dropped when their events arrive (see `observe`). */
const READ_CACHE_LIMIT = 100_000;
/**
 * Passes of one `releaseDue`: each takes only what the one before held again to a time the
 * watermark has already reached (a send-time hour inside a long replay batch). The bound keeps a
 * chain of such holds from spinning; what is left is due at the next batch.
 */
const RELEASE_ROUNDS = 4;

/** The id of the notification a dedupe key gives: the same candidate always gets the same id. */
export function notificationId(dedupeKey: string): string {
  return hash('sha256', dedupeKey, 'base64url').slice(0, 24);
}

/** The fields every notification carries: its id, its candidate's, the channel, and the rendered copy. */
export function notificationOf(
  id: string,
  candidate: NotificationCandidate,
  channel: Channel,
  rendered: { locale: string; title: string; body: string },
  decidedAt: number,
  ingestedAt: number,
): Notification {
  return {
    id,
    userId: candidate.userId,
    type: candidate.type,
    priority: candidate.priority,
    channel,
    locale: rendered.locale,
    title: rendered.title,
    body: rendered.body,
    decidedAt,
    ingestedAt,
    payload: candidate.payload,
  };
}

/** `reasons`: each rule's note, as text with `reasonTexts` (reasons.ts). */
export type DecisionResult =
  | { outcome: 'queued'; notification: Notification; reasons: Reason[] }
  | { outcome: 'deferred'; notificationId: string; reason: string; until: number; reasons: Reason[] }
  | { outcome: 'suppressed'; notificationId: string; reason: string; reasons: Reason[] };

/** The set of notification ids already queued (the runtime's), to never queue one twice. */
export interface IssuedIds {
  has(id: string, time: number): boolean;
  addIfAbsent(id: string, time: number): boolean;
}

export interface DecisionEngineOptions {
  config: PushflowConfig;
  store: StateStore;
  users: UserStore;
  catalog: CatalogStore;
  issued: IssuedIds;
  /** Best-send-time inputs from profiles, segments and the behaviour model; absent: the platform's pattern. */
  signals?: SendTimeSignals;
  /** The models the process connected; the policy reads `purchasePropensity` (the propensity gate). */
  ports?: Partial<Pick<TriggerPorts, 'purchasePropensity'>>;
  /** Defaults to the templates named by `config.templates`, validated now. */
  composer?: MessageComposer;
}

export class DecisionEngine {
  readonly caps: CapCounters;
  readonly scheduled: ScheduledSends;
  readonly engagement: ChannelEngagement;
  readonly log: DecisionLog;
  readonly receipts: DeliveryReceipts;
  readonly platform: PlatformActivity;
  readonly composer: MessageComposer;
  readonly chain: PolicyChain;
  /** Feedback learning (src/learn): experiments, fatigue, the variant bandit, the sent-notification ledger. */
  readonly learning: FeedbackLearning;
  /** Expected clicks of a marketing message (the value-aware daily budget). */
  readonly value: MessageValue;
  /** Hour scores built during one decision (or one ranking of released sends), cleared before the next. */
  private readonly hourScores: HourScoresMemo;
  private readonly zones = new Map<string, string>();
  private readonly userCache = new Map<string, UserSettings | null>();
  private readonly itemCache = new Map<string, CatalogItem | null>();
  private readonly config: PushflowConfig;
  private readonly learnsPlatformPattern: boolean;

  constructor(private readonly options: DecisionEngineOptions) {
    const { config, store } = options;
    this.config = config;
    this.learnsPlatformPattern = config.policy.enabled && config.policy.sendTime.enabled;
    this.caps = new CapCounters(store);
    this.scheduled = new ScheduledSends(store);
    this.engagement = new ChannelEngagement(store);
    this.log = new DecisionLog(store, config.policy.historyDays * 86_400_000);
    this.receipts = new DeliveryReceipts(store);
    this.platform = new PlatformActivity(store, config.policy.sendTime.platformHalfLifeDays);
    this.composer = options.composer ?? loadComposer(config);
    this.learning = FeedbackLearning.of(store, config);
    const signals = this.learning.sendTimeSignals(options.signals ?? NO_SIGNALS);
    this.hourScores = new HourScoresMemo(config.policy.sendTime, this.platform, signals);
    const fatigue = config.learning.enabled && config.learning.fatigue.enabled ? (userId: string, time: number) => this.learning.fatigue(userId, time) : undefined;
    this.value = new MessageValue({
      config,
      engagement: this.engagement,
      hourScores: this.hourScores,
      profiles: ProfileStore.open(store, config.profile),
      categoryOf: (itemId) => this.item(itemId)?.categoryId,
      fatigue,
    });
    this.chain = new PolicyChain(config.policy, {
      caps: this.caps,
      engagement: this.engagement,
      rateLimits: new ChannelRateLimits(config.policy.rateLimit),
      hourScores: this.hourScores,
      learning: this.learning,
      purchasePropensity: options.ports?.purchasePropensity,
      budget: { scheduled: this.scheduled, value: this.value },
    });
  }

  /** Decides a fresh candidate. Call inside the batch transaction. */
  decide(candidate: NotificationCandidate, ingestedAt: number): DecisionResult {
    const id = notificationId(candidate.dedupeKey);
    // Replays and re-fired timers reproduce the same candidate: the id says it was queued already.
    if (this.options.issued.has(id, candidate.time)) return { outcome: 'suppressed', notificationId: id, reason: 'duplicate', reasons: [] };
    return this.run(candidate, id, candidate.time, ingestedAt, undefined);
  }

  /**
   * Releases the held messages due at `watermark` and decides them again. A release held once more
   * to a time the watermark has passed too (a rate-limit slot seconds on) is released in the same
   * call, up to `RELEASE_ROUNDS` times, rather than waiting for the next batch.
   */
  releaseDue(watermark: number): DecisionResult[] {
    const results: DecisionResult[] = [];
    for (let round = 0; round < RELEASE_ROUNDS && this.scheduled.hasDue(watermark); round++) {
      for (const timer of this.bestFirst(this.scheduled.takeDue(watermark))) {
        const held = timer.payload;
        if (this.options.issued.has(timer.id, held.candidate.time)) {
          results.push({ outcome: 'suppressed', notificationId: timer.id, reason: 'duplicate', reasons: [] });
          continue;
        }
        results.push(this.run(held.candidate, timer.id, timer.due, held.ingestedAt, held, watermark));
      }
    }
    return results;
  }

  /**
   * Held sends due at the same time, marketing of higher value first (the daily budget takes the
   * best of them); otherwise in due order.
   */
  private bestFirst(due: HeldSend[]): HeldSend[] {
    const { budget } = this.config.policy;
    if (!budget.enabled || !this.config.policy.enabled || due.length < 2) return due;
    this.hourScores.clear();
    const valueOf = new Map<HeldSend, number>();
    for (const held of due) {
      const { candidate } = held.payload;
      if (candidate.priority !== 'marketing') continue;
      const zone = this.zoneOfUser(candidate.userId);
      const channel = held.payload.reservedChannel ?? preferenceOrder(candidate.type, candidate.channel, this.config.policy.channels, this.config.defaults.channels)[0];
      valueOf.set(held, this.value.of(candidate, zone, held.due, channel));
    }
    return due
      .map((held, index) => ({ held, index }))
      .sort((a, b) => a.held.due - b.held.due || (valueOf.get(b.held) ?? Infinity) - (valueOf.get(a.held) ?? Infinity) || a.index - b.index)
      .map(({ held }) => held);
  }

  /**
   * Takes delivery receipts from their inbox: engagement, the decision log, and a new decision on
   * the next channel for each permanent failure. Call inside the batch transaction.
   */
  applyReceipts(now: number, limit = 10_000): { receipts: DeliveryReceipt[]; fallbacks: DecisionResult[] } {
    const receipts = this.receipts.take(limit);
    const fallbacks: DecisionResult[] = [];
    for (const receipt of receipts) {
      this.log.append(receipt.userId, {
        at: Number.isFinite(now) ? now : receipt.at,
        deliveredAt: receipt.at,
        notificationId: receipt.notificationId,
        type: receipt.type,
        outcome: receipt.outcome,
        channel: receipt.channel,
        ...(receipt.error !== undefined ? { reason: receipt.error } : {}),
      });
      if (receipt.outcome === 'sent') this.engagement.record(receipt.userId, receipt.channel, { sent: 1 });
      else this.engagement.record(receipt.userId, receipt.channel, { failed: 1 });
      if (receipt.outcome !== 'failed' || receipt.retry === undefined) continue;
      const { retry } = receipt;
      const candidate: NotificationCandidate = {
        type: receipt.type,
        priority: retry.priority,
        userId: receipt.userId,
        dedupeKey: retry.dedupeKey,
        time: retry.time,
        payload: retry.payload,
      };
      const excluded = retry.excludedChannels;
      const id = notificationId(`${retry.dedupeKey}|fallback:${excluded.join(',')}`);
      if (this.options.issued.has(id, candidate.time)) continue;
      const eventTime = Number.isFinite(now) ? Math.max(now, retry.time) : retry.time;
      const held: ScheduledSend = { candidate, reason: 'fallback', heldAt: eventTime, validUntil: this.validUntil(candidate), excludedChannels: excluded, ingestedAt: Date.now() };
      fallbacks.push(this.run(candidate, id, eventTime, held.ingestedAt, held));
    }
    return { receipts, fallbacks };
  }

  /** Learns from the stream: the platform's activity pattern, zone changes, engagement feedback. */
  observe(event: PushflowEvent): void {
    switch (event.kind) {
      case 'behavior':
        // The platform's pattern serves best send time only; without it, no per-event zone lookup.
        if (this.learnsPlatformPattern) this.platform.add(hourOfWeek(this.zoneOfUser(event.userId), event.time), event.time);
        return;
      case 'user':
        this.zones.delete(event.userId);
        this.userCache.delete(event.userId);
        return;
      case 'feedback':
        if ((event.type === 'opened' || event.type === 'clicked') && event.channel !== undefined) {
          this.engagement.record(event.userId, event.channel, { engaged: 1 });
        }
        return;
      case 'catalog':
        this.itemCache.delete(event.itemId);
        return;
    }
  }

  /** Writes back what was kept in memory during the batch, and forgets old history. Call inside the batch transaction. */
  endBatch(watermark: number): void {
    this.platform.flush();
    this.log.flush();
    this.learning.flush();
    this.log.expire(watermark);
  }

  /** The user's zone, or the default one when unknown or invalid. */
  zoneOf(timeZone: string | undefined): string {
    return timeZone !== undefined && isValidTimeZone(timeZone) ? timeZone : this.config.defaults.timeZone;
  }

  private zoneOfUser(userId: string): string {
    let zone = this.zones.get(userId);
    if (zone === undefined) {
      zone = this.zoneOf(this.user(userId)?.timeZone);
      if (this.zones.size >= ZONE_CACHE_LIMIT) this.zones.clear();
      this.zones.set(userId, zone);
    }
    return zone;
  }

  /** The user's settings, read through a bounded cache that `observe` keeps current. */
  private user(userId: string): UserSettings | undefined {
    let user = this.userCache.get(userId);
    if (user === undefined) {
      user = this.options.users.get(userId) ?? null;
      if (this.userCache.size >= READ_CACHE_LIMIT) this.userCache.clear();
      this.userCache.set(userId, user);
    }
    return user ?? undefined;
  }

  private item(itemId: string): CatalogItem | undefined {
    let item = this.itemCache.get(itemId);
    if (item === undefined) {
      item = this.options.catalog.get(itemId) ?? null;
      if (this.itemCache.size >= READ_CACHE_LIMIT) this.itemCache.clear();
      this.itemCache.set(itemId, item);
    }
    return item ?? undefined;
  }

  private validUntil(candidate: NotificationCandidate): number {
    if (candidate.priority === 'transactional') return Infinity;
    const named = candidate.payload.validUntil;
    if (typeof named === 'number' && Number.isFinite(named)) return named;
    return candidate.time + this.config.policy.sendTime.validityHours * HOUR_MS;
  }

  private run(candidate: NotificationCandidate, id: string, now: number, ingestedAt: number, held: ScheduledSend | undefined, horizon?: number): DecisionResult {
    this.hourScores.clear();
    const user = this.user(candidate.userId);
    const zone = this.zoneOf(user?.timeZone);
    const context: PolicyContext = {
      candidate,
      user,
      zone,
      now,
      validUntil: held?.validUntil ?? this.validUntil(candidate),
      released: held,
      horizon,
      channels: preferenceOrder(candidate.type, candidate.channel, this.config.policy.channels, this.config.defaults.channels),
      reasons: held !== undefined ? [['released: {} hold from {t}', held.reason, held.heldAt]] : [],
    };
    const verdict = this.chain.apply(context);
    if ('suppress' in verdict) return this.suppressed(candidate, id, now, verdict.suppress, context.reasons);
    if ('defer' in verdict) {
      const send: ScheduledSend = {
        candidate,
        reason: verdict.reason,
        heldAt: now,
        validUntil: context.validUntil,
        ingestedAt,
      };
      if (verdict.reservedChannel !== undefined) send.reservedChannel = verdict.reservedChannel;
      if (verdict.timed === true) send.timed = true;
      if (held?.excludedChannels !== undefined) send.excludedChannels = held.excludedChannels;
      this.scheduled.schedule(id, verdict.defer, send);
      this.log.append(candidate.userId, { at: now, notificationId: id, type: candidate.type, outcome: 'deferred', reason: verdict.reason, until: verdict.defer, reasons: context.reasons });
      return { outcome: 'deferred', notificationId: id, reason: verdict.reason, until: verdict.defer, reasons: context.reasons };
    }
    // From here on, the time the message goes out: a reached rate-limit slot, or now.
    const at = context.sendAt ?? now;
    const channel = context.channels[0];
    const locale = user?.locale ?? this.config.defaults.locale;
    const itemId = candidate.payload.itemId;
    const item = typeof itemId === 'string' ? this.item(itemId) : undefined;
    let rendered;
    try {
      rendered = this.composer.render({ candidate, channel, locale, timeZone: zone, item, chooseVariant: (eligible) => this.learning.chooseVariant(candidate, eligible, at) });
    } catch (error) {
      if (error instanceof UnknownTemplateError) return this.suppressed(candidate, id, now, 'no_template', context.reasons);
      throw error;
    }
    if (!this.options.issued.addIfAbsent(id, candidate.time)) return { outcome: 'suppressed', notificationId: id, reason: 'duplicate', reasons: context.reasons };
    if (candidate.priority === 'marketing' && this.config.policy.enabled && (this.config.policy.caps.enabled || this.config.policy.budget.enabled)) {
      countDispatch(this.caps, candidate.userId, channel, zone, at);
    }
    const contacts = user?.channels ?? unknownUserChannels(candidate.userId, this.config.policy.unknownUsers);
    // Fields are added to the common ones rather than spread into a new object: a spread copy of
    // a notification was about half of this function's own time in a profile.
    const notification: Notification = notificationOf(id, candidate, channel, rendered, at, ingestedAt);
    notification.variant = rendered.variant;
    notification.dedupeKey = candidate.dedupeKey;
    notification.candidateTime = candidate.time;
    const to = addressOf(contacts, channel);
    if (to !== undefined) notification.to = to;
    if (rendered.html !== undefined) notification.html = rendered.html;
    if (held?.excludedChannels !== undefined) notification.excludedChannels = held.excludedChannels;
    this.learning.recordQueued(notification, at);
    this.log.append(candidate.userId, { at, notificationId: id, type: candidate.type, outcome: 'queued', channel, reasons: context.reasons });
    return { outcome: 'queued', notification, reasons: context.reasons };
  }

  private suppressed(candidate: NotificationCandidate, id: string, now: number, reason: string, reasons: Reason[]): DecisionResult {
    this.log.append(candidate.userId, { at: now, notificationId: id, type: candidate.type, outcome: 'suppressed', reason, reasons });
    return { outcome: 'suppressed', notificationId: id, reason, reasons };
  }
}
