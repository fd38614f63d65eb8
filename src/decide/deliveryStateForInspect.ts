// What `pushflow inspect user ID` shows about delivery: the user's caps used today and this week
// against their limits, quiet hours in the user's zone, the next scheduled sends, channel
// engagement, and the last notifications with their decisions and reasons. Read-only: opens the
// policy's stores on the state and reads them at the stream's current event time.

import type { PushflowConfig } from '../config/schema.js';
import { CHANNELS, type Channel } from '../events/types.js';
import { CapCounters } from '../../state/capCounters.js';
import { ChannelEngagement, type UserEngagement } from '../../state/channelEngagement.js';
import { DecisionLog, type DecisionLogEntry } from '../../state/decisionLog.js';
import { ScheduledSends } from '../../state/scheduledSends.js';
import type { StateStore } from '../../state/stateStore.js';
import { StreamProgressStore } from '../../state/streamProgressStore.js';
import { UserStore } from '../../state/userStore.js';
import { capPeriods } from './frequencyCaps.js';
import { inQuietWindow, quietWindow, quietWindowEnd } from './quietHours.js';
import { isValidTimeZone, localMinuteOfDay } from './zonedTime.js';
import type { InspectSection } from '../cli/inspectSections.js';

export interface CapUsage {
  used: number;
  limit: number;
}

export interface DeliveryInspection {
  userId: string;
  /** Event time the state is read at (the watermark), ISO 8601. */
  asOf: string;
  timeZone: string;
  caps: {
    enabled: boolean;
    day: { period: string; total: CapUsage; byChannel: Partial<Record<Channel, CapUsage>> };
    week: { period: string; total: CapUsage; byChannel: Partial<Record<Channel, CapUsage>> };
  };
  quietHours: { enabled: boolean; start: string; end: string; transactional: 'send' | 'defer'; activeNow: boolean; endsAt?: string };
  nextScheduledSend: ScheduledSendView | undefined;
  scheduledSends: ScheduledSendView[];
  engagement: UserEngagement;
  recentNotifications: (Omit<DecisionLogEntry, 'at' | 'until' | 'deliveredAt'> & { at: string; until?: string; deliveredAt?: string })[];
}

export interface ScheduledSendView {
  notificationId: string;
  type: string;
  due: string;
  reason: string;
  heldAt: string;
  validUntil: string | undefined;
}

const isoOf = (time: number) => new Date(time).toISOString();

/**
 * The delivery section of `inspect user`.
 * @example
 * const view = deliveryStateForInspect(store, config, 'user-7');
 * view.caps.day.total; // { used: 2, limit: 4 }
 */
export function deliveryStateForInspect(state: StateStore, config: PushflowConfig, userId: string, asOf?: number): DeliveryInspection {
  const watermark = new StreamProgressStore(state).get()?.watermark;
  const now = asOf ?? (watermark !== undefined && Number.isFinite(watermark) ? watermark : Date.now());
  const user = new UserStore(state).get(userId);
  const zone = user?.timeZone !== undefined && isValidTimeZone(user.timeZone) ? user.timeZone : config.defaults.timeZone;
  const { caps, quietHours, historyPerUser } = config.policy;

  const { day, week } = capPeriods(zone, now);
  const counts = new CapCounters(state).get(userId, day, week);
  const usage = (period: typeof counts.day, which: 'daily' | 'weekly') => {
    const byChannel: Partial<Record<Channel, CapUsage>> = {};
    for (const channel of CHANNELS) byChannel[channel] = { used: period.byChannel[channel] ?? 0, limit: caps[channel][which] };
    return { period: period.period, total: { used: period.total, limit: caps.total[which] }, byChannel };
  };

  const window = quietWindow(quietHours);
  const activeNow = quietHours.enabled && inQuietWindow(window, localMinuteOfDay(zone, now));
  const endsAt = activeNow ? quietWindowEnd(window, zone, now) : undefined;

  const scheduled = new ScheduledSends(state).forUser(userId, 10).map(
    (timer): ScheduledSendView => ({
      notificationId: timer.id,
      type: timer.payload.candidate.type,
      due: isoOf(timer.due),
      reason: timer.payload.reason,
      heldAt: isoOf(timer.payload.heldAt),
      validUntil: Number.isFinite(timer.payload.validUntil) ? isoOf(timer.payload.validUntil) : undefined,
    }),
  );

  const recent = new DecisionLog(state, config.policy.historyDays * 86_400_000)
    .recent(userId, historyPerUser)
    .map(({ at, until, deliveredAt, ...entry }) => ({
      ...entry,
      at: isoOf(at),
      ...(until !== undefined ? { until: isoOf(until) } : {}),
      ...(deliveredAt !== undefined ? { deliveredAt: isoOf(deliveredAt) } : {}),
    }));

  return {
    userId,
    asOf: isoOf(now),
    timeZone: zone,
    caps: { enabled: config.policy.enabled && caps.enabled, day: usage(counts.day, 'daily'), week: usage(counts.week, 'weekly') },
    quietHours: {
      enabled: config.policy.enabled && quietHours.enabled,
      start: quietHours.start,
      end: quietHours.end,
      transactional: quietHours.transactional,
      activeNow,
      ...(endsAt !== undefined ? { endsAt: isoOf(endsAt) } : {}),
    },
    nextScheduledSend: scheduled[0],
    scheduledSends: scheduled,
    engagement: new ChannelEngagement(state).get(userId) ?? {},
    recentNotifications: recent,
  };
}

/** The same as text lines, for a terminal. */
export function formatDeliveryState(view: DeliveryInspection): string[] {
  const capLine = (label: string, period: DeliveryInspection['caps']['day']) =>
    `${label} ${period.period}: ${period.total.used}/${period.total.limit} total; ` +
    Object.entries(period.byChannel)
      .map(([channel, usage]) => `${channel} ${usage!.used}/${usage!.limit}`)
      .join(', ');
  const lines = [
    `time zone ${view.timeZone}, as of ${view.asOf}`,
    `caps${view.caps.enabled ? '' : ' (off)'}: ${capLine('day', view.caps.day)}`,
    `      ${capLine('week', view.caps.week)}`,
    `quiet hours${view.quietHours.enabled ? '' : ' (off)'}: ${view.quietHours.start}-${view.quietHours.end} local, transactional ${view.quietHours.transactional}` +
      (view.quietHours.activeNow ? `; now quiet until ${view.quietHours.endsAt}` : ''),
    `next scheduled send: ${view.nextScheduledSend ? `${view.nextScheduledSend.type} at ${view.nextScheduledSend.due} (${view.nextScheduledSend.reason})` : 'none'}`,
    `last notifications:`,
  ];
  for (const entry of view.recentNotifications) {
    const what = [entry.outcome, entry.channel, entry.reason, entry.until ? `until ${entry.until}` : undefined].filter(Boolean).join(' ');
    lines.push(`  ${entry.at} ${entry.type} ${entry.notificationId}: ${what}`);
    if (entry.reasons !== undefined && entry.reasons.length > 0) lines.push(`    ${entry.reasons.join('; ')}`);
  }
  return lines;
}

/**
 * The delivery section of `pushflow inspect user ID`; generic (nothing learnt of the user) when no
 * message was ever decided for them.
 */
export const deliverySection: InspectSection = ({ state, config, asOf }, userId) => {
  const view = deliveryStateForInspect(state, config, userId, Number.isFinite(asOf) ? asOf : undefined);
  const untouched =
    view.recentNotifications.length === 0 && view.scheduledSends.length === 0 && view.caps.week.total.used === 0 && Object.keys(view.engagement).length === 0;
  const engagement = Object.entries(view.engagement).map(([channel, stats]) => `${channel} ${stats!.sent} sent, ${stats!.engaged} engaged, ${stats!.failed} failed`);
  const lines = formatDeliveryState(view);
  lines.splice(lines.indexOf('last notifications:'), 0, `channel engagement: ${engagement.length > 0 ? engagement.join('; ') : 'none yet'}`);
  return { title: 'delivery', data: view, lines, generic: untouched };
};
