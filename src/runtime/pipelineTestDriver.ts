// The pipeline test driver, after Kafka Streams' TopologyTestDriver: pipe arrays of events into
// the real runtime over a temporary LMDB, move event time and processing time by hand, and read
// the outbox, the dead letters and the stores. No broker, no sleeps, deterministic.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema, type PushflowConfig } from '../config/schema.js';
import type { RecordFormat, SourceBatch } from '../sources/source.js';
import type { DeadLetter, Notification } from '../sinks/sink.js';
import { StateStore } from '../../state/stateStore.js';
import { VirtualClock } from './clock.js';
import type { PipelineDefinition } from './pipeline.js';
import { PipelineRuntime } from './pipelineRuntime.js';
import type { BatchSummary } from './runTotals.js';
import type { SendTimeSignals } from '../decide/sendTimeSignals.js';
import type { TriggerPorts } from '../../pipelines/ports.js';

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K] };

export interface TestDriverOptions {
  pipelines: PipelineDefinition[];
  config?: DeepPartial<PushflowConfig>;
  /** Processing time at the start (epoch ms); event validation checks times against it. */
  startTime?: number;
  /**
   * Connects models as the process does (e.g. `connectModels` of src/app/modelConnections.ts),
   * on each opening of the LMDB (a restart connects anew); `afterBatch` runs after each commit.
   */
  connect?: (store: StateStore, config: PushflowConfig) => DriverConnections;
}

export interface DriverConnections {
  ports?: Partial<TriggerPorts>;
  signals?: SendTimeSignals;
  /** What the process does between batches (e.g. scoring the users the batch asked about). */
  afterBatch?(): void;
}

const SOURCE = 'test';

export class PipelineTestDriver {
  readonly clock: VirtualClock;
  readonly config: PushflowConfig;
  private store: StateStore;
  private nextOffset = 0;
  private connections: DriverConnections = {};
  runtime: PipelineRuntime;

  constructor(
    private readonly options: TestDriverOptions,
    readonly dataDir = mkdtempSync(join(tmpdir(), 'pushflow-test-')),
  ) {
    this.config = configSchema.parse({ ...options.config, dataDir });
    this.clock = new VirtualClock(options.startTime ?? Date.UTC(2026, 10, 2));
    this.store = new StateStore({ path: dataDir, flushEachCommit: false });
    this.runtime = this.open();
  }

  private open(): PipelineRuntime {
    this.connections = this.options.connect?.(this.store, this.config) ?? {};
    const { ports, signals } = this.connections;
    return new PipelineRuntime({ config: this.config, store: this.store, pipelines: this.options.pipelines, clock: this.clock, ports, signals });
  }

  /** Pipes events (objects in our schema; invalid ones are dead-lettered) as one batch. */
  pipe(events: object[], partition = 0): BatchSummary {
    return this.pipeRecords(
      events.map((event) => ({ raw: JSON.stringify(event), value: event })),
      'object',
      partition,
    );
  }

  /** Pipes raw lines in a source format (`json`, `taobao`, `movielens`) as one batch. */
  pipeRaw(lines: string[], format: RecordFormat, partition = 0): BatchSummary {
    return this.pipeRecords(lines.map((raw) => ({ raw })), format, partition);
  }

  private pipeRecords(records: { raw: string; value?: unknown }[], format: RecordFormat, partition: number): BatchSummary {
    const batch: SourceBatch = {
      source: SOURCE,
      partition,
      format,
      records: records.map((record) => ({ ...record, offset: String(this.nextOffset++) })),
      nextOffset: String(this.nextOffset),
      liveEventTime: true,
    };
    const summary = this.runtime.processBatch(batch);
    this.connections.afterBatch?.();
    return summary;
  }

  /** Moves processing time; an idle stream's watermark follows it after the idle timeout. */
  advanceProcessingTime(ms: number): BatchSummary | undefined {
    this.clock.advance(ms);
    const summary = this.runtime.tick();
    this.connections.afterBatch?.();
    return summary;
  }

  watermark(): number {
    return this.runtime.currentWatermark();
  }

  /** Notifications waiting in the outbox, oldest first. */
  notifications(): Notification[] {
    return this.runtime.outbox.peek(1_000_000).map((entry) => entry.value);
  }

  deadLetters(): DeadLetter[] {
    return this.runtime.deadLetters.peek(1_000_000).map((entry) => entry.value);
  }

  /** Where the test source would resume after a restart. */
  committedOffset(partition = 0): string | undefined {
    return this.runtime.offsets.get(SOURCE, partition);
  }

  /** Closes and reopens the runtime on the same LMDB, as a process restart would. */
  async restart(): Promise<void> {
    this.runtime.close();
    await this.store.close();
    this.store = new StateStore({ path: this.dataDir, flushEachCommit: false });
    this.runtime = this.open();
  }

  async close(): Promise<void> {
    this.runtime.close();
    await this.store.close();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
