// Reads one Kafka topic as a consumer-group member and hands each fetched partition batch to the
// runtime. The kafkajs member runs in a worker thread (kafkaFetchWorker.ts), which fetches and
// decodes the next batches on the second core while this thread runs the pipeline on the one in
// hand. LMDB, not Kafka, is the source of truth for positions: on every group join the worker
// seeks each assigned partition to LMDB's resume offset; Kafka commits are for monitoring only.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { projectRoot } from '../config/projectRoot.js';
import type { DecodeOptions } from '../events/decode.js';
import { SHARED_BYTES, SharedSlot, unpackRecords } from './kafkaFetchProtocol.js';
import type { FetchWorkerData, FromFetchWorker, JoinedPositions, PackedBatch, ToFetchWorker } from './kafkaFetchProtocol.js';
import type { BatchHandler, ResumePosition, Source, SourceBatch } from './source.js';

export interface KafkaSourceOptions {
  brokers: string[];
  topic: string;
  groupId: string;
  clientId?: string;
  format: 'json';
  /** Upper bound on one partition's share of a fetch, hence on a batch's size (kafkajs default 1 MiB). */
  maxBytesPerPartition?: number;
  /**
   * Longest a fetch waits for new data (kafkajs default 5000 ms). It bounds how long `stop()` and
   * `resume()` take on an idle topic; it does not delay records that are already there.
   */
  maxWaitTimeInMs?: number;
  /**
   * Where a partition with no LMDB offset starts: the earliest record (default) or only new ones.
   * Applies only when the group has no Kafka commit for it either.
   */
  fromBeginning?: boolean;
  /**
   * How long the group waits for a silent member before giving its partitions to others
   * (kafkajs default 30000 ms): also how long a restarted process waits for its killed self.
   */
  sessionTimeoutMs?: number;
  /**
   * Batches fetched ahead and held for the pipeline (default 4): the fetch thread stops fetching
   * while this many wait. Each is at most `maxBytesPerPartition`.
   */
  prefetchBatches?: number;
  /**
   * The runtime's decoding limits: JSON records are then decoded and validated on the fetch
   * thread, and behaviour events reach the runtime as events (`RawRecord.event`), not text.
   */
  decode?: DecodeOptions;
  /** Records not yet handed out on a partition (high watermark - next offset), after each batch. */
  onLag?: (partition: number, lag: number) => void;
}

/** Time the fetch thread gets to leave the group on stop, on top of the session timeout. */
const STOP_GRACE_MS = 5_000;

export class KafkaSource implements Source {
  readonly id: string;
  private readonly options: KafkaSourceOptions;
  private readonly shared = new Int32Array(new SharedArrayBuffer(SHARED_BYTES));
  private worker: Worker | undefined;
  private positionsPort: MessagePort | undefined;
  private handler: BatchHandler | undefined;
  private resumeFrom: ResumePosition | undefined;
  /**
   * Per partition, the lowest offset that may still reach the handler: LMDB's resume offset at the
   * last join, then each handled batch's `nextOffset`. Records below it were already handled (or
   * were fetched before a seek took effect) and are dropped, so nothing is processed twice.
   */
  private readonly floor = new Map<number, number>();
  /** The partitions of the last group join; batches of others are dropped. */
  private assigned: Set<number> | undefined;
  private readonly queue: PackedBatch[] = [];
  private inHand = false;
  private workerExited = false;
  private paused = false;
  private stopRequested = false;
  private failure: { error: unknown } | undefined;
  private settle: { resolve: () => void; reject: (error: unknown) => void } | undefined;
  private readonly finished: Promise<void>;
  private markFinished: () => void = () => {};

  constructor(options: KafkaSourceOptions) {
    this.options = options;
    this.id = `kafka:${options.topic}`;
    this.finished = new Promise<void>((resolve) => (this.markFinished = resolve));
  }

  run(handler: BatchHandler, resumeFrom: ResumePosition): Promise<void> {
    if (this.worker) return Promise.reject(new Error(`${this.id}: run() was already called`));
    if (this.stopRequested) return Promise.resolve();
    this.handler = handler;
    this.resumeFrom = resumeFrom;
    const done = new Promise<void>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    const { port1, port2 } = new MessageChannel();
    this.positionsPort = port1;
    const workerData: FetchWorkerData = {
      brokers: this.options.brokers,
      topic: this.options.topic,
      groupId: this.options.groupId,
      clientId: this.options.clientId ?? `pushflow-${this.options.groupId}`,
      maxBytesPerPartition: this.options.maxBytesPerPartition,
      maxWaitTimeInMs: this.options.maxWaitTimeInMs ?? 1000,
      fromBeginning: this.options.fromBeginning ?? true,
      sessionTimeoutMs: this.options.sessionTimeoutMs,
      prefetchBatches: this.options.prefetchBatches ?? 4,
      decode: this.options.format === 'json' ? this.options.decode : undefined,
      shared: this.shared.buffer as SharedArrayBuffer,
      positionsPort: port2,
    };
    const worker = new Worker(fetchWorkerPath(), { workerData, transferList: [port2] });
    this.worker = worker;
    worker.on('message', (message: FromFetchWorker) => this.onWorkerMessage(message));
    worker.on('error', (error) => this.fail(error));
    worker.once('exit', (code) => {
      this.workerExited = true;
      port1.close();
      if (!this.stopRequested) this.fail(new Error(`${this.id}: the fetch worker exited (code ${code})`));
      this.finishIfIdle();
    });
    if (this.paused) this.tell({ type: 'pause' });
    return done;
  }

  /** Stops after the batch in hand; the batches fetched ahead are dropped (their offsets are not committed). */
  stop(): Promise<void> {
    if (!this.stopRequested) {
      this.stopRequested = true;
      Atomics.store(this.shared, SharedSlot.Stopping, 1);
      Atomics.notify(this.shared, SharedSlot.PositionsReady);
      this.dropQueued();
      this.tell({ type: 'stop' });
      // Leaving the group waits for the broker; a broker that never answers must not hold the
      // process: past the group's session timeout it would have dropped this member anyway.
      const worker = this.worker;
      if (worker !== undefined) {
        const deadline = setTimeout(() => void worker.terminate(), STOP_GRACE_MS + (this.options.sessionTimeoutMs ?? 30_000));
        deadline.unref();
        void this.finished.then(() => clearTimeout(deadline));
      }
    }
    if (!this.worker) return Promise.resolve();
    return this.finished;
  }

  pause(): void {
    this.paused = true;
    this.tell({ type: 'pause' });
  }

  resume(): void {
    this.paused = false;
    this.tell({ type: 'resume' });
    void this.drain();
  }

  private tell(message: ToFetchWorker): void {
    if (!this.workerExited) this.worker?.postMessage(message);
  }

  private onWorkerMessage(message: FromFetchWorker): void {
    switch (message.type) {
      case 'batch':
        if (this.stopRequested) this.release();
        else {
          this.queue.push(message);
          void this.drain();
        }
        return;
      case 'joined':
        this.answerJoin(message.partitions);
        return;
      case 'rebalancing':
        this.dropQueued();
        return;
      case 'failed': {
        const error = new Error(`${this.id}: ${message.message}`);
        if (message.stack) error.stack = message.stack;
        this.fail(error);
        return;
      }
      case 'stopped':
        // Disconnected: nothing of kafkajs' may keep the thread alive now.
        void this.worker?.terminate();
        return;
    }
  }

  /** Sets the floors from LMDB for the assigned partitions, and hands the worker their offsets to seek to. */
  private answerJoin(partitions: number[]): void {
    const positions: JoinedPositions = [];
    try {
      this.assigned = new Set(partitions);
      this.dropQueued((batch) => !this.assigned!.has(batch.partition));
      for (const partition of partitions) {
        const offset = this.resumeFrom!(this.id, partition);
        if (offset === undefined) continue;
        this.floor.set(partition, Number(offset));
        positions.push([partition, offset]);
      }
    } catch (error) {
      this.fail(error);
    } finally {
      // Always answered: the worker is blocked until it is.
      this.positionsPort!.postMessage(positions);
      Atomics.store(this.shared, SharedSlot.PositionsReady, 1);
      Atomics.notify(this.shared, SharedSlot.PositionsReady);
    }
  }

  private async drain(): Promise<void> {
    if (this.inHand) return;
    while (!this.paused && !this.stopRequested && this.queue.length > 0) {
      const batch = this.queue.shift()!;
      this.inHand = true;
      try {
        await this.handle(batch);
      } finally {
        this.inHand = false;
        this.release();
      }
    }
    this.finishIfIdle();
  }

  private async handle(batch: PackedBatch): Promise<void> {
    const { partition } = batch;
    if (this.assigned !== undefined && !this.assigned.has(partition)) return;
    let floor = this.floor.get(partition);
    if (floor !== undefined && floor > Number(batch.highWatermark)) {
      // The resume offset lies past the end of the log: the topic was recreated or truncated, and
      // kafkajs has reset the position (OFFSET_OUT_OF_RANGE). Keeping the floor would silently
      // skip records that were never handled.
      process.stderr.write(
        `[pushflow] WARN ${this.id}: partition ${partition} resume offset ${floor} is past the log end ` +
          `${batch.highWatermark}; reading from where Kafka reset the position\n`,
      );
      this.floor.delete(partition);
      floor = undefined;
    }
    const records = unpackRecords(batch, floor);
    if (records.length === 0) return;

    const nextOffset = String(Number(records[records.length - 1].offset) + 1);
    const sourceBatch: SourceBatch = {
      source: this.id,
      partition,
      format: this.options.format,
      records,
      nextOffset,
      liveEventTime: true,
    };
    try {
      await this.handler!(sourceBatch);
    } catch (error) {
      this.fail(error);
      return;
    }
    this.floor.set(partition, Number(nextOffset));
    this.tell({ type: 'handled', partition, nextOffset });
    this.options.onLag?.(partition, Math.max(0, Number(batch.highWatermark) - Number(nextOffset)));
  }

  /** Drops queued batches (those `which` picks, default all): they are fetched again after the next join or start. */
  private dropQueued(which: (batch: PackedBatch) => boolean = () => true): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (!which(this.queue[i])) continue;
      this.queue.splice(i, 1);
      this.release();
    }
  }

  /** One batch the worker posted is done with: it may fetch another, or rejoin once none is held. */
  private release(): void {
    Atomics.sub(this.shared, SharedSlot.Held, 1);
    Atomics.notify(this.shared, SharedSlot.Held);
  }

  /** Records the first error and stops; `run` then rejects with it. */
  private fail(error: unknown): void {
    this.failure ??= { error };
    void this.stop();
  }

  private finishIfIdle(): void {
    if (!this.workerExited || this.inHand) return;
    this.markFinished();
    if (!this.settle) return;
    const { resolve, reject } = this.settle;
    this.settle = undefined;
    if (this.failure) reject(this.failure.error);
    else resolve();
  }
}

/** The compiled fetch worker: beside this module in the build, or the build's when running from the sources (tests). */
function fetchWorkerPath(): string {
  const beside = fileURLToPath(new URL('./kafkaFetchWorker.js', import.meta.url));
  if (existsSync(beside)) return beside;
  const built = join(projectRoot(), 'dist', 'src', 'sources', 'kafkaFetchWorker.js');
  if (existsSync(built)) return built;
  throw new Error(`KafkaSource: the fetch worker is not built (${built}); run \`npm run build\``);
}
