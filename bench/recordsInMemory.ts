// For the decide bounds only (bench/decideShards.ts with a `records` regime): replaces the writes of
// the per-notification records with in-memory maps, in this thread, so that the loop measures what
// deciding would cost if those records cost nothing. Decisions stay the same (caps, exposures and
// last variants are still counted, in memory), so the outcomes match the real bench's (run.ts
// checks). Never used by the product: nothing here is durable.

import { DecisionLog } from '../state/decisionLog.js';
import { ExperimentStats, type UserExposure } from '../state/experimentStats.js';
import { FeedbackLedger, type SentNotification } from '../state/feedbackLedger.js';
import { Outbox } from '../state/outbox.js';
import { StateStore } from '../state/stateStore.js';

/** The per-notification records, each of which can be made free. */
export const RECORD_KINDS = ['caps', 'exposures', 'ledger', 'decisionLog', 'outbox'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

/** The one database the caps keep, with the two calls `CapCounters` makes, backed by a map. */
const CAPS_DATABASE = 'policy:cap-counters';

function inMemoryDatabase(): { get(key: unknown): unknown; putSync(key: unknown, value: unknown): boolean } {
  const values = new Map<unknown, unknown>();
  return {
    get: (key) => values.get(key),
    putSync: (key, value) => {
      values.set(key, value);
      return true;
    },
  };
}

/** Patches this thread's store classes so that `kinds` are kept in memory only. Call once, before building the workload. */
export function keepRecordsInMemory(kinds: readonly RecordKind[]): void {
  const free = new Set(kinds);
  if (free.has('caps')) {
    // The caps' own counting runs as in the product; only their database is a map.
    const database = StateStore.prototype.database;
    StateStore.prototype.database = function (this: StateStore, name: string, options?: Parameters<typeof database>[1]) {
      return name === CAPS_DATABASE ? (inMemoryDatabase() as unknown as ReturnType<typeof database>) : database.call(this, name, options);
    } as typeof database;
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
