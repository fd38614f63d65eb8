// The messages between KafkaSource (main thread) and its fetch worker (kafkaFetchWorker.ts), and
// the packed form a fetched batch travels in: the values, keys, offsets and timestamps of a whole
// partition batch in four typed arrays, handed over without copying (a transfer), because a
// structured clone of one object per message would cost the main thread what the worker saves it.

import type { MessagePort } from 'node:worker_threads';
import type { KafkaReceivedMessage } from '../kafka/kafkaClient.js';
import type { DecodeOptions, RecordDecoder } from '../events/decode.js';
import { BehaviorJsonScanner } from './behaviorJsonScanner.js';
import { EventPacker, EventUnpacker, eventColumnBuffers, type PackedEvents } from './packedEvents.js';
import type { PushflowEvent } from '../events/types.js';
import type { RawRecord } from './source.js';

export interface FetchWorkerOptions {
  brokers: string[];
  topic: string;
  groupId: string;
  clientId: string;
  maxBytesPerPartition?: number;
  maxWaitTimeInMs: number;
  fromBeginning: boolean;
  sessionTimeoutMs?: number;
  /** Batches the main thread may hold (queued or in hand) before the worker waits. */
  prefetchBatches: number;
  /**
   * When set, the worker decodes and validates JSON records with these limits, and behaviour
   * events cross in columns (packedEvents.ts) instead of as text.
   */
  decode?: DecodeOptions;
}

export interface FetchWorkerData extends FetchWorkerOptions {
  /** Int32 slots shared by both threads, indexed by `SharedSlot`. */
  shared: SharedArrayBuffer;
  /** Where the main thread answers `joined` (read synchronously: see SharedSlot.PositionsReady). */
  positionsPort: MessagePort;
}

export const SharedSlot = {
  /** Batches posted to the main thread and not yet handled or dropped there. */
  Held: 0,
  /** Set to 1 by the main thread once its answer to `joined` is on `positionsPort`. */
  PositionsReady: 1,
  /** Set to 1 by the main thread when the source stops: no blocking wait goes on after it. */
  Stopping: 2,
} as const;
export const SHARED_BYTES = 12;

export interface PackedBatch {
  type: 'batch';
  partition: number;
  highWatermark: string;
  count: number;
  /** The values' UTF-8 bytes, one after the other; a null value is empty. */
  values: Uint8Array;
  valueLengths: Int32Array;
  keys: Uint8Array;
  /** -1 for a message without a key. */
  keyLengths: Int32Array;
  /** Kafka offsets as numbers: exact below 2^53, which no partition reaches. */
  offsets: Float64Array;
  timestamps: Float64Array;
  /** Records decoded on the fetch thread; their `values` are empty. */
  events?: PackedEvents;
}

export type FromFetchWorker =
  /**
   * The group (re)joined with these partitions: the main thread drops what it holds of others and
   * answers with each partition's resume offset on `positionsPort`, while the worker waits.
   */
  | { type: 'joined'; partitions: number[] }
  /** A rebalance began: the main thread drops its queued batches; the worker rejoins once `Held` is 0. */
  | { type: 'rebalancing' }
  | PackedBatch
  | { type: 'failed'; message: string; stack?: string }
  | { type: 'stopped' };

export type ToFetchWorker =
  /** A batch was committed: the partition now resumes at `nextOffset`. */
  | { type: 'handled'; partition: number; nextOffset: string }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' };

/** The answer to `joined`: resume offsets of the partitions that have one. */
export type JoinedPositions = Array<[number, string]>;

/** A JSON decoder, its limits, and the wall-clock time to validate event times against. */
export interface FetchDecoding {
  decoder: RecordDecoder;
  /** The decoder's limits: behaviour events in the plain shape are read without it (behaviorJsonScanner.ts). */
  limits: DecodeOptions;
  now: number;
}

/** One per thread: packBatch is synchronous. */
const scanner = new BehaviorJsonScanner();

export function packBatch(
  partition: number,
  highWatermark: string,
  messages: KafkaReceivedMessage[],
  decoding?: FetchDecoding,
): PackedBatch {
  const count = messages.length;
  let rawBytes = 0;
  let keyBytes = 0;
  for (const message of messages) {
    rawBytes += message.value?.length ?? 0;
    keyBytes += message.key?.length ?? 0;
  }
  // A decoded string's UTF-8 never outgrows its JSON text (escapes are longer than what they stand for).
  const packer = decoding === undefined ? undefined : new EventPacker(count, rawBytes);
  const decoded = new Uint8Array(count);
  let valueBytes = 0;
  for (let i = 0; i < count; i++) {
    const { value } = messages[i];
    if (packer !== undefined && value) {
      const { decoder, limits, now } = decoding!;
      if (scanner.scan(value, now, limits) && packer.addScanned(i, value, scanner)) {
        decoded[i] = 1;
        continue;
      }
      const result = decoder({ raw: value.toString('utf8'), offset: messages[i].offset }, now);
      if (result.ok && packer.add(i, result.event)) {
        decoded[i] = 1;
        continue;
      }
    }
    valueBytes += value?.length ?? 0;
  }
  const batch: PackedBatch = {
    type: 'batch',
    partition,
    highWatermark,
    count,
    values: new Uint8Array(valueBytes),
    valueLengths: new Int32Array(count),
    keys: new Uint8Array(keyBytes),
    keyLengths: new Int32Array(count),
    offsets: new Float64Array(count),
    timestamps: new Float64Array(count),
  };
  let valueAt = 0;
  let keyAt = 0;
  for (let i = 0; i < count; i++) {
    const { key, offset, timestamp } = messages[i];
    const value = decoded[i] === 1 ? null : messages[i].value;
    if (value) {
      batch.values.set(value, valueAt);
      valueAt += value.length;
    }
    batch.valueLengths[i] = value?.length ?? 0;
    if (key) {
      // Keys are short: a loop costs less than a call to set().
      for (let j = 0; j < key.length; j++) batch.keys[keyAt + j] = key[j];
      keyAt += key.length;
    }
    batch.keyLengths[i] = key ? key.length : -1;
    batch.offsets[i] = Number(offset);
    batch.timestamps[i] = Number(timestamp);
  }
  if (packer !== undefined) batch.events = packer.finish();
  return batch;
}

/** The buffers to transfer with a packed batch. */
export function transferList(batch: PackedBatch): ArrayBuffer[] {
  const buffers = [batch.values, batch.valueLengths, batch.keys, batch.keyLengths, batch.offsets, batch.timestamps].map(
    (array) => array.buffer as ArrayBuffer,
  );
  return batch.events === undefined ? buffers : [...buffers, ...eventColumnBuffers(batch.events)];
}

/** The batch's records at or past `floor` (offsets below it were handled already). */
export function unpackRecords(batch: PackedBatch, floor: number | undefined): RawRecord[] {
  const values = Buffer.from(batch.values.buffer, batch.values.byteOffset, batch.values.byteLength);
  const keys = Buffer.from(batch.keys.buffer, batch.keys.byteOffset, batch.keys.byteLength);
  const events = batch.events === undefined ? undefined : new EventUnpacker(batch.events);
  const records: RawRecord[] = [];
  let valueAt = 0;
  let keyAt = 0;
  for (let i = 0; i < batch.count; i++) {
    const valueEnd = valueAt + batch.valueLengths[i];
    const keyLength = batch.keyLengths[i];
    // Read for every record, kept or not: the columns are read in order.
    const event = events?.next(i);
    if (floor === undefined || batch.offsets[i] >= floor) {
      records.push(
        new PackedRecord(
          event === undefined ? values.toString('utf8', valueAt, valueEnd) : '',
          String(batch.offsets[i]),
          // The producer's timestamp: event-to-decision latency includes the time spent in Kafka.
          batch.timestamps[i],
          event,
          keys,
          keyAt,
          keyLength,
        ),
      );
    }
    valueAt = valueEnd;
    keyAt += Math.max(0, keyLength);
  }
  return records;
}

/** A record of an unpacked batch. Its key is decoded only when read: the runtime never reads it. */
class PackedRecord implements RawRecord {
  constructor(
    readonly raw: string,
    readonly offset: string,
    readonly receivedAt: number,
    readonly event: PushflowEvent | undefined,
    private readonly keys: Buffer,
    private readonly keyStart: number,
    /** -1 for a message without a key. */
    private readonly keyLength: number,
  ) {}

  get key(): string | undefined {
    return this.keyLength < 0 ? undefined : this.keys.toString('utf8', this.keyStart, this.keyStart + this.keyLength);
  }
}
