// One pushflow process: a source feeding the pipeline runtime, the outboxes drained to their
// sinks, backpressure between the two, metrics served, and an orderly stop that finishes the
// batch in hand, commits it and closes LMDB.

import type { PushflowConfig } from '../config/schema.js';
import type { Source, SourceBatch } from '../sources/source.js';
import type { Channel } from '../events/types.js';
import type { DeadLetter, Notification, Sink } from '../sinks/sink.js';
import { PipelineRuntime } from '../runtime/pipelineRuntime.js';
import type { PipelineDefinition } from '../runtime/pipeline.js';
import { systemClock, type Clock } from '../runtime/clock.js';
import { OutboxDelivery } from '../delivery/outboxDelivery.js';
import { NotificationDelivery, type NotificationDeadLetter } from '../delivery/notificationDelivery.js';
import { SinkRouter } from '../delivery/sinkRouter.js';
import type { SendTimeSignals } from '../decide/sendTimeSignals.js';
import { DeliveryAttempts } from '../../state/deliveryAttempts.js';
import { buildChannelSinks, buildDeadLetterSink, buildNotificationDeadLetterSink, buildNotificationSink } from './buildSinks.js';
import type { PushflowMetrics } from '../observability/metrics.js';
import { promRuntimeMetrics } from '../observability/promRuntimeMetrics.js';
import { startObservabilityServer } from '../observability/httpServer.js';
import { experimentsReport } from '../learn/experimentReport.js';
import { StateStore } from '../../state/stateStore.js';
import { BehaviorModelService } from '../behavior/behaviorModelService.js';
import type { TriggerPorts } from '../../pipelines/ports.js';
import { connectModels, type ModelConnections } from './modelConnections.js';

export interface PushflowProcessOptions {
  config: PushflowConfig;
  pipelines: PipelineDefinition[];
  /** The default notification sink; default: built from `sinks.notifications`. */
  notificationSink?: Sink<Notification>;
  /** Sinks of channels routed elsewhere; default: built from `sinks.routes`. */
  channelSinks?: Partial<Record<Channel, Sink<Notification>>>;
  /** Where invalid input goes; default: built from the config (a `.dlq` topic or a JSONL file). */
  deadLetterSink?: Sink<DeadLetter>;
  /** Where undeliverable notifications go; default: `sinks.notificationDeadLetterPath`. */
  notificationDeadLetterSink?: Sink<NotificationDeadLetter>;
  /** Best-send-time inputs for the policy; default: profiles, segments and the behaviour model (`connectModels`). */
  signals?: SendTimeSignals;
  /** Answers for triggers and policy laid over the connected models' (`connectModels`). */
  ports?: Partial<TriggerPorts>;
  metrics?: PushflowMetrics;
  clock?: Clock;
  /** Fire event-time timers on a quiet stream by letting the watermark follow the clock. */
  idleTicks?: boolean;
  log?: (message: string) => void;
}

export interface RunReport {
  totals: Record<string, unknown>;
  /** Counts over the data directory's life (all runs), as committed to LMDB. */
  committed: Record<string, number>;
  elapsedMs: number;
  eventsPerSec: number;
  peakRssMb: number;
  outboxDepth: number;
}

const IDLE_TICK_MS = 1_000;
const BACKPRESSURE_POLL_MS = 50;

export class PushflowProcess {
  readonly store: StateStore;
  readonly runtime: PipelineRuntime;
  /** The behaviour model (scorer and background trainer), when `behavior.enabled`. */
  readonly behavior: BehaviorModelService | undefined;
  /** What triggers and policy read of the models (recommender, profiles, segments, behaviour). */
  readonly models: ModelConnections;
  private readonly notifications: NotificationDelivery;
  private readonly sinks: SinkRouter;
  private readonly notificationDeadLetterSink: Sink<NotificationDeadLetter>;
  private readonly deadLetterSink: Sink<DeadLetter>;
  private readonly deadLetters: OutboxDelivery<DeadLetter>;
  private readonly clock: Clock;
  private source: Source | undefined;
  private stopping = false;
  private peakRss = process.memoryUsage.rss();
  private server: { port: number; close(): Promise<void> } | undefined;
  private drainWatch: NodeJS.Timeout | undefined;
  private scoring: NodeJS.Immediate | undefined;
  private closed = false;

  constructor(private readonly options: PushflowProcessOptions) {
    const { config, metrics } = options;
    this.clock = options.clock ?? systemClock;
    this.store = new StateStore({ path: config.dataDir });
    this.behavior = config.behavior.enabled ? new BehaviorModelService({ config, store: this.store, metrics, log: options.log }) : undefined;
    this.models = connectModels(this.store, config, this.behavior?.scorer);
    this.runtime = new PipelineRuntime({
      config,
      store: this.store,
      pipelines: options.pipelines,
      clock: this.clock,
      metrics: metrics ? promRuntimeMetrics(metrics) : undefined,
      pipelineMetrics: metrics,
      log: options.log,
      signals: options.signals ?? this.models.signals,
      ports: { ...this.models.ports, ...options.ports },
    });
    const notificationSink = options.notificationSink ?? buildNotificationSink(config);
    this.deadLetterSink = options.deadLetterSink ?? buildDeadLetterSink(config);
    this.sinks = new SinkRouter(notificationSink, options.channelSinks ?? buildChannelSinks(config, notificationSink));
    this.notificationDeadLetterSink = options.notificationDeadLetterSink ?? buildNotificationDeadLetterSink(config);
    const { delivery } = config;
    this.notifications = new NotificationDelivery(
      this.runtime.outbox,
      this.sinks,
      { receipts: this.runtime.decisions.receipts, attempts: new DeliveryAttempts(this.store) },
      this.notificationDeadLetterSink,
      {
        batchSize: config.outbox.deliveryBatchSize,
        scanWindow: delivery.scanWindow,
        maxAttempts: delivery.maxAttempts,
        initialBackoffMs: delivery.initialBackoffMs,
        maxBackoffMs: delivery.maxBackoffMs,
        breakerFailures: delivery.breakerFailures,
        breakerOpenMs: delivery.breakerOpenMs,
        onOutcome: (item, outcome) => metrics?.notifications.inc({ type: item.type, channel: item.channel, outcome }),
        onAttempt: (sink, ok) => metrics?.deliveryAttempts.inc({ sink, outcome: ok ? 'success' : 'failure' }),
        onRetry: (sink, count) => metrics?.deliveryRetries.inc({ sink }, count),
        onBreaker: (sink, state) => {
          metrics?.sinkCircuitOpen.set({ sink }, state === 'open' ? 1 : state === 'half_open' ? 0.5 : 0);
          options.log?.(`sink ${sink}: circuit ${state}`);
        },
        onDepth: (depth) => metrics?.outboxDepth.set(depth),
        log: options.log,
      },
    );
    this.deadLetters = new OutboxDelivery(this.runtime.deadLetters, this.deadLetterSink, {
      batchSize: config.outbox.deliveryBatchSize,
      onDelivered: (items) => {
        for (const item of items) metrics?.deadLetters.inc({ source: item.source, reason: item.field.split('.')[0] });
      },
      onFailed: (error, attempt) =>
        options.log?.(`dead-letter sink ${this.deadLetterSink.name} failed (attempt ${attempt}): ${(error as Error).message}`),
    });
  }

  /** Serves /metrics, /healthz and /readyz when enabled; returns the bound port. */
  async serveMetrics(): Promise<number | undefined> {
    const { config, metrics } = this.options;
    if (!config.metrics.enabled || metrics === undefined) return undefined;
    this.server = await startObservabilityServer({
      host: config.metrics.host,
      port: config.metrics.port,
      registry: metrics.registry,
      ready: () => (this.source !== undefined && !this.stopping ? { ok: true } : { ok: false, reason: this.stopping ? 'stopping' : 'starting' }),
      // Per experiment and arm: counts, rates with 95% intervals, lift and significance (src/learn).
      extraRoutes: { '/experiments': () => experimentsReport(this.store, config) },
    });
    return this.server.port;
  }

  /** Runs the source to its end (a file) or until `stop()`; then delivers what is queued. */
  async run(source: Source): Promise<RunReport> {
    // Before the stream starts: loading TensorFlow.js blocks the event loop for a second or more.
    await this.behavior?.start();
    this.source = source;
    const started = performance.now();
    this.notifications.start();
    this.deadLetters.start();
    const ticker = this.options.idleTicks ? setInterval(() => this.tick(source.id), IDLE_TICK_MS) : undefined;
    try {
      // A stop asked for while the behaviour model loaded (no source to tell yet) is honoured here.
      if (!this.stopping) await source.run((batch) => this.handle(source, batch), (id, partition) => this.runtime.offsets.get(id, partition));
    } finally {
      if (ticker) clearInterval(ticker);
    }
    const elapsedMs = performance.now() - started;
    await this.finishDelivery();
    this.sampleRss();
    const totals = this.runtime.totals.toJSON();
    return {
      totals,
      committed: { ...this.runtime.lifetimeCounts() },
      elapsedMs: Math.round(elapsedMs),
      eventsPerSec: Math.round((this.runtime.totals.events / elapsedMs) * 1000),
      peakRssMb: Math.round(this.peakRss / 1048576),
      outboxDepth: this.runtime.outbox.depth(),
    };
  }

  /** Asks the source to stop after the batch in hand; `run` then returns. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.drainWatch !== undefined) this.source?.resume();
    await this.source?.stop();
  }

  async close(): Promise<void> {
    clearInterval(this.drainWatch);
    this.closed = true;
    clearImmediate(this.scoring);
    // A source that ended (a replay) lets a training round in progress finish; a signal abandons it.
    await this.behavior?.stop({ finishRound: !this.stopping });
    await this.notifications.stop();
    await this.deadLetters.stop();
    this.runtime.close();
    await this.server?.close();
    await this.sinks.close();
    await this.notificationDeadLetterSink.close();
    await this.deadLetterSink.close();
    await this.store.close();
  }

  private async handle(source: Source, batch: SourceBatch): Promise<void> {
    const summary = this.runtime.processBatch(batch);
    this.scoreWaitingUsers();
    if (summary.notifications.length > 0) this.notifications.wake();
    if (summary.deadLettered > 0) this.deadLetters.wake();
    this.sampleRss();
    if (this.runtime.outbox.depth() >= this.options.config.outbox.maxDepth) this.pauseUntilDrained(source);
    // Yield to the event loop so delivery, metrics scrapes and signals get their turn.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  /**
   * Backpressure: the source pauses while the outbox is over its bound, instead of dropping.
   * The batch handler returns at once (a Kafka consumer must keep heartbeating while paused);
   * a poll resumes the source once delivery has drained the outbox to `resumeDepth`.
   */
  private pauseUntilDrained(source: Source): void {
    if (this.drainWatch !== undefined) return;
    const { maxDepth, resumeDepth } = this.options.config.outbox;
    const metrics = this.options.metrics;
    source.pause();
    metrics?.sourcePaused.set({ source: source.id }, 1);
    this.options.log?.(`outbox at ${this.runtime.outbox.depth()} >= ${maxDepth}: pausing ${source.id}`);
    this.drainWatch = setInterval(() => {
      if (this.runtime.outbox.depth() > resumeDepth && !this.stopping) return;
      clearInterval(this.drainWatch);
      this.drainWatch = undefined;
      source.resume();
      metrics?.sourcePaused.set({ source: source.id }, 0);
      this.options.log?.(`outbox at ${this.runtime.outbox.depth()} <= ${resumeDepth}: resuming ${source.id}`);
    }, BACKPRESSURE_POLL_MS);
  }

  private tick(sourceId: string): void {
    const summary = this.runtime.tick(sourceId);
    this.scoreWaitingUsers();
    if (summary && summary.notifications.length > 0) this.notifications.wake();
  }

  /**
   * Scores the users the batch's decisions asked about, outside the batch: one forward pass of
   * `behavior.scoring.batchSize` users per turn of the event loop, so that ingest, delivery and
   * signals keep their turns. The next decisions about those users read the new scores.
   */
  private scoreWaitingUsers(): void {
    const scores = this.models.behaviorScores;
    if (scores === undefined || this.scoring !== undefined || scores.waiting === 0) return;
    const step = () => {
      this.scoring = undefined;
      if (this.closed) return;
      try {
        scores.refresh(this.options.config.behavior.scoring.batchSize);
      } catch (error) {
        this.options.log?.(`behavior model: scoring failed (${(error as Error).message}); decisions read the scores they have`);
        return;
      }
      if (scores.waiting > 0) this.scoring = setImmediate(step);
    };
    this.scoring = setImmediate(step);
  }

  /** Delivers what is queued; a sink that still fails leaves its entries in LMDB for the next start. */
  private async finishDelivery(): Promise<void> {
    await this.notifications.stop();
    await this.deadLetters.stop();
    try {
      await this.deadLetters.drain();
    } catch (error) {
      this.options.log?.(`could not deliver all dead letters before exit (kept in the outbox): ${(error as Error).message}`);
    }
    // A source that ended (a replay) waits out retries until each notification is sent or
    // dead-lettered; a stop on a signal leaves what is not ready in the outbox for the next start.
    await this.notifications.drain(!this.stopping);
    if (this.runtime.outbox.depth() > 0) this.options.log?.(`${this.runtime.outbox.depth()} notifications kept in the outbox for the next start`);
  }

  private sampleRss(): void {
    const rss = process.memoryUsage.rss();
    if (rss > this.peakRss) this.peakRss = rss;
  }
}
