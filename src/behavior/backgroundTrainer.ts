// Trains the behaviour model in the background of a running process: every
// `behavior.training.intervalMinutes` it samples users' ring buffers from LMDB (in chunks, yielding
// to the event loop between them), trains a candidate in a worker thread, measures it against the
// model in service on a held-out recent slice, saves it as a version, and swaps it in only when
// it is better.
//
// Why a worker thread: one gradient step over 32 sequences takes 50-140 ms on the WASM backend
// here, so on the main event loop the < 50 ms stall target allows batches of about 8, training
// four times slower while competing with the pipeline for the same core. In a worker the loop
// only does the sampling chunks and the swap, and training runs on the other core.
// `training.runIn: main` keeps training on the loop (small batches, a yield after each), which
// is also the fallback when the worker's compiled script is absent (running from sources).

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { PushflowConfig } from '../config/schema.js';
import type { PushflowMetrics } from '../observability/metrics.js';
import type { BehaviorSequenceStore } from '../../state/behaviorSequenceStore.js';
import { disposeWeights, runNetwork, weightsFromArtifacts, type ModelArtifacts } from './behaviorNetwork.js';
import type { BehaviorScorer } from './behaviorScorer.js';
import { decodeSequence } from './eventSequence.js';
import { encodeBatch } from './featureEncoding.js';
import { ModelMeta, type ModelMetaJson } from './modelMeta.js';
import type { ModelVersionRecord, ModelVersions } from './modelVersions.js';
import { seededRandom } from './seededShuffle.js';
import type { TensorflowRuntime } from './tfBackend.js';
import { NotEnoughData, runTrainingRound, type RoundInput, type RoundResult } from './trainingRound.js';
import type { WorkerReply, WorkerRequest } from './trainingWorker.js';

/** Runs one round somewhere (a worker, or this thread); rejects with `RoundAbandoned` on abort. */
export type RoundExecutor = (input: RoundInput, signal: AbortSignal) => Promise<RoundResult>;

export class RoundAbandoned extends Error {}

/** The longest stretch the trainer held the main event loop, and what it was doing. */
export class StallMeter {
  maxMs = 0;
  maxDuring = '';
  count = 0;

  record(ms: number, during: string): void {
    this.count++;
    if (ms > this.maxMs) [this.maxMs, this.maxDuring] = [ms, during];
  }

  /** Runs synchronous work and records how long it held the thread. */
  measure<T>(during: string, work: () => T): T {
    const started = performance.now();
    try {
      return work();
    } finally {
      this.record(performance.now() - started, during);
    }
  }
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
/** One-event forward passes that warm the scoring code before the first model goes into service. */
const WARM_UP_PASSES = 20;

/** Path of the compiled worker script, or undefined when running from TypeScript sources. */
export function trainingWorkerPath(): string | undefined {
  const url = new URL('./trainingWorker.js', import.meta.url);
  const path = fileURLToPath(url);
  return existsSync(path) ? path : undefined;
}

/** Each round in a fresh worker thread; aborting terminates it. */
export function workerExecutor(script: string, backend: PushflowConfig['behavior']['backend']): RoundExecutor {
  return (input, signal) =>
    new Promise<RoundResult>((resolve, reject) => {
      const worker = new Worker(script);
      let settled = false;
      const finish = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        void worker.terminate();
        outcome();
      };
      const onAbort = () => finish(() => reject(new RoundAbandoned('training round abandoned')));
      signal.addEventListener('abort', onAbort);
      worker.once('message', (reply: WorkerReply) =>
        finish(() => (reply.ok ? resolve(reply.result) : reject(reply.notEnoughData ? new NotEnoughData(reply.message) : new Error(reply.message)))),
      );
      worker.once('error', (error) => finish(() => reject(error)));
      worker.once('exit', (code) => finish(() => reject(new Error(`training worker exited with code ${code}`))));
      const request: WorkerRequest = { input, backend };
      worker.postMessage(request, input.sequences.map((bytes) => bytes.buffer as ArrayBuffer));
    });
}

/**
 * Each round on this thread, in steps of `batchSize` sequences, yielding to the event loop after
 * every step; the stretches between yields go to `meter`.
 */
export function inlineExecutor(loadRuntime: () => Promise<TensorflowRuntime>, meter: StallMeter, batchSize?: number): RoundExecutor {
  return async (input, signal) => {
    const runtime = await loadRuntime();
    let sliceStarted = performance.now();
    const yieldSlice = async () => {
      meter.record(performance.now() - sliceStarted, 'training on the main thread');
      await yieldToEventLoop();
      sliceStarted = performance.now();
      if (signal.aborted) throw new RoundAbandoned('training round abandoned');
    };
    const training = { ...input.training, batchSize: batchSize ?? input.training.batchSize };
    const result = await runTrainingRound(runtime.tf, runtime.backend, { ...input, training }, {
      afterStep: yieldSlice,
      afterPhase: yieldSlice,
      aborted: () => signal.aborted,
    });
    meter.record(performance.now() - sliceStarted, 'training on the main thread');
    if (signal.aborted) throw new RoundAbandoned('training round abandoned');
    return result;
  };
}

export interface BackgroundTrainerOptions {
  settings: PushflowConfig['behavior'];
  sequences: BehaviorSequenceStore;
  versions: ModelVersions;
  scorer: BehaviorScorer;
  /** TensorFlow.js on this thread (for the model in service), loaded when first needed. */
  runtime: () => Promise<TensorflowRuntime>;
  executor: RoundExecutor;
  /** Shared with the executor when it runs on this thread. */
  meter?: StallMeter;
  metrics?: PushflowMetrics;
  log?: (message: string) => void;
}

export type RoundOutcome =
  | { outcome: 'swapped' | 'kept'; record: ModelVersionRecord; result: RoundResult }
  | { outcome: 'skipped'; reason: string }
  | { outcome: 'failed'; reason: string }
  | { outcome: 'abandoned' };

interface InService {
  version: number;
  artifacts: ModelArtifacts;
  meta: ModelMetaJson;
}

export class BackgroundTrainer {
  readonly meter: StallMeter;
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<RoundOutcome> | undefined;
  private readonly abort = new AbortController();
  private champion: InService | undefined;
  private stopped = false;
  private rounds = 0;
  private warmed = false;

  constructor(private readonly options: BackgroundTrainerOptions) {
    this.meter = options.meter ?? new StallMeter();
  }

  /** Puts the saved champion in service, if any, and schedules the first round. */
  async start(): Promise<void> {
    const stored = await this.options.versions.loadChampion();
    if (stored !== undefined) {
      await this.swapIn({ version: stored.record.version, artifacts: stored.artifacts, meta: stored.meta });
      this.options.log?.(`behavior model: version ${stored.record.version} in service (holdout Recall@5 ${stored.record.holdout.recallAt5.toFixed(3)})`);
    }
    this.schedule(this.options.settings.training.firstRoundAfterSeconds * 1000);
  }

  /** Stops scheduling; abandons the round in progress unless `finishRound`, which waits for it. */
  async stop({ finishRound = false } = {}): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    if (!finishRound) this.abort.abort();
    await this.round;
  }

  /** Runs one round now (tests, benchmarks); the scheduler does the same on its interval. */
  runRound(): Promise<RoundOutcome> {
    this.round ??= this.train().finally(() => {
      this.round = undefined;
    });
    return this.round;
  }

  get inService(): number | undefined {
    return this.champion?.version;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      const started = performance.now();
      void this.runRound().then((outcome) => {
        const waitForData = outcome.outcome === 'skipped';
        const interval = this.options.settings.training.intervalMinutes * 60_000;
        this.schedule(waitForData ? Math.min(interval, 30_000) : Math.max(0, interval - (performance.now() - started)));
      });
    }, delayMs);
    this.timer.unref();
  }

  private async train(): Promise<RoundOutcome> {
    const { settings, metrics, log } = this.options;
    const started = performance.now();
    const count = (outcome: string) => metrics?.behaviorTrainingRounds.inc({ outcome });
    try {
      const buffers = await this.sample();
      if (buffers.length < settings.training.minUsers) {
        count('skipped');
        return { outcome: 'skipped', reason: `${buffers.length} users with a sequence, fewer than training.minUsers (${settings.training.minUsers})` };
      }
      const input: RoundInput = {
        sequences: buffers,
        shape: {
          sequenceLength: Math.min(settings.sequenceLength, settings.bufferLength),
          historyWindow: settings.bufferLength,
          hiddenUnits: settings.hiddenUnits,
          vocabularySize: settings.vocabularySize,
          inputCategories: settings.inputCategories,
        },
        training: { ...settings.training, seed: settings.training.seed + this.rounds++ },
        champion: this.champion === undefined ? undefined : { artifacts: { ...this.champion.artifacts, weightData: (this.champion.artifacts.weightData as ArrayBuffer).slice(0) }, meta: this.champion.meta },
      };
      const result = await this.options.executor(input, this.abort.signal);
      const accepted = result.better;
      const record = await this.options.versions.save(
        {
          dataUpTo: new Date(result.horizon * 1000).toISOString(),
          accepted,
          holdout: result.candidateHoldout,
          championHoldout: result.championHoldout,
          training: {
            examples: result.training.examples,
            holdoutExamples: result.training.holdoutExamples,
            users: result.training.users,
            seconds: result.training.seconds,
            sequencesPerSecond: result.training.sequencesPerSecond,
            steps: result.training.steps,
          },
          backend: result.backend,
        },
        result.candidate.artifacts,
        result.candidate.meta,
      );
      if (accepted) await this.swapIn({ version: record.version, artifacts: result.candidate.artifacts, meta: result.candidate.meta });
      const seconds = (performance.now() - started) / 1000;
      metrics?.behaviorTrainingSeconds.observe(seconds);
      metrics?.behaviorTrainingSequencesPerSecond.set(result.training.sequencesPerSecond);
      metrics?.behaviorTrainingMaxStallSeconds.set(this.meter.maxMs / 1000);
      count(accepted ? 'swapped' : 'kept');
      const champion = result.championHoldout;
      log?.(
        `behavior model: round ${record.version} in ${seconds.toFixed(1)} s on ${result.training.examples} sequences ` +
          `(${Math.round(result.training.sequencesPerSecond)}/s, ${result.backend}); holdout loss ${result.candidateHoldout.loss.toFixed(4)}` +
          (champion ? ` vs ${champion.loss.toFixed(4)} in service` : '') +
          `; ${accepted ? 'swapped in' : 'kept the model in service'}; longest stall of the event loop ${this.meter.maxMs.toFixed(1)} ms (${this.meter.maxDuring})`,
      );
      return { outcome: accepted ? 'swapped' : 'kept', record, result };
    } catch (error) {
      if (error instanceof RoundAbandoned || this.abort.signal.aborted) return { outcome: 'abandoned' };
      if (error instanceof NotEnoughData) {
        count('skipped');
        return { outcome: 'skipped', reason: error.message };
      }
      count('failed');
      log?.(`behavior model: training round failed: ${(error as Error).message}`);
      return { outcome: 'failed', reason: (error as Error).message };
    }
  }

  /** Reservoir-samples up to `maxUsers` users' buffers, one chunk of the store per turn of the loop. */
  private async sample(): Promise<Uint8Array[]> {
    const { maxUsers, scanChunkUsers, seed } = this.options.settings.training;
    const random = seededRandom(seed + this.rounds);
    const reservoir: Uint8Array[] = [];
    let seen = 0;
    let after: string | undefined;
    for (;;) {
      const chunk = this.meter.measure('sampling sequences from LMDB', () => {
        const rows = this.options.sequences.chunk(after, scanChunkUsers);
        for (const { bytes } of rows) {
          if (reservoir.length < maxUsers) reservoir.push(bytes);
          else {
            const slot = Math.floor(random() * (seen + 1));
            if (slot < maxUsers) reservoir[slot] = bytes;
          }
          seen++;
        }
        return rows;
      });
      if (chunk.length < scanChunkUsers || this.abort.signal.aborted) break;
      after = chunk[chunk.length - 1].userId;
      await yieldToEventLoop();
    }
    if (this.abort.signal.aborted) throw new RoundAbandoned('training round abandoned');
    return reservoir;
  }

  /**
   * Decodes the weights on this thread and hands them to the scorer, in slices with a yield between
   * them. The first time in a process the scoring code is cold (interpreted JavaScript, kernels
   * never run), and its first full forward pass takes 50-150 ms here: it is warmed first with
   * forward passes over one-event sequences, each its own short slice.
   */
  private async swapIn(model: InService): Promise<void> {
    const { tf } = await this.options.runtime();
    const { weights, meta } = this.meter.measure('decoding the new model', () => ({
      weights: weightsFromArtifacts(tf, model.artifacts),
      meta: new ModelMeta(model.meta),
    }));
    await yieldToEventLoop();
    const sample = this.meter.measure('sampling sequences from LMDB', () => this.options.sequences.chunk(undefined, 1)[0]);
    const sequence = sample === undefined ? undefined : decodeSequence(sample.bytes);
    if (sequence !== undefined && sequence.length > 0) {
      const anchors = [{ sequence, anchor: sequence.length - 1 }];
      if (!this.warmed) {
        const oneStep = new ModelMeta({ ...model.meta, sequenceLength: 1 });
        for (let i = 0; i < WARM_UP_PASSES; i++) {
          this.meter.measure('warming the scoring code', () => runNetwork(tf, weights, oneStep, encodeBatch(anchors, oneStep)));
          await yieldToEventLoop();
        }
        this.warmed = true;
      }
      this.meter.measure('warming the new model', () => runNetwork(tf, weights, meta, encodeBatch(anchors, meta)));
      await yieldToEventLoop();
    }
    this.meter.measure('swapping the model in', () => {
      const previous = this.options.scorer.activeModel();
      this.options.scorer.setModel({ tf, weights, meta, version: model.version });
      if (previous !== undefined) disposeWeights(tf, previous.weights);
      this.champion = model;
    });
  }
}
