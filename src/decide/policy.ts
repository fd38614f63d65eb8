// What every policy rule sees and says. A rule is a small function over the decision in hand:
// it may narrow the channels still open, note what it found, hold the message until later, or
// suppress it with a reason (a fixed label, counted in `notifications_suppressed_total{reason}`).

import type { Channel } from '../events/types.js';
import type { NotificationCandidate } from '../runtime/pipeline.js';
import type { UserSettings } from '../../state/userStore.js';
import type { ScheduledSend } from '../../state/scheduledSends.js';
import type { Reason } from './reasons.js';

export type Category = NotificationCandidate['priority'];

export interface PolicyContext {
  readonly candidate: NotificationCandidate;
  /** The user's settings, or undefined for a user with none on record. */
  readonly user: UserSettings | undefined;
  /** The user's IANA time zone (or the default one). */
  readonly zone: string;
  /** Event time of the decision. */
  readonly now: number;
  /** Last event time the message may go out at (marketing); Infinity for transactional. */
  readonly validUntil: number;
  /** Set when a held message is released: rules that already had their say pass it. */
  readonly released?: ScheduledSend;
  /**
   * When held messages are released: the watermark the release runs to. A slot at or before it
   * needs no timer (it would be released in the same pass): the message goes at the slot.
   */
  readonly horizon?: number;
  /** Set by a rule that lets the message go later than `now` without a hold (a reached rate-limit slot). */
  sendAt?: number;
  /** Channels still open, best first; rules narrow and reorder this. */
  channels: Channel[];
  /** One short note per rule, for `inspect` and the decision log: text made when read (reasons.ts). */
  readonly reasons: Reason[];
}

export type RuleVerdict =
  | undefined
  | { suppress: string }
  | { defer: number; reason: string; reservedChannel?: Channel; timed?: boolean };

export interface PolicyRule {
  readonly name: string;
  apply(context: PolicyContext): RuleVerdict;
  /**
   * Timing rules only: when to release a message that an earlier rule holds until `earliest` at
   * the soonest (quiet hours), so that it waits on one durable timer instead of being released
   * at `earliest` only to be held again. Undefined: the rule does not time this message.
   */
  retime?(context: PolicyContext, earliest: number): number | undefined;
}

/** Suppression and deferral reasons, as counted in metrics (a fixed set: metric labels). */
export const SUPPRESSION_REASONS = [
  'consent_marketing',
  'consent_transactional',
  'no_consented_channel',
  'fallback_exhausted',
  'quiet_hours_expired',
  'cap_daily',
  'cap_weekly',
  'cap_channel_daily',
  'cap_channel_weekly',
  'deferred_cap_daily',
  'deferred_cap_weekly',
  'deferred_cap_channel_daily',
  'deferred_cap_channel_weekly',
  'rate_limited',
  'no_template',
  'duplicate',
  'holdout',
  'fatigued',
  'low_propensity',
  'low_value',
  'budget_spent',
  'budget_outranked',
] as const;

export const DEFERRAL_REASONS = ['quiet_hours', 'send_time', 'rate_limit', 'propensity_pending'] as const;

/**
 * Whether the message in hand was released from a hold of the timing rules (quiet hours, send
 * time, rate limit) or a channel fallback: those already had their say. A message that only
 * waited for its user's scores (`propensity_pending`) is decided as a new one.
 */
export function releasedFromTimingHold(context: PolicyContext): boolean {
  return context.released !== undefined && context.released.reason !== 'propensity_pending';
}

/** Holds a later timing rule may time (`PolicyRule.retime`): the night's. */
export function retimable(reason: string): boolean {
  return reason === 'quiet_hours';
}
