// Benchmarks of the behaviour model (figures in docs/BEHAVIOR.md):
//   scoring   users scored per second through the scorer (LMDB read, encoding, one WASM forward
//             pass per batch of 256, mixture ranking), every user a cache miss; and one user alone
//   training  training throughput (sequences/s) on WASM at the worker's batch size, and the step
//             time at the main-thread batch size (each step is one stall of the event loop there)
//   replay    `pushflow replay` of a long Taobao file (the 815-user file repeated with renamed users)
//             through every pipeline, with the behaviour model off, training in a worker, and
//             training on the main loop: events/s, the trainer's longest hold of the event loop,
//             and the process's event-loop delay (monitorEventLoopDelay)
// Usage: npm run build && node dist/bench/behaviorBench.js [scoring] [training] [replay]

import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { median, runJsonChild } from './childProcess.js';
import { configSchema, type PushflowConfig } from '../src/config/schema.js';
import { buildNetwork, modelWeights } from '../src/behavior/behaviorNetwork.js';
import { BehaviorScorer } from '../src/behavior/behaviorScorer.js';
import { sequenceTypeIndex } from '../src/behavior/eventSequence.js';
import { buildModelMeta } from '../src/behavior/modelMeta.js';
import { loadTensorflow } from '../src/behavior/tfBackend.js';
import { trainNetwork } from '../src/behavior/trainBehaviorModel.js';
import { examplesOf } from '../src/behavior/trainingExamples.js';
import type { BehaviorEvent } from '../src/events/types.js';
import { StateStore } from '../state/stateStore.js';
import { BehaviorSequenceStore } from '../state/behaviorSequenceStore.js';

const TAOBAO_815 = resolve('../shared/data/taobao/UserBehavior-815users-9days.csv');
const TYPES: Record<string, string> = { pv: 'view', cart: 'add_to_cart', fav: 'favorite', buy: 'purchase' };

function taobaoEvents(file: string): BehaviorEvent[] {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line, i) => {
      const [userId, itemId, categoryId, behavior, seconds] = line.split(',');
      return { kind: 'behavior', id: `b${i}`, type: TYPES[behavior], userId, itemId, categoryId, time: Number(seconds) * 1000 } as BehaviorEvent;
    })
    .filter((event) => sequenceTypeIndex(event.type) >= 0);
}

/** Sequences of the 815 users in a temporary LMDB, as the pipeline keeps them, and a model of the default shape. */
async function scoringSetup(config: PushflowConfig) {
  const settings = config.behavior;
  const dir = mkdtempSync(join(tmpdir(), 'pushflow-behavior-bench-'));
  const store = new StateStore({ path: dir, flushEachCommit: false });
  const sequences = new BehaviorSequenceStore(store, settings.bufferLength);
  const events = taobaoEvents(TAOBAO_815);
  store.transaction(() => {
    for (const event of events) sequences.append(event);
  });
  const users = [...new Set(events.map((event) => event.userId))];
  const decoded = users.map((userId) => sequences.get(userId)!);
  const horizon = Math.max(...decoded.map((sequence) => sequence.times[sequence.length - 1])) + 1;
  const shape = {
    sequenceLength: settings.sequenceLength,
    historyWindow: settings.bufferLength,
    hiddenUnits: settings.hiddenUnits,
    vocabularySize: settings.vocabularySize,
    inputCategories: settings.inputCategories,
  };
  const examples = examplesOf(decoded, { horizon });
  const meta = buildModelMeta(decoded, examples, horizon, shape);
  const runtime = await loadTensorflow(settings.backend);
  const model = buildNetwork(runtime.tf, meta, 1);
  return { dir, store, sequences, users, decoded, examples, meta, runtime, model };
}

async function scoringBench(rounds = 7) {
  const config = configSchema.parse({});
  const setup = await scoringSetup(config);
  const { sequences, users, meta, runtime, model } = setup;
  const batched: number[] = [];
  const perCpuSecond: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const scorer = new BehaviorScorer(sequences, { batchSize: config.behavior.scoring.batchSize, cacheSize: 100_000, historyWindow: config.behavior.bufferLength });
    scorer.setModel({ tf: runtime.tf, weights: modelWeights(model), meta, version: 1 });
    const cpu = process.cpuUsage();
    const started = performance.now();
    scorer.scoreUsers(users);
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    if (round > 0) {
      batched.push(users.length / seconds);
      perCpuSecond.push(users.length / ((used.user + used.system) / 1e6));
    }
  }
  const single: number[] = [];
  const scorer = new BehaviorScorer(sequences, { batchSize: 1, cacheSize: 1, historyWindow: config.behavior.bufferLength });
  scorer.setModel({ tf: runtime.tf, weights: modelWeights(model), meta, version: 1 });
  for (const userId of users.slice(0, 200)) {
    const started = performance.now();
    scorer.scoreUsers([userId]);
    single.push(performance.now() - started);
  }
  model.dispose();
  await setup.store.close();
  rmSync(setup.dir, { recursive: true, force: true });
  return {
    backend: runtime.backend,
    users: users.length,
    batchSize: config.behavior.scoring.batchSize,
    usersPerSecond: Math.round(median(batched)),
    usersPerCpuSecond: Math.round(median(perCpuSecond)),
    singleUserMedianMs: Math.round(median(single) * 10) / 10,
  };
}

async function trainingBench() {
  const config = configSchema.parse({});
  const setup = await scoringSetup(config);
  const { decoded, examples, meta, runtime } = setup;
  const sample = examples.filter((_, i) => i % 10 === 0).slice(0, 4_000);
  const measure = async (batchSize: number, count: number) => {
    const model = buildNetwork(runtime.tf, meta, 2);
    const stepTimes: number[] = [];
    let last = performance.now();
    const stats = await trainNetwork(runtime.tf, model, meta, decoded, sample.slice(0, count), { ...config.behavior.training, batchSize, epochs: 1, maxSeconds: Infinity }, {
      afterStep: () => {
        stepTimes.push(performance.now() - last);
        return new Promise<void>((resolve) => setImmediate(() => resolve(void (last = performance.now()))));
      },
    });
    model.dispose();
    return { batchSize, sequences: stats.sequences, sequencesPerSecond: Math.round(stats.sequencesPerSecond), stepMedianMs: Math.round(median(stepTimes)), stepMaxMs: Math.round(stats.longestStepMs) };
  };
  const worker = await measure(config.behavior.training.batchSize, 4_000);
  const mainThread = await measure(config.behavior.training.mainThreadBatchSize, 800);
  setup.model.dispose();
  await setup.store.close();
  rmSync(setup.dir, { recursive: true, force: true });
  return { backend: runtime.backend, workerBatch: worker, mainThreadBatch: mainThread };
}

/** The 815-user file `copies` times, users renamed per copy, merged in time order. */
async function longTaobaoFile(copies: number): Promise<string> {
  const lines = readFileSync(TAOBAO_815, 'utf8').trim().split('\n');
  const rows: [number, string][] = [];
  for (let copy = 0; copy < copies; copy++) {
    for (const line of lines) {
      const cells = line.split(',');
      cells[0] = `${cells[0]}${String(copy).padStart(3, '0')}`;
      rows.push([Number(cells[4]), cells.join(',')]);
    }
  }
  rows.sort((a, b) => a[0] - b[0]);
  const path = join(mkdtempSync(join(tmpdir(), 'pushflow-behavior-replay-')), `taobao-x${copies}.csv`);
  const out = createWriteStream(path);
  for (const [, row] of rows) out.write(`${row}\n`);
  await new Promise<void>((resolve) => out.end(resolve));
  return path;
}

/** One replay in this process (the child side of `replay`); prints its JSON. */
async function replayChild(file: string, mode: 'off' | 'worker' | 'main'): Promise<void> {
  const { PushflowProcess } = await import('../src/app/pushflowProcess.js');
  const { FileSource } = await import('../src/sources/fileSource.js');
  const { ALL_PIPELINES } = await import('../pipelines/index.js');
  const { createMetrics } = await import('../src/observability/metrics.js');
  const dataDir = mkdtempSync(join(tmpdir(), 'pushflow-behavior-replay-data-'));
  const config = configSchema.parse({
    dataDir,
    source: { kind: 'file' },
    file: { path: file, format: 'taobao', batchSize: 2000 },
    sinks: { notifications: 'jsonl' },
    metrics: { enabled: false },
    behavior: {
      enabled: mode !== 'off',
      training: { runIn: mode === 'off' ? 'worker' : mode, firstRoundAfterSeconds: 2, intervalMinutes: 0.25, maxExamples: 10_000, maxSeconds: 120 },
    },
  });
  const log: string[] = [];
  const metrics = createMetrics(undefined, { collectDefaultMetrics: false });
  const pushflow = new PushflowProcess({
    config,
    pipelines: ALL_PIPELINES,
    metrics,
    log: (line) => log.push(line),
  });
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const report = await pushflow.run(new FileSource({ path: file, format: 'taobao', batchSize: config.file.batchSize }));
  delay.disable();
  const trainer = pushflow.behavior?.backgroundTrainer;
  const duringReplay = trainer?.meter.maxMs ?? 0;
  const closing = performance.now();
  await pushflow.close();
  const closeMs = performance.now() - closing;
  rmSync(dataDir, { recursive: true, force: true });
  process.stdout.write(
    `${JSON.stringify({
      mode,
      events: report.totals.events,
      eventsPerSec: report.eventsPerSec,
      elapsedMs: report.elapsedMs,
      trainerMaxStallMsDuringReplay: Math.round(duringReplay * 10) / 10,
      trainerMaxStallMs: Math.round((trainer?.meter.maxMs ?? 0) * 10) / 10,
      trainerMaxStallDuring: trainer?.meter.maxDuring,
      trainerSlices: trainer?.meter.count ?? 0,
      loopDelayMaxMs: Math.round(delay.max / 1e5) / 10,
      loopDelayP99Ms: Math.round(delay.percentile(99) / 1e5) / 10,
      closeMs: Math.round(closeMs),
      rounds: log.filter((line) => line.includes('behavior model: round')),
      peakRssMb: report.peakRssMb,
    })}\n`,
  );
}

async function replayBench(copies = 1) {
  const file = await longTaobaoFile(copies);
  const script = fileURLToPath(import.meta.url);
  const runs: Record<string, any>[] = [];
  try {
    for (const mode of ['off', 'worker', 'main']) runs.push(await runJsonChild([script, 'replay-child', file, mode]));
  } finally {
    rmSync(join(file, '..'), { recursive: true, force: true });
  }
  return { file: `UserBehavior-815users-9days.csv x ${copies} (users renamed per copy)`, runs };
}

async function main(args: string[]): Promise<void> {
  if (args[0] === 'replay-child') return replayChild(args[1], args[2] as 'off' | 'worker' | 'main');
  const wanted = new Set(args);
  const want = (name: string) => wanted.size === 0 || wanted.has(name);
  console.log(`machine: ${cpus().length} x ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`);
  if (want('scoring')) console.log('scoring', JSON.stringify(await scoringBench(), null, 2));
  if (want('training')) console.log('training', JSON.stringify(await trainingBench(), null, 2));
  if (want('replay')) console.log('replay', JSON.stringify(await replayBench(), null, 2));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main(process.argv.slice(2));
