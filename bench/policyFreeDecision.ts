// The decision seam as issue #2 built it, before the policy of issue #7: consent, the first
// consented channel, in-code templates. Product code no longer uses it (the runtime decides with
// src/decide/decisionEngine.ts); the decide benchmark runs it as its same-run baseline.

import type { CatalogStore } from '../state/catalogStore.js';
import type { UserStore } from '../state/userStore.js';
import type { Channel } from '../src/events/types.js';
import type { NotificationCandidate } from '../src/runtime/pipeline.js';
import type { Notification } from '../src/sinks/sink.js';
import { renderNotification } from '../src/compose/renderNotification.js';

export interface DecisionDefaults {
  /** Locale for users we know no settings of (Taobao data carries none). */
  locale: string;
  /** Channel order tried when the trigger names none or the user refuses it. */
  channels: Channel[];
}

export type Decision = { notification: Notification } | { suppressed: string; candidate: NotificationCandidate };

import { notificationId, notificationOf } from '../src/decide/decisionEngine.js';
export { notificationId };

export function decideCandidate(
  candidate: NotificationCandidate,
  stores: { users: UserStore; catalog: CatalogStore },
  defaults: DecisionDefaults,
  ingestedAt: number,
): Decision {
  const user = stores.users.get(candidate.userId);
  const consent = user?.consent ?? {};
  if (candidate.priority === 'marketing' && consent.marketing === false) return { suppressed: 'consent_marketing', candidate };
  if (candidate.priority === 'transactional' && consent.transactional === false) {
    return { suppressed: 'consent_transactional', candidate };
  }
  const order = candidate.channel ? [candidate.channel, ...defaults.channels.filter((c) => c !== candidate.channel)] : defaults.channels;
  // A user with no settings on record has the platform's default: app push only.
  const channel = user === undefined ? order.find((c) => c === 'push') : order.find((c) => consent[c] !== false && reachable(user.channels, c));
  if (channel === undefined) return { suppressed: 'no_consented_channel', candidate };
  const itemId = candidate.payload.itemId;
  const item = typeof itemId === 'string' ? stores.catalog.get(itemId) : undefined;
  const rendered = renderNotification(candidate, user?.locale ?? defaults.locale, item);
  return { notification: notificationOf(notificationId(candidate.dedupeKey), candidate, channel, rendered, candidate.time, ingestedAt) };
}

function reachable(channels: { email?: string; phone?: string; pushToken?: string; webhookUrl?: string }, channel: Channel): boolean {
  switch (channel) {
    case 'push':
      return channels.pushToken !== undefined;
    case 'email':
      return channels.email !== undefined;
    case 'sms':
      return channels.phone !== undefined;
    case 'webhook':
      return channels.webhookUrl !== undefined;
  }
}
