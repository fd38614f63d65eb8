// KafkaSource's fetch thread: the kafkajs consumer-group member, fetching and decoding record
// batches on the second core while the main thread runs the pipeline, up to `prefetchBatches`
// batches ahead of it. It never decides what is processed: the main thread drops records below
// its committed offsets and answers, at every group join, where each partition resumes.
//
// Rebalances: a partition must not move to another member while this process still holds some
// of its records, or both would process them. kafkajs emits REBALANCING just before it rejoins;
// this thread then blocks until the main thread has dropped its queue and finished the batch in
// hand (the group waits for every member's rejoin, so the others wait too).

import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { recordDecoder } from '../events/decode.js';
import { createKafkaClient } from '../kafka/kafkaClient.js';
import type { KafkaConsumer } from '../kafka/kafkaClient.js';
import { packBatch, SharedSlot, transferList } from './kafkaFetchProtocol.js';
import type { FetchWorkerData, FromFetchWorker, JoinedPositions, ToFetchWorker } from './kafkaFetchProtocol.js';

// A batch crosses to the main thread by transfer, which detaches its buffers here; the first
// detach in a thread makes V8 throw away all its optimized code that reads typed arrays (kafkajs'
// decoders, the scanner) and compile it again with detach checks. Detaching one buffer before any
// code is hot spares that second compilation, about a third of a second of CPU per start.
const detached = new ArrayBuffer(8);
structuredClone(detached, { transfer: [detached] });

const port = parentPort!;
const options = workerData as FetchWorkerData;
const { topic } = options;
const shared = new Int32Array(options.shared);
const decoder = options.decode === undefined ? undefined : recordDecoder('json', options.decode);
/** Longest wait for the main thread in one blocking step; the loop re-checks `stopping`. */
const BLOCK_STEP_MS = 250;

// Node 20 has Atomics.waitAsync; TypeScript declares it from lib ES2024 on.
const waitAsync = (Atomics as unknown as {
  waitAsync(array: Int32Array, index: number, value: number, timeoutMs: number): { value: Promise<string> | string };
}).waitAsync;

let paused = false;
let stopping = false;
let consumer: KafkaConsumer | undefined;

const send = (message: FromFetchWorker) => port.postMessage(message);

port.on('message', (message: ToFetchWorker) => {
  switch (message.type) {
    case 'handled':
      // Kafka's committed offsets only feed lag dashboards (kafka-consumer-groups); LMDB holds
      // the real positions, so a failed commit (during a rebalance, say) is harmless.
      consumer?.commitOffsets([{ topic, partition: message.partition, offset: message.nextOffset }]).catch(() => {});
      return;
    case 'pause':
      paused = true;
      consumer?.pause([{ topic }]);
      return;
    case 'resume':
      paused = false;
      consumer?.resume([{ topic }]);
      return;
    case 'stop':
      void stop();
      return;
  }
});

/** Read while blocked, when this thread's own messages cannot arrive. */
const mainStopping = () => Atomics.load(shared, SharedSlot.Stopping) === 1;

/** Blocks this thread until the main thread holds no batch (or the source stops). */
function waitUntilDrained(): void {
  for (;;) {
    const held = Atomics.load(shared, SharedSlot.Held);
    if (held === 0 || mainStopping()) return;
    Atomics.wait(shared, SharedSlot.Held, held, BLOCK_STEP_MS);
  }
}

/** Asks the main thread for the resume offsets of `partitions`, blocking until it answers. */
function resumePositions(partitions: number[]): JoinedPositions {
  Atomics.store(shared, SharedSlot.PositionsReady, 0);
  send({ type: 'joined', partitions });
  while (Atomics.load(shared, SharedSlot.PositionsReady) === 0 && !mainStopping()) {
    Atomics.wait(shared, SharedSlot.PositionsReady, 0, BLOCK_STEP_MS);
  }
  return (receiveMessageOnPort(options.positionsPort)?.message as JoinedPositions | undefined) ?? [];
}

/** Waits (without blocking) while the main thread holds `prefetchBatches` batches. */
async function waitForRoom(): Promise<void> {
  for (;;) {
    const held = Atomics.load(shared, SharedSlot.Held);
    if (held < options.prefetchBatches || stopping || paused || mainStopping()) return;
    await waitAsync(shared, SharedSlot.Held, held, BLOCK_STEP_MS).value;
  }
}

async function start(): Promise<void> {
  const client = createKafkaClient({ brokers: options.brokers, clientId: options.clientId });
  const member = client.consumer({
    groupId: options.groupId,
    maxBytesPerPartition: options.maxBytesPerPartition,
    maxWaitTimeInMs: options.maxWaitTimeInMs,
    sessionTimeout: options.sessionTimeoutMs,
  });
  consumer = member;
  member.on(member.events.REBALANCING, () => {
    send({ type: 'rebalancing' });
    waitUntilDrained();
  });
  // kafkajs emits GROUP_JOIN synchronously after join+sync, before the first fetch of the new
  // generation, and that fetch applies the seeks set here. A join also resets kafkajs' positions
  // to Kafka's committed offsets, so LMDB's are applied again on every (re)join.
  member.on(member.events.GROUP_JOIN, ({ payload }) => {
    const assigned = payload.memberAssignment[topic] ?? [];
    for (const [partition, offset] of resumePositions(assigned)) member.seek({ topic, partition, offset });
  });
  member.on(member.events.CRASH, ({ payload }) => {
    // With `restart`, kafkajs reconnects and rejoins by itself (and GROUP_JOIN seeks again).
    if (!payload.restart) fail(payload.error);
  });

  await member.connect();
  await member.subscribe({ topics: [topic], fromBeginning: options.fromBeginning });
  if (paused) member.pause([{ topic }]);
  await member.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: async (payload) => {
      const { batch } = payload;
      await waitForRoom();
      // A batch left unresolved is fetched again from the same position once consumption goes on.
      if (paused || stopping || !payload.isRunning() || payload.isStale() || batch.messages.length === 0) return;
      const decoding = decoder === undefined ? undefined : { decoder, limits: options.decode!, now: Date.now() };
      const packed = packBatch(batch.partition, batch.highWatermark, batch.messages, decoding);
      Atomics.add(shared, SharedSlot.Held, 1);
      port.postMessage(packed, transferList(packed));
      payload.resolveOffset(batch.messages[batch.messages.length - 1].offset);
      await payload.heartbeat();
    },
  });
}

async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  try {
    await consumer?.disconnect();
  } finally {
    send({ type: 'stopped' });
    port.close();
  }
}

function fail(error: unknown): void {
  const cause = error instanceof Error ? error : new Error(String(error));
  send({ type: 'failed', message: cause.message, stack: cause.stack });
  void stop();
}

start().catch(fail);
