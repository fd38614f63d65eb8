// The behaviour model inside a running process: the scorer that triggers and policy call, and the
// background trainer that keeps its model current. `PushflowProcess` starts it with the run and
// stops it on close; `scorer` is what the rest of the process reads.

import type { PushflowConfig } from '../config/schema.js';
import type { PushflowMetrics } from '../observability/metrics.js';
import { BehaviorSequenceStore } from '../../state/behaviorSequenceStore.js';
import type { StateStore } from '../../state/stateStore.js';
import { BackgroundTrainer, inlineExecutor, StallMeter, trainingWorkerPath, workerExecutor, type RoundExecutor } from './backgroundTrainer.js';
import { BehaviorScorer } from './behaviorScorer.js';
import { disposeWeights } from './behaviorNetwork.js';
import { ModelVersions } from './modelVersions.js';
import { loadTensorflow, type TensorflowRuntime } from './tfBackend.js';

export interface BehaviorModelServiceOptions {
  config: PushflowConfig;
  store: StateStore;
  metrics?: PushflowMetrics;
  log?: (message: string) => void;
  /** Where rounds run; default from `behavior.training.runIn`. */
  executor?: RoundExecutor;
}

export class BehaviorModelService {
  readonly scorer: BehaviorScorer;
  readonly sequences: BehaviorSequenceStore;
  readonly versions: ModelVersions;
  private trainer: BackgroundTrainer | undefined;
  private runtime: Promise<TensorflowRuntime> | undefined;

  constructor(private readonly options: BehaviorModelServiceOptions) {
    const { config, store, metrics } = options;
    const settings = config.behavior;
    this.sequences = new BehaviorSequenceStore(store, settings.bufferLength);
    this.versions = ModelVersions.under(config.dataDir, settings.training.versionsKept);
    this.scorer = new BehaviorScorer(this.sequences, {
      batchSize: settings.scoring.batchSize,
      cacheSize: settings.scoring.cacheSize,
      historyWindow: settings.bufferLength,
      metrics,
    });
  }

  /**
   * Loads TensorFlow.js, puts the saved champion in service and schedules training. Call it before
   * the stream starts: evaluating the TensorFlow.js bundle blocks the event loop for 0.5-3 s here
   * (measured), which mid-stream would be the longest stall of all. A failure leaves the process
   * running on history-only scores.
   */
  async start(): Promise<void> {
    const { config, metrics, log } = this.options;
    const settings = config.behavior;
    const meter = new StallMeter();
    const runtime = () =>
      (this.runtime ??= loadTensorflow(settings.backend, log).then((loaded) => {
        metrics?.setTfBackend(loaded.backend);
        return loaded;
      }));
    this.trainer = new BackgroundTrainer({
      settings,
      sequences: this.sequences,
      versions: this.versions,
      scorer: this.scorer,
      runtime,
      executor: this.options.executor ?? this.defaultExecutor(runtime, meter),
      meter,
      metrics,
      log,
    });
    try {
      const started = performance.now();
      const { backend } = await runtime();
      log?.(`behavior model: TensorFlow.js (${backend}) loaded in ${Math.round(performance.now() - started)} ms`);
      await this.trainer.start();
    } catch (error) {
      log?.(`behavior model: could not start (${(error as Error).message}); scores come from the users' history alone`);
    }
  }

  /** The trainer, once started (tests and benchmarks run rounds through it). */
  get backgroundTrainer(): BackgroundTrainer | undefined {
    return this.trainer;
  }

  /** Stops training: a round in progress is abandoned, or awaited with `finishRound` (a replay that ended). */
  async stop(options: { finishRound?: boolean } = {}): Promise<void> {
    await this.trainer?.stop(options);
    const model = this.scorer.activeModel();
    this.scorer.setModel(undefined);
    if (model !== undefined) disposeWeights(model.tf, model.weights);
  }

  private defaultExecutor(runtime: () => Promise<TensorflowRuntime>, meter: StallMeter): RoundExecutor {
    const { config, log } = this.options;
    if (config.behavior.training.runIn === 'worker') {
      const script = trainingWorkerPath();
      if (script !== undefined) return workerExecutor(script, config.behavior.backend);
      log?.('behavior model: the training worker script is not built (running from sources); training on the main thread');
    }
    return inlineExecutor(runtime, meter, config.behavior.training.mainThreadBatchSize);
  }
}
