// For the decide bounds only (bench/decideShards.ts with a `records` regime): replaces the writes of
// the per-notification records with in-memory maps, in this thread, so that the loop measures what
// deciding would cost if those records cost nothing. Decisions stay the same (caps, exposures and
// last variants are still counted, in memory), so the outcomes match the real bench's. Never used
// by the product: nothing here is durable.

import { CapCounters, type CapPeriodCounts, type UserCapCounts } from '../state/capCounters.js';
import { DecisionLog } from '../state/decisionLog.js';
import { ExperimentStats, type UserExposure } from '../state/experimentStats.js';
import { FeedbackLedger, type SentNotification } from '../state/feedbackLedger.js';
import { Outbox } from '../state/outbox.js';
import type { Channel } from '../src/events/types.js';

/** The per-notification records, each of which can be made free. */
export const RECORD_KINDS = ['caps', 'exposures', 'ledger', 'decisionLog', 'outbox'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

const emptyPeriod = (period: string): CapPeriodCounts => ({ period, total: 0, byChannel: {} });

/** Patches this thread's store classes so that `kinds` are kept in memory only. Call once, before building the workload. */
export function keepRecordsInMemory(kinds: readonly RecordKind[]): void {
  const free = new Set(kinds);
  if (free.has('caps')) {
    const counts = new Map<string, UserCapCounts>();
    CapCounters.prototype.get = (userId: string, day: string, week: string): UserCapCounts => {
      const stored = counts.get(userId);
      return { day: stored?.day.period === day ? stored.day : emptyPeriod(day), week: stored?.week.period === week ? stored.week : emptyPeriod(week) };
    };
    CapCounters.prototype.increment = function (this: CapCounters, userId: string, channel: Channel, day: string, week: string): UserCapCounts {
      const before = this.get(userId, day, week);
      const after: UserCapCounts = { day: { ...before.day, byChannel: { ...before.day.byChannel } }, week: { ...before.week, byChannel: { ...before.week.byChannel } } };
      for (const period of [after.day, after.week]) {
        period.total++;
        period.byChannel[channel] = (period.byChannel[channel] ?? 0) + 1;
      }
      counts.set(userId, after);
      return after;
    };
  }
  if (free.has('exposures')) {
    const exposures = new Map<string, UserExposure>();
    ExperimentStats.prototype.exposure = (experiment: string, userId: string) => exposures.get(`${experiment}\u0000${userId}`);
    ExperimentStats.prototype.setExposure = (experiment: string, userId: string, exposure: UserExposure) => {
      exposures.set(`${experiment}\u0000${userId}`, exposure);
    };
  }
  if (free.has('ledger')) {
    // The bandit reads the last variant back: kept, so that its choices do not change.
    const lastVariants = new Map<string, { variant: string; at: number }>();
    FeedbackLedger.prototype.record = (sent: SentNotification) => {
      lastVariants.set(`${sent.userId}\u0000${sent.type}`, { variant: sent.variant, at: sent.sentAt });
    };
    FeedbackLedger.prototype.lastVariant = (userId: string, type: string) => lastVariants.get(`${userId}\u0000${type}`);
  }
  if (free.has('decisionLog')) DecisionLog.prototype.append = () => {};
  if (free.has('outbox')) Outbox.prototype.add = () => 0;
}
