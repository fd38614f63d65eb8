// Consent: the user's yes or no per category (marketing, transactional) and per channel. Read
// from the user's settings at each decision, so an opt-out takes effect for the next decision,
// including messages already held for later. A user with no settings on record is taken to
// consent to the platform's default channels (`policy.unknownUsers.channels`).

import type { Channel } from '../events/types.js';
import type { Category, PolicyContext, PolicyRule, RuleVerdict } from './policy.js';

/** The note of a category consented to, the same string every time (see reasons.ts). */
const CONSENT_OK: Record<Category, string> = { marketing: 'consent: marketing ok', transactional: 'consent: transactional ok' };

/**
 * Suppresses a category the user refused and closes the channels they refused.
 * @example
 * consentRule().apply(context); // { suppress: 'consent_marketing' } after `consent.marketing: false`
 */
export function consentRule(): PolicyRule {
  return {
    name: 'consent',
    apply(context: PolicyContext): RuleVerdict {
      const consent = context.user?.consent;
      if (consent === undefined) {
        context.reasons.push('consent: no settings on record, platform defaults');
        return undefined;
      }
      const category = context.candidate.priority;
      if (consent[category] === false) return { suppress: category === 'marketing' ? 'consent_marketing' : 'consent_transactional' };
      const refused: Channel[] = [];
      context.channels = context.channels.filter((channel) => {
        if (consent[channel] !== false) return true;
        refused.push(channel);
        return false;
      });
      if (context.channels.length === 0) return { suppress: 'no_consented_channel' };
      context.reasons.push(refused.length > 0 ? ['consent: {} ok, refused {}', category, refused.join(',')] : CONSENT_OK[category]);
      return undefined;
    },
  };
}
