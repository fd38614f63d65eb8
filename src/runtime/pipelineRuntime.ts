// Runs source micro-batches through the pipelines. One batch is one LMDB transaction: its
// dead letters, dedupe marks, pipeline state, timers, outbox entries, watermark and source
// offset commit together, so a crash at any moment leaves state matching the input exactly.
//
// The ingest stage (decode, validate, dedupe, event time) is a plain loop, the hottest code in
// the process; what happens to events is expressed by the pipelines as RxJS graphs, driven
// synchronously inside the transaction.

import { Subject, type Subscription } from 'rxjs';
import type { PushflowConfig } from '../config/schema.js';
import { decodeOptionsFor, recordDecoder, type RecordDecoder } from '../events/decode.js';
import { eventTypeLabel, type PushflowEvent } from '../events/types.js';
import type { RecordFormat, SourceBatch } from '../sources/source.js';
import type { DeadLetter, Notification } from '../sinks/sink.js';
import { DecisionEngine, type DecisionResult } from '../decide/decisionEngine.js';
import type { SendTimeSignals } from '../decide/sendTimeSignals.js';
import type { TriggerPorts } from '../../pipelines/ports.js';
import { StateStore } from '../../state/stateStore.js';
import { SourceOffsets } from '../../state/sourceOffsets.js';
import { openEventDedupe, openIssuedNotificationIds, type SeenIds } from '../../state/eventDedupe.js';
import { Outbox } from '../../state/outbox.js';
import { TimerStore } from '../../state/timerStore.js';
import { CatalogStore } from '../../state/catalogStore.js';
import { UserStore } from '../../state/userStore.js';
import { NO_COUNTS, StreamProgressStore, type CommittedCounts } from '../../state/streamProgressStore.js';
import type { Clock } from './clock.js';
import { WatermarkTracker } from './watermark.js';
import type { NotificationCandidate, PipelineContext, PipelineDefinition } from './pipeline.js';
import { RunTotals, type BatchSummary } from './runTotals.js';
import type { RuntimeMetrics } from './runtimeMetrics.js';
import type { PushflowMetrics } from '../observability/metrics.js';

/** Dead-letter text is kept whole up to this size; oversized payloads keep their head. */
const DEAD_LETTER_RAW_LIMIT = 16_384;

export interface PipelineRuntimeOptions {
  config: PushflowConfig;
  store: StateStore;
  pipelines: PipelineDefinition[];
  clock: Clock;
  metrics?: RuntimeMetrics;
  /** Handed to pipelines for their own metrics. */
  pipelineMetrics?: PushflowMetrics;
  log?: (message: string) => void;
  /** Best-send-time inputs (profiles, segments, behaviour model); absent: the platform's own pattern. */
  signals?: SendTimeSignals;
  /** The models' answers to triggers (context.ports) and to the policy (purchase propensity); absent: built-in fallbacks. */
  ports?: Partial<TriggerPorts>;
}

interface RunningGraph {
  definition: PipelineDefinition;
  input: Subject<PushflowEvent>;
  subscription: Subscription;
  failure?: unknown;
}

export class PipelineRuntime {
  readonly offsets: SourceOffsets;
  readonly dedupe: SeenIds;
  /** Notification ids ever queued: the last line of defence against producing one twice. */
  readonly issued: SeenIds;
  readonly outbox: Outbox<Notification>;
  readonly deadLetters: Outbox<DeadLetter>;
  readonly catalog: CatalogStore;
  readonly users: UserStore;
  /** The policy chain, rendering and their state (src/decide). */
  readonly decisions: DecisionEngine;
  readonly totals = new RunTotals();

  private readonly progress: StreamProgressStore;
  private readonly watermark: WatermarkTracker;
  private readonly watermark$ = new Subject<number>();
  private readonly batchEnd$ = new Subject<void>();
  private readonly graphs: RunningGraph[] = [];
  private readonly timerStores = new Map<string, TimerStore<unknown>>();
  private readonly decoders = new Map<string, RecordDecoder>();
  private readonly context: PipelineContext;
  private pending: NotificationCandidate[] = [];
  /** Messages the policy held for later in the open batch, by reason. */
  private deferred = new Map<string, number>();
  private summary!: BatchSummary;
  private ingestedAt = 0;
  private committedCounts: CommittedCounts;
  /** Counts written by the open transaction; they become `committedCounts` once it commits. */
  private pendingCounts: CommittedCounts = NO_COUNTS;

  constructor(private readonly options: PipelineRuntimeOptions) {
    const { store, config } = options;
    this.offsets = new SourceOffsets(store);
    this.dedupe = openEventDedupe(store, config.events);
    this.issued = openIssuedNotificationIds(store, config.events);
    this.outbox = new Outbox<Notification>(store, 'outbox:notifications');
    this.deadLetters = new Outbox<DeadLetter>(store, 'outbox:dead-letters');
    this.catalog = new CatalogStore(store);
    this.users = new UserStore(store);
    this.decisions = new DecisionEngine({ config, store, users: this.users, catalog: this.catalog, issued: this.issued, signals: options.signals, ports: options.ports });
    this.progress = new StreamProgressStore(store);
    this.watermark = new WatermarkTracker(config.time);
    const saved = this.progress.get();
    if (saved !== undefined) this.watermark.restore(saved.watermark, saved.partitions);
    this.committedCounts = { ...NO_COUNTS, ...saved?.counts };

    this.context = {
      config,
      watermark$: this.watermark$.asObservable(),
      batchEnd$: this.batchEnd$.asObservable(),
      clock: options.clock,
      state: store,
      catalog: this.catalog,
      users: this.users,
      timers: <P>(name: string) => this.timerStore<P>(name),
      metrics: options.pipelineMetrics,
      ports: options.ports,
    };
    for (const definition of options.pipelines) {
      if (definition.enabled?.(config) === false) continue;
      this.graphs.push(this.build(definition));
    }
  }

  /** Counts over the data directory's life, as committed. */
  lifetimeCounts(): CommittedCounts {
    return { ...this.committedCounts };
  }

  /** The current watermark (event time up to which the stream is taken as complete). */
  currentWatermark(): number {
    return this.watermark.current();
  }

  timerStore<P>(name: string): TimerStore<P> {
    let timers = this.timerStores.get(name);
    if (timers === undefined) {
      timers = new TimerStore<unknown>(this.options.store, name);
      this.timerStores.set(name, timers);
    }
    return timers as TimerStore<P>;
  }

  /** Processes one batch and commits it with its offsets; returns what it did. */
  processBatch(batch: SourceBatch): BatchSummary {
    const started = performance.now();
    const now = this.options.clock.now();
    this.ingestedAt = now;
    this.summary = RunTotals.emptySummary();
    const decode = this.decoder(batch.format, batch.liveEventTime === true);
    this.deferred = new Map();
    this.options.store.transaction(() => {
      this.applyDeliveryReceipts();
      for (const record of batch.records) {
        this.summary.events++;
        this.ingestedAt = record.receivedAt ?? now;
        if (record.event !== undefined) {
          this.ingest(record.event, batch, record.offset, now);
          continue;
        }
        const decoded = decode(record, now);
        if (!decoded.ok) {
          this.deadLetter(batch, record.offset, record.raw, decoded.field, decoded.reason, now);
          this.summary.invalid++;
          continue;
        }
        this.ingest(decoded.event, batch, record.offset, now);
      }
      this.endBatch();
      this.offsets.set(batch.source, batch.partition, batch.nextOffset);
      this.commitProgress();
    });
    this.afterCommit(batch.source, performance.now() - started);
    return this.summary;
  }

  /**
   * Lets processing time move the watermark (idle sources) and fires what became due.
   * Returns the summary when anything happened, else undefined.
   */
  tick(source = 'idle'): BatchSummary | undefined {
    const now = this.options.clock.now();
    const before = this.watermark.current();
    if (this.watermark.tick(now) <= before) return undefined;
    const started = performance.now();
    this.ingestedAt = now;
    this.summary = RunTotals.emptySummary();
    this.deferred = new Map();
    this.options.store.transaction(() => {
      this.applyDeliveryReceipts();
      this.emitWatermark(this.watermark.current());
      this.endBatch();
      this.commitProgress();
    });
    this.afterCommit(source, performance.now() - started);
    return this.summary;
  }

  close(): void {
    for (const graph of this.graphs) {
      graph.subscription.unsubscribe();
      graph.input.complete();
    }
    this.watermark$.complete();
    this.batchEnd$.complete();
  }

  private ingest(event: PushflowEvent, batch: SourceBatch, offset: string, now: number): void {
    if (!this.dedupe.addIfAbsent(event.id, event.time)) {
      this.summary.duplicates++;
      return;
    }
    this.summary.valid++;
    const type = eventTypeLabel(event);
    this.summary.byType.set(type, (this.summary.byType.get(type) ?? 0) + 1);
    const before = this.watermark.current();
    if (event.time < before) this.summary.late++;
    const after = this.watermark.observe(batch.partition, event.time, now);
    if (after > before) this.emitWatermark(after);
    for (const graph of this.graphs) {
      graph.input.next(event);
      if (graph.failure !== undefined) this.recoverGraph(graph, batch, offset, event);
    }
    this.decisions.observe(event);
    this.decidePending();
  }

  private emitWatermark(watermark: number): void {
    this.watermark$.next(watermark);
    for (const graph of this.graphs) {
      if (graph.failure !== undefined) this.recoverGraph(graph);
    }
    this.decidePending();
    // Messages the policy held (quiet hours, send time, rate-limit slots) whose time has come.
    for (const result of this.decisions.releaseDue(watermark)) this.recordDecision(result);
  }

  /** Delivery receipts written since the last batch: engagement, decision log, fallbacks on the next channel. */
  private applyDeliveryReceipts(): void {
    const { fallbacks } = this.decisions.applyReceipts(this.watermark.current());
    for (const result of fallbacks) this.recordDecision(result);
  }

  /** Lets pipelines write back what they kept in memory during the batch, inside its transaction. */
  private endBatch(): void {
    this.batchEnd$.next();
    for (const graph of this.graphs) {
      if (graph.failure !== undefined) this.recoverGraph(graph);
    }
    this.decidePending();
    // Last: it writes what the decisions of the whole batch kept in memory (the decision log).
    this.decisions.endBatch(this.watermark.current());
  }

  private decidePending(): void {
    if (this.pending.length === 0) return;
    const candidates = this.pending;
    this.pending = [];
    for (const candidate of candidates) {
      this.summary.candidates++;
      this.recordDecision(this.decisions.decide(candidate, this.ingestedAt));
    }
  }

  /** A decision's effect inside the batch: an outbox entry, a suppression counted by reason, or a hold. */
  private recordDecision(result: DecisionResult): void {
    switch (result.outcome) {
      case 'queued':
        this.outbox.add(result.notification);
        this.summary.notifications.push(result.notification);
        return;
      case 'suppressed':
        this.summary.suppressed.set(result.reason, (this.summary.suppressed.get(result.reason) ?? 0) + 1);
        return;
      case 'deferred':
        this.deferred.set(result.reason, (this.deferred.get(result.reason) ?? 0) + 1);
        return;
    }
  }

  private deadLetter(batch: SourceBatch, offset: string, raw: string, field: string, reason: string, now: number): void {
    const truncated = raw.length > DEAD_LETTER_RAW_LIMIT;
    const letter: DeadLetter = {
      source: batch.source,
      partition: batch.partition,
      offset,
      raw: truncated ? raw.slice(0, DEAD_LETTER_RAW_LIMIT) : raw,
      field,
      reason,
      at: now,
    };
    if (truncated) letter.truncated = true;
    this.deadLetters.add(letter);
    this.summary.deadLettered++;
    const label = field.split('.')[0];
    this.summary.invalidByField.set(label, (this.summary.invalidByField.get(label) ?? 0) + 1);
  }

  private commitProgress(): void {
    const snapshot = this.watermark.snapshot();
    const before = this.committedCounts;
    const summary = this.summary;
    const counts: CommittedCounts = {
      events: before.events + summary.events,
      valid: before.valid + summary.valid,
      invalid: before.invalid + summary.invalid,
      duplicates: before.duplicates + summary.duplicates,
      late: before.late + summary.late,
      notifications: before.notifications + summary.notifications.length,
    };
    this.progress.set({ ...snapshot, counts });
    this.pendingCounts = counts;
    if (Number.isFinite(snapshot.watermark)) {
      this.dedupe.expire(snapshot.watermark);
      this.issued.expire(snapshot.watermark);
    }
  }

  private afterCommit(source: string, elapsedMs: number): void {
    this.committedCounts = this.pendingCounts;
    this.outbox.committed();
    this.deadLetters.committed();
    this.totals.add(this.summary);
    this.options.metrics?.recordBatch(source, this.summary, elapsedMs / 1000, this.options.clock.now());
    this.options.metrics?.setWatermark(source, this.watermark.current(), this.options.clock.now());
    this.options.metrics?.setOutboxDepth(this.outbox.depth());
    const metrics = this.options.pipelineMetrics;
    if (metrics !== undefined) {
      for (const [reason, count] of this.deferred) metrics.notificationsDeferred.inc({ reason }, count);
      if (this.deferred.size > 0 || this.summary.notifications.length > 0) metrics.scheduledSends.set(this.decisions.scheduled.pending());
    }
  }

  private build(definition: PipelineDefinition): RunningGraph {
    const input = new Subject<PushflowEvent>();
    const graph: RunningGraph = { definition, input, subscription: undefined as unknown as Subscription };
    graph.subscription = definition.build(input.asObservable(), this.context).subscribe({
      next: (candidate) => this.pending.push(candidate),
      error: (error: unknown) => {
        graph.failure = error;
      },
    });
    return graph;
  }

  /**
   * A pipeline threw: its Rx graph is torn down. The event it failed on goes to the dead
   * letters naming the pipeline (so it is not lost nor retried forever), and the graph is
   * rebuilt from its definition; its state lives in LMDB, so nothing else is lost.
   */
  private recoverGraph(graph: RunningGraph, batch?: SourceBatch, offset?: string, event?: PushflowEvent): void {
    const message = graph.failure instanceof Error ? graph.failure.message : String(graph.failure);
    const name = graph.definition.name;
    this.options.log?.(`pipeline ${name} failed${event ? ` on event ${event.id}` : ' on a watermark'}: ${message}; rebuilding it`);
    this.options.metrics?.pipelineError(name);
    if (batch !== undefined && offset !== undefined && event !== undefined) {
      this.deadLetter(batch, offset, JSON.stringify(event), `pipeline.${name}`, `pipeline.${name}: ${message}`, this.ingestedAt);
    }
    graph.input.complete();
    const index = this.graphs.indexOf(graph);
    this.graphs[index] = this.build(graph.definition);
  }

  private decoder(format: RecordFormat, liveEventTime: boolean): RecordDecoder {
    const key = `${format}:${liveEventTime}`;
    let decoder = this.decoders.get(key);
    if (decoder === undefined) {
      decoder = recordDecoder(format, decodeOptionsFor(this.options.config.events, liveEventTime));
      this.decoders.set(key, decoder);
    }
    return decoder;
  }
}
