// Reads one Kafka topic as a consumer-group member and hands each fetched partition batch to the
// runtime. LMDB, not Kafka, is the source of truth for positions: on every group join the source
// seeks each assigned partition to LMDB's resume offset; Kafka commits are for monitoring only.

import { createKafkaClient } from '../kafka/kafkaClient.js';
import type { KafkaBatchPayload, KafkaConsumer } from '../kafka/kafkaClient.js';
import type { BatchHandler, RawRecord, ResumePosition, Source, SourceBatch } from './source.js';

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
  /** Records not yet handed out on a partition (high watermark - next offset), after each batch. */
  onLag?: (partition: number, lag: number) => void;
}

export class KafkaSource implements Source {
  readonly id: string;
  private readonly options: KafkaSourceOptions;
  private consumer: KafkaConsumer | undefined;
  /**
   * Per partition, the lowest offset that may still reach the handler: LMDB's resume offset at the
   * last join, then each handled batch's `nextOffset`. Records below it were already handled (or
   * were fetched before a seek took effect) and are dropped, so nothing is processed twice.
   */
  private readonly floor = new Map<number, bigint>();
  private paused = false;
  private stopRequested = false;
  /** connect + subscribe + run; stop() waits for it, so it never races kafkajs' startup. */
  private startup: Promise<void> | undefined;
  private disconnected: Promise<void> | undefined;
  private failure: { error: unknown } | undefined;
  private settle: { resolve: () => void; reject: (error: unknown) => void } | undefined;

  constructor(options: KafkaSourceOptions) {
    this.options = options;
    this.id = `kafka:${options.topic}`;
  }

  async run(handler: BatchHandler, resumeFrom: ResumePosition): Promise<void> {
    if (this.consumer) throw new Error(`${this.id}: run() was already called`);
    if (this.stopRequested) return;
    const { topic } = this.options;
    const client = createKafkaClient({
      brokers: this.options.brokers,
      clientId: this.options.clientId ?? `pushflow-${this.options.groupId}`,
    });
    const consumer = client.consumer({
      groupId: this.options.groupId,
      maxBytesPerPartition: this.options.maxBytesPerPartition,
      maxWaitTimeInMs: this.options.maxWaitTimeInMs ?? 1000,
      sessionTimeout: this.options.sessionTimeoutMs,
    });
    this.consumer = consumer;
    const done = new Promise<void>((resolve, reject) => {
      this.settle = { resolve, reject };
    });

    // kafkajs emits GROUP_JOIN synchronously after join+sync, before the first fetch of the new
    // generation, and that fetch applies the seeks set here. A join also resets kafkajs' positions
    // to Kafka's committed offsets, so LMDB's positions are applied again on every (re)join.
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      try {
        for (const partition of payload.memberAssignment[topic] ?? []) {
          const offset = resumeFrom(this.id, partition);
          if (offset === undefined) continue;
          this.floor.set(partition, BigInt(offset));
          consumer.seek({ topic, partition, offset });
        }
      } catch (error) {
        this.fail(error);
      }
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      // With `restart`, kafkajs reconnects and rejoins by itself (and GROUP_JOIN seeks again).
      if (!payload.restart) this.fail(payload.error);
    });

    this.startup = (async () => {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: this.options.fromBeginning ?? true });
      if (this.paused) consumer.pause([{ topic }]);
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: (payload) => this.onBatch(payload, handler),
      });
    })().catch((error: unknown) => {
      this.failure ??= { error };
    });
    await this.startup;
    if (this.stopRequested || this.failure) void this.disconnect();
    return done;
  }

  stop(): Promise<void> {
    this.stopRequested = true;
    if (!this.startup) return Promise.resolve();
    // Not awaited inside eachBatch (disconnect waits for the batch in hand: a deadlock).
    return this.startup.then(() => this.disconnect());
  }

  pause(): void {
    this.paused = true;
    this.consumer?.pause([{ topic: this.options.topic }]);
  }

  resume(): void {
    this.paused = false;
    this.consumer?.resume([{ topic: this.options.topic }]);
  }

  private async onBatch(payload: KafkaBatchPayload, handler: BatchHandler): Promise<void> {
    const { batch } = payload;
    // A batch fetched before pause(), stop(), a failure or a pending seek is left unresolved:
    // kafkajs fetches it again from the same position once consumption goes on.
    if (this.paused || this.stopRequested || !payload.isRunning() || payload.isStale()) return;

    const { partition } = batch;
    let floor = this.floor.get(partition);
    if (floor !== undefined && floor > BigInt(batch.highWatermark)) {
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
    const records: RawRecord[] = [];
    for (const message of batch.messages) {
      if (floor !== undefined && BigInt(message.offset) < floor) continue;
      const record: RawRecord = {
        raw: message.value?.toString('utf8') ?? '',
        offset: message.offset,
        // The producer's timestamp: event-to-decision latency includes the time spent in Kafka.
        receivedAt: Number(message.timestamp),
      };
      if (message.key) record.key = message.key.toString('utf8');
      records.push(record);
    }
    if (records.length === 0) {
      // Everything here was handled already; make sure the fetch position is past it.
      if (floor !== undefined && batch.messages.length > 0) {
        payload.resolveOffset((floor - 1n).toString());
      }
      return;
    }

    const nextOffset = (BigInt(records[records.length - 1].offset) + 1n).toString();
    const sourceBatch: SourceBatch = {
      source: this.id,
      partition,
      format: this.options.format,
      records,
      nextOffset,
      liveEventTime: true,
    };
    try {
      await handler(sourceBatch);
    } catch (error) {
      this.fail(error);
      return;
    }
    this.floor.set(partition, BigInt(nextOffset));
    payload.resolveOffset(records[records.length - 1].offset);
    this.options.onLag?.(partition, Math.max(0, Number(BigInt(batch.highWatermark) - BigInt(nextOffset))));

    // The commit only feeds lag dashboards (kafka-consumer-groups); a failed one, e.g. during a
    // rebalance, is harmless, as the next batch commits again. The heartbeat's errors do matter:
    // a rebalance error thrown from here makes kafkajs rejoin, and GROUP_JOIN seeks from LMDB.
    try {
      await payload.commitOffsetsIfNecessary({
        topics: [{ topic: batch.topic, partitions: [{ partition, offset: nextOffset }] }],
      });
    } catch {
      // monitoring only, see above
    }
    await payload.heartbeat();
  }

  /** Records the first error and stops; `run` then rejects with it. */
  private fail(error: unknown): void {
    this.failure ??= { error };
    void this.stop();
  }

  /** Waits for the batch in hand, leaves the group, closes the connections; then settles `run`. */
  private disconnect(): Promise<void> {
    this.disconnected ??= (this.consumer?.disconnect() ?? Promise.resolve())
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .then(() => this.finish());
    return this.disconnected;
  }

  private finish(): void {
    if (!this.settle) return;
    const { resolve, reject } = this.settle;
    this.settle = undefined;
    if (this.failure) reject(this.failure.error);
    else resolve();
  }
}
