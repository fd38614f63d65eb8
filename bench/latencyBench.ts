// Event-to-decision latency under a steady load: the simulator paced at a fixed rate feeds the
// full pipeline (with delivery to a JSONL file running alongside), and every event's latency is
// taken from the moment it arrived (the simulator's schedule) to the commit of the batch that
// decided on it; notifications' latency likewise. Exact percentiles, no histogram buckets.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/loadConfig.js';
import { PipelineRuntime } from '../src/runtime/pipelineRuntime.js';
import { systemClock } from '../src/runtime/clock.js';
import { OutboxDelivery } from '../src/delivery/outboxDelivery.js';
import { JsonlFileSink } from '../src/sinks/jsonlSink.js';
import { SimulatorSource } from '../src/sources/simulator/simulatorSource.js';
import type { Notification } from '../src/sinks/sink.js';
import { StateStore } from '../state/stateStore.js';
import { ALL_PIPELINES } from '../pipelines/index.js';
import type { PipelineTree } from './pipelineTrees.js';

export interface LatencyBenchResult {
  tree: string;
  ratePerSec: number;
  seconds: number;
  events: number;
  achievedPerSec: number;
  eventLatencyMs: { p50: number; p99: number; max: number };
  notifications: number;
  notificationLatencyMs: { p50: number; p99: number; max: number };
}

function percentiles(values: number[]): { p50: number; p99: number; max: number } {
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] * 10) / 10;
  return { p50: at(0.5), p99: at(0.99), max: Math.round((sorted[sorted.length - 1] ?? 0) * 10) / 10 };
}

/** `tree`: the features on (environment overrides, as `pushflow run` reads them); by default every one. */
export async function latencyBench(ratePerSec = 2000, seconds = 30, tree: PipelineTree = { name: 'default', env: {} }): Promise<LatencyBenchResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pushflow-latency-'));
  const config = loadConfig({ env: tree.env, overrides: { dataDir } });
  const store = new StateStore({ path: dataDir });
  const runtime = new PipelineRuntime({ config, store, pipelines: ALL_PIPELINES, clock: systemClock });
  const delivery = new OutboxDelivery<Notification>(runtime.outbox, new JsonlFileSink(join(dataDir, 'out.jsonl')), { batchSize: 200 });
  const source = new SimulatorSource({ seed: 7, ratePerSec, batchSize: 10_000 });
  const eventLatencies: number[] = [];
  const notificationLatencies: number[] = [];
  delivery.start();
  const started = Date.now();
  const timer = setTimeout(() => void source.stop(), seconds * 1000);
  await source.run(async (batch) => {
    const summary = runtime.processBatch(batch);
    const committedAt = Date.now();
    for (const record of batch.records) eventLatencies.push(committedAt - (record.receivedAt ?? committedAt));
    // A notification carries the arrival time of the event whose batch decided it.
    for (const notification of summary.notifications) notificationLatencies.push(committedAt - notification.ingestedAt);
    delivery.wake();
    await new Promise<void>((resolve) => setImmediate(resolve));
  }, () => undefined);
  clearTimeout(timer);
  const elapsed = (Date.now() - started) / 1000;
  await delivery.stop();
  await delivery.drain();
  runtime.close();
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
  return {
    tree: tree.name,
    ratePerSec,
    seconds,
    events: eventLatencies.length,
    achievedPerSec: Math.round(eventLatencies.length / elapsed),
    eventLatencyMs: percentiles(eventLatencies),
    notifications: notificationLatencies.length,
    notificationLatencyMs: percentiles(notificationLatencies),
  };
}
