// The contract every event source (Kafka, file replay, simulator) implements.
// A source hands out micro-batches and waits for each to be committed before it reads on,
// so the batch's offsets and its effects land in LMDB together (exactly-once into state).

import type { PushflowEvent } from '../events/types.js';

/** How the runtime decodes a record's text into an event. */
export type RecordFormat = 'json' | 'taobao' | 'movielens' | 'object';

export interface RawRecord {
  /** The record as received (a JSON line, a CSV row); kept whole for the dead letter. */
  raw: string;
  /** For `object` sources (the simulator): the already-built event, skipping the parse. */
  value?: unknown;
  /**
   * The event, already decoded and validated by the source with the runtime's limits (the Kafka
   * fetch thread does this): the runtime takes it as it is, and `raw` is then empty.
   */
  event?: PushflowEvent;
  /** The message key, when the transport has one (Kafka). */
  key?: string;
  /** This record's own position within its partition. */
  offset: string;
  /**
   * Wall-clock time the record entered the system (a Kafka producer's timestamp, the simulator's
   * schedule), when known: where the event-to-decision latency is measured from. Defaults to
   * the moment the batch reaches the runtime.
   */
  receivedAt?: number;
}

export interface SourceBatch {
  /** Stable source id, used as the offsets key: `kafka:<topic>`, `file:<abs path>`, `simulator:<seed>`. */
  source: string;
  partition: number;
  format: RecordFormat;
  records: RawRecord[];
  /** Where to resume after this batch is committed: the next offset to read. */
  nextOffset: string;
  /**
   * True when event times should track the wall clock (a live Kafka stream): events too far
   * in the future are then dead-lettered as clock skew. Replays and the simulator run in their
   * own event time, so for them the check is off.
   */
  liveEventTime?: boolean;
}

/** Called for each batch; resolves once the batch and its offsets are committed. */
export type BatchHandler = (batch: SourceBatch) => Promise<void>;

/** Where a partition should resume: the `nextOffset` of its last committed batch, if any. */
export type ResumePosition = (source: string, partition: number) => string | undefined;

export interface Source {
  /** Stable id, as in `SourceBatch.source`. */
  readonly id: string;
  /**
   * Reads and hands out batches until the input is exhausted (files) or `stop()` is called;
   * resolves after the last handled batch. A rejected handler promise stops the source and
   * rejects `run` with it.
   */
  run(handler: BatchHandler, resumeFrom: ResumePosition): Promise<void>;
  /** Asks the source to stop after the batch in hand; `run` then resolves. */
  stop(): Promise<void>;
  /** Backpressure: stop fetching until `resume()`; a batch in hand still completes. */
  pause(): void;
  resume(): void;
}
