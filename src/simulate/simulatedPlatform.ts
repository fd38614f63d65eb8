// A simulated platform, end to end in virtual time: the simulator's world produces the shop's
// events, the whole pipeline (every trigger, the policy, rendering, the outbox, LMDB) decides
// notifications, a simulated sink delivers them at their decision's event time, and the
// simulated users' ground-truth response model (src/sources/simulator/notificationResponses.ts)
// answers with feedback, visits, purchases and opt-outs that re-enter the stream as events.
// Deterministic for a seed and a policy: no wall clock, no background work.

import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PushflowConfig } from '../config/schema.js';
import type { PushflowEvent } from '../events/types.js';
import type { PushflowMetrics } from '../observability/metrics.js';
import { PipelineRuntime } from '../runtime/pipelineRuntime.js';
import type { PipelineDefinition } from '../runtime/pipeline.js';
import { VirtualClock } from '../runtime/clock.js';
import type { RawRecord } from '../sources/source.js';
import { resolveSimulationOptions } from '../sources/simulator/options.js';
import { World } from '../sources/simulator/world.js';
import { NotificationResponses } from '../sources/simulator/notificationResponses.js';
import { FeedbackLearning, ALL_TRAFFIC } from '../learn/feedbackLearning.js';
import { itemIdsOf } from '../decide/messageItems.js';
import { StateStore } from '../../state/stateStore.js';
import type { DeliveryReceipt } from '../../state/deliveryReceipts.js';
import { NO_ARM_COUNTS } from '../../state/experimentStats.js';
import { ALL_PIPELINES } from '../../pipelines/index.js';
import { policyConnections, type SimulationPolicy } from './simulationPolicies.js';
import { summarizeSimulation, type SimulationReport } from './simulationReport.js';

const SOURCE = 'simulate';
/** The outbox is emptied (the simulated sink acknowledged) every this many batches. */
const DRAIN_EVERY_BATCHES = 20;

export interface SimulatePlatformOptions {
  /** With the policy's overrides applied (`policyOverrides`); `dataDir` must be empty or absent. */
  config: PushflowConfig;
  policy: SimulationPolicy;
  users: number;
  days: number;
  seed: number;
  /** Catalog size; default 5,000. */
  items?: number;
  /** Spread of the simulated users' lasting responsiveness to messages (lognormal sigma); 0 (default): everyone alike. */
  responsiveness?: number;
  /** Events per batch (one LMDB transaction). Default 500. */
  batchSize?: number;
  /** Keep the data directory (for `pushflow report experiments`); default: removed when it was a temporary one. */
  keepData?: boolean;
  metrics?: PushflowMetrics;
  /** The pipelines to run (default: every pipeline). */
  pipelines?: readonly PipelineDefinition[];
  onProgress?: (events: number, eventTime: number) => void;
}

/** Runs the simulation to its end and reports what the users did with the notifications. */
export async function simulatePlatform(options: SimulatePlatformOptions): Promise<SimulationReport> {
  const { config, policy, users, days, seed } = options;
  const dataDir = config.dataDir;
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
    throw new Error(`simulate: the data directory ${dataDir} is not empty (a simulation starts from nothing)`);
  }
  const started = performance.now();
  const simulation = resolveSimulationOptions({ seed, users, days, items: options.items });
  const world = new World(simulation);
  const responses = new NotificationResponses(world, seed, options.responsiveness ?? 0);
  const store = new StateStore({ path: dataDir, flushEachCommit: false });
  const clock = new VirtualClock(simulation.startTime);
  const { ports, signals } = policyConnections(policy, store, config, {
    seed,
    items: simulation.items,
    itemIds: (index) => world.catalog.itemId(index),
  });
  const pipelines = [...(options.pipelines ?? ALL_PIPELINES)];
  const runtime = new PipelineRuntime({ config, store, pipelines, clock, pipelineMetrics: options.metrics, ports, signals });
  const batchSize = options.batchSize ?? 500;
  let offset = 0;
  let batches = 0;
  let lastTime = simulation.startTime;
  try {
    for (;;) {
      const records: RawRecord[] = [];
      for (let event: PushflowEvent | undefined = world.next(); event !== undefined; event = world.next()) {
        records.push({ raw: '', value: event, offset: String(offset++) });
        if (event.time > lastTime) lastTime = event.time;
        if (records.length === batchSize) break;
      }
      if (records.length === 0) break;
      clock.set(Math.max(clock.now(), lastTime));
      const summary = runtime.processBatch({ source: SOURCE, partition: 0, format: 'object', records, nextOffset: String(offset) });
      const receipts: DeliveryReceipt[] = [];
      for (const notification of summary.notifications) {
        // The simulated sink delivers at the decision's event time (never before what the world already did).
        responses.deliver(
          {
            id: notification.id,
            userId: notification.userId,
            type: notification.type,
            priority: notification.priority,
            channel: notification.channel,
            variant: notification.variant,
            sentAt: notification.decidedAt,
            itemIds: itemIdsOf(notification.payload),
          },
          lastTime,
        );
        receipts.push({ notificationId: notification.id, userId: notification.userId, type: notification.type, channel: notification.channel, outcome: 'sent', attempts: 1, at: notification.decidedAt });
      }
      await runtime.decisions.receipts.append(receipts);
      if (++batches % DRAIN_EVERY_BATCHES === 0) await drainOutbox(runtime);
      options.onProgress?.(offset, lastTime);
    }
    await drainOutbox(runtime);
    const learning = FeedbackLearning.of(store, config);
    const pushflowCounts = learning.stats.counts(ALL_TRAFFIC.name, ALL_TRAFFIC.arms[0].name);
    return summarizeSimulation({
      policy,
      seed,
      users,
      days,
      events: offset,
      elapsedMs: performance.now() - started,
      totals: runtime.totals.toJSON(),
      responses: responses.totals,
      attributed: pushflowCounts.attributed ?? NO_ARM_COUNTS.attributed,
      attributedRevenue: pushflowCounts.attributedRevenue,
      bandit: learning.posteriors.all(),
      dataDir: options.keepData ? dataDir : undefined,
    });
  } finally {
    runtime.close();
    await store.close();
    if (!options.keepData) rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A fresh temporary data directory for a simulation that is not kept. */
export function temporaryDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'pushflow-simulate-'));
}

async function drainOutbox(runtime: PipelineRuntime): Promise<void> {
  for (;;) {
    const entries = runtime.outbox.peek(10_000);
    if (entries.length === 0) return;
    await runtime.outbox.remove(entries.map(({ seq }) => seq));
  }
}
