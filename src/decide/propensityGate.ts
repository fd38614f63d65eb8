// Propensity gate: marketing of the configured types (browse reminders, digests, campaigns by
// default) is not sent to a user whose behaviour-model probability of buying within 24 hours is
// below `minPurchaseProbability`, except for a deterministic holdout of users, the control group that
// measures what the gate costs in sales and saves in opt-outs.
//
// Why a floor, and only there: propensity is not uplift (a user who buys anyway gains nothing
// from a message either), so we do not rank or target by it. But at the bottom of the scale a
// message is mostly noise: it spends the user's frequency cap and patience for a sale the model
// says will almost surely not happen, and an opt-out there loses the channel for good. So the
// gate drops only that tail, never transactional messages nor alerts the user asked for by their
// interest (carts, price drops, restocks), nor win-back (lapsed users score low by definition).
// It fails open: no trained model, no score for the user, or a score older than its own 24-hour
// horizon lets the message through. A user never scored yet is held a short while
// (`propensity_pending`) while the process scores them outside the batch, then decided with
// whatever is known.

import type { PushflowConfig } from '../config/schema.js';
import type { PropensityReading } from '../../pipelines/ports.js';
import type { PolicyContext, PolicyRule, RuleVerdict } from './policy.js';
import { unitDraw } from '../hash/fnv1a.js';

export type PropensityConfig = PushflowConfig['policy']['propensity'];

/** The hold of a message waiting for its user's scores; rules that time messages still apply on its release. */
export const PROPENSITY_PENDING = 'propensity_pending';

const HORIZON_MS = 24 * 3_600_000;

/**
 * @example
 * propensityGateRule(config.policy.propensity, (userId) => ports.purchasePropensity(userId));
 * // a browse reminder for a user at P(purchase) 0.004 < 0.02: { suppress: 'low_propensity' }
 */
export function propensityGateRule(config: PropensityConfig, propensityOf: (userId: string) => PropensityReading): PolicyRule {
  const types = new Set(config.types);
  return {
    name: 'propensity',
    apply(context: PolicyContext): RuleVerdict {
      const { candidate, released, now } = context;
      if (candidate.priority !== 'marketing' || !types.has(candidate.type)) return undefined;
      const waited = released?.reason === PROPENSITY_PENDING;
      if (released !== undefined && !waited) return undefined;
      const reading = propensityOf(candidate.userId);
      if (reading === 'pending' && !waited) {
        context.reasons.push('propensity: scoring the user');
        return { defer: now + config.waitSeconds * 1000, reason: PROPENSITY_PENDING };
      }
      if (reading === undefined || reading === 'pending') {
        context.reasons.push('propensity: unknown, sent');
        return undefined;
      }
      const { probability, asOf } = reading;
      if (now - asOf > HORIZON_MS) {
        context.reasons.push(['propensity: {3} as of {t} is past its 24 h horizon, sent', probability, asOf]);
        return undefined;
      }
      if (probability >= config.minPurchaseProbability) {
        context.reasons.push(['propensity: {3}', probability]);
        return undefined;
      }
      if (propensityHoldoutDraw(candidate.userId) < config.holdoutShare) {
        context.reasons.push(['propensity: {3} < {}, holdout: sent', probability, config.minPurchaseProbability]);
        return undefined;
      }
      context.reasons.push(['propensity: {3} < {}', probability, config.minPurchaseProbability]);
      return { suppress: 'low_propensity' };
    },
  };
}

/** A deterministic draw in [0, 1) per user (FNV-1a with murmur3's finish), so the holdout is stable across replays. */
export function propensityHoldoutDraw(userId: string): number {
  return unitDraw(`propensity\x1f${userId}`);
}
