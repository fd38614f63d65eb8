// Channel choice: among the channels the user has (an address or token on record) and consents
// to, in the notification type's preference order, promoted by past engagement: a channel ranked
// r places lower moves ahead when its smoothed engagement rate leads by more than r x margin.
// Channels that already failed for good for this message (fallback) are skipped.

import type { PushflowConfig } from '../config/schema.js';
import type { Channel, ContactChannels } from '../events/types.js';
import type { ChannelEngagement } from '../../state/channelEngagement.js';
import type { PolicyContext, PolicyRule, RuleVerdict } from './policy.js';

export type ChannelsConfig = PushflowConfig['policy']['channels'];

/** The type's preference order: `policy.channels.byType`, else the trigger's channel then the defaults. */
export function preferenceOrder(type: string, preferred: Channel | undefined, config: ChannelsConfig, defaults: readonly Channel[]): Channel[] {
  const configured = config.byType.find((entry) => entry.type === type);
  if (configured !== undefined) return [...configured.channels];
  return preferred === undefined ? [...defaults] : [preferred, ...defaults.filter((channel) => channel !== preferred)];
}

/** The address a channel reaches the user at, or undefined when the user has none. */
export function addressOf(channels: ContactChannels, channel: Channel): string | undefined {
  switch (channel) {
    case 'push':
      return channels.pushToken;
    case 'email':
      return channels.email;
    case 'sms':
      return channels.phone;
    case 'webhook':
      return channels.webhookUrl;
  }
}

/** Contact channels assumed for a user with no settings on record. */
export function unknownUserChannels(userId: string, config: PushflowConfig['policy']['unknownUsers']): ContactChannels {
  const channels: ContactChannels = {};
  for (const channel of config.channels) {
    if (channel === 'push') channels.pushToken = `platform:${userId}`;
    if (channel === 'email' && config.emailDomain !== undefined) channels.email = `${userId}@${config.emailDomain}`;
  }
  return channels;
}

/**
 * Keeps reachable channels not excluded, ordered by preference and engagement.
 * @example
 * channelChoiceRule(config, engagement, unknownUsers).apply(context); // context.channels = ['email', 'push']
 */
export function channelChoiceRule(config: ChannelsConfig, engagement: ChannelEngagement, unknownUsers: PushflowConfig['policy']['unknownUsers']): PolicyRule {
  return {
    name: 'channel',
    apply(context: PolicyContext): RuleVerdict {
      const contacts = context.user?.channels ?? unknownUserChannels(context.candidate.userId, unknownUsers);
      const excluded = context.released?.excludedChannels ?? [];
      const open = context.channels.filter((channel) => !excluded.includes(channel) && addressOf(contacts, channel) !== undefined);
      if (open.length === 0) return { suppress: excluded.length > 0 ? 'fallback_exhausted' : 'no_consented_channel' };
      const stats = open.length > 1 ? engagement.get(context.candidate.userId) : undefined;
      if (stats !== undefined) {
        const { engagementPriorRate: prior, engagementPriorWeight: weight, engagementMargin: margin } = config;
        const key = new Map<Channel, number>();
        open.forEach((channel, rank) => {
          const s = stats[channel];
          const rate = ((s?.engaged ?? 0) + prior * weight) / ((s?.sent ?? 0) + weight);
          key.set(channel, rate - margin * rank);
        });
        open.sort((a, b) => key.get(b)! - key.get(a)!);
      }
      context.channels = open;
      context.reasons.push(excluded.length > 0 ? ['channel: {} (failed: {})', open.join('>'), excluded.join(',')] : ['channel: {}', open.join('>')]);
      return undefined;
    },
  };
}
