// SIGKILL the real binary on Kafka at varied moments (starting up, mid-stream with records
// pending, while delivering) while the stream is still being produced, and restart it on the same
// data dir: the output topic must carry exactly the notifications of an uninterrupted run, repeats
// (at-least-once delivery) must be copies of what was already sent, and every event must have
// gone into state exactly once.

import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { ensureTopics } from '../../src/kafka/kafkaClient.js';
import { deadLetterTopic } from '../../src/sinks/kafkaSink.js';
import type { DeadLetter, Notification } from '../../src/sinks/sink.js';
import { readCommittedProgress } from '../support/committedProgress.js';
import { eventually } from '../support/eventually.js';
import { kafkaTestBed } from '../support/kafkaTestBed.js';
import { kafkaRunArgs, kafkaRunEnv, lastJsonLine, PUSHFLOW_BINARY, startPushflow, type PushflowChild } from '../support/pushflowChild.js';
import { abandonedCartOnlyEnv, produceRecords, shopStream, type StreamRecord } from '../support/shopStream.js';
import { TopicRecorder } from '../support/topicRecorder.js';

const brokerList = inject('kafkaBrokers');
const brokers = brokerList ? brokerList.split(',') : [];
const EVENTS = 6_000;
const CHUNKS = 12;
/** A restart may wait for the group to drop its killed predecessor (6 s session timeout). */
const DEADLINE_MS = 40_000;

const uniqueName = (label: string) => `pushflow-crash-${label}-${randomUUID().slice(0, 8)}`;
const triple = (n: Notification) => `${n.userId}|${String(n.payload.itemId)}|${Number(n.payload.cartedAt)}`;

/** How a run was killed, and what its data dir held afterwards. */
interface Kill {
  moment: string;
  producedBefore: number;
  committedEvents: number;
}

describe.skipIf(brokers.length === 0)('SIGKILL and restart on Kafka (real broker, real binary)', () => {
  const bed = kafkaTestBed(brokers, 'kafka-crash');

  /** The uninterrupted reference: the same records replayed from a file into a fresh data dir. */
  function referenceRun(records: StreamRecord[]): Notification[] {
    const file = join(bed.dir, 'reference.jsonl');
    writeFileSync(file, records.map((r) => r.value).join('\n') + '\n');
    const dataDir = join(bed.dir, 'reference');
    const result = spawnSync(process.execPath, [PUSHFLOW_BINARY, 'replay', file, '--format', 'jsonl', '--data-dir', dataDir, '--json'], {
      env: { ...process.env, ...abandonedCartOnlyEnv(), PUSHFLOW_METRICS__ENABLED: 'false' },
      encoding: 'utf8',
    });
    expect(result.status, result.stderr).toBe(0);
    const sent = join(dataDir, 'notifications.jsonl'); // absent when nothing was sent
    const lines = existsSync(sent) ? readFileSync(sent, 'utf8').trim().split('\n') : [];
    return lines.map((line) => JSON.parse(line) as Notification);
  }

  it('loses nothing, counts nothing twice, and resends only what it had sent', async () => {
    const inputTopic = uniqueName('events');
    const topics = { brokers, inputTopic, outputTopic: uniqueName('notifications'), groupId: uniqueName('group') };
    await ensureTopics(bed.admin, [
      { topic: inputTopic, numPartitions: 1 },
      { topic: deadLetterTopic(inputTopic), numPartitions: 1 },
      { topic: topics.outputTopic, numPartitions: 3 },
    ]);
    const stream = shopStream(EVENTS);
    const reference = referenceRun(stream.records);
    expect(new Set(reference.map(triple))).toEqual(stream.fixture.expectedAbandoned);
    const output = await TopicRecorder.start(bed.client, topics.outputTopic);
    bed.recorders.push(output);

    const dataDir = join(bed.dir, 'crashed');
    const source = `kafka:${inputTopic}`;
    const chunkSize = Math.ceil(stream.records.length / CHUNKS);
    let produced = 0;
    const produceChunks = async (count: number) => {
      for (let i = 0; i < count && produced < stream.records.length; i++) {
        const chunk = stream.records.slice(produced, produced + chunkSize);
        await produceRecords(bed.producer, inputTopic, chunk);
        produced += chunk.length;
      }
    };
    const start = () => {
      const child = startPushflow(kafkaRunArgs(dataDir), { ...kafkaRunEnv(topics), ...abandonedCartOnlyEnv() });
      bed.children.push(child);
      return child;
    };
    /** Waits until this run (not the data dir's life) has committed at least one record. */
    const consuming = (child: PushflowChild) =>
      eventually(async () => {
        child.assertRunning();
        expect(await child.metric('pushflow_batch_size_sum')).toBeGreaterThan(0);
      }, DEADLINE_MS, 20);
    const kills: Kill[] = [];
    const kill = async (child: PushflowChild, moment: string) => {
      const producedBefore = produced;
      child.kill('SIGKILL');
      const exit = await child.exited;
      expect(exit.signal, `${moment}: ${exit.stderr}`).toBe('SIGKILL');
      // What survived the kill: one partition, so its resume offset counts every record whose
      // effects were committed, each exactly once.
      const { counts, offsets } = await readCommittedProgress(dataDir, source);
      expect(counts.duplicates, moment).toBe(0);
      expect(counts.events, moment).toBeLessThanOrEqual(producedBefore);
      expect(offsets[0] ?? 0n, moment).toBe(BigInt(counts.events));
      if (kills.length > 0) expect(counts.events).toBeGreaterThanOrEqual(kills[kills.length - 1].committedEvents);
      kills.push({ moment, producedBefore, committedEvents: counts.events });
    };

    // 1. Killed while starting up, before it has joined the group; two chunks are waiting.
    await produceChunks(2);
    let child = start();
    await child.metricsPort;
    await kill(child, 'starting up');

    // 2. Killed mid-stream: it is consuming, and a chunk arrives just before the kill.
    child = start();
    await consuming(child);
    await produceChunks(1);
    await kill(child, 'mid-stream, one chunk just produced');

    // 3. The same with three chunks produced back to back.
    child = start();
    await produceChunks(1);
    await consuming(child);
    await produceChunks(3);
    await kill(child, 'mid-stream, three chunks just produced');

    // 4. Killed as soon as this run has delivered a notification: delivery is under way.
    child = start();
    const delivered = output.messages.length;
    await produceChunks(2);
    await eventually(() => {
      child.assertRunning();
      expect(output.messages.length).toBeGreaterThan(delivered);
    }, DEADLINE_MS, 5);
    await kill(child, 'delivering');

    // 5. The last run gets the rest of the stream and is stopped with SIGTERM once the group's
    // (monitoring) commit shows it has handled the last record.
    child = start();
    await produceChunks(CHUNKS);
    expect(produced).toBe(stream.records.length);
    await eventually(async () => {
      child.assertRunning();
      const [{ partitions }] = await bed.admin.fetchOffsets({ groupId: topics.groupId, topics: [inputTopic] });
      expect(partitions[0].offset).toBe(String(produced));
    }, DEADLINE_MS, 100);
    child.kill('SIGTERM');
    const exit = await child.exited;
    expect(exit.code, exit.stderr).toBe(0);

    const pending = kills.filter((k) => k.committedEvents < k.producedBefore);
    console.log(`[kafka crash] kills: ${JSON.stringify(kills)}`);
    expect(kills.length).toBeGreaterThanOrEqual(3);
    expect(pending.filter((k) => k.moment.startsWith('mid-stream')).length, 'no kill found records pending').toBeGreaterThanOrEqual(1);

    // Every event into state exactly once, over the data dir's life.
    expect(lastJsonLine(exit.stdout).committed).toEqual({
      events: EVENTS + 3,
      valid: EVENTS,
      invalid: 3,
      duplicates: 0,
      late: 0,
      notifications: reference.length,
    });

    // The output topic: exactly the reference's notifications; a repeat is a byte-identical copy.
    await output.caughtUp(bed.admin);
    const firstCopy = new Map<string, { key: string | undefined; value: string }>();
    for (const message of output.messages) {
      const id = message.headers['idempotency-key'];
      const seen = firstCopy.get(id);
      if (seen) expect({ key: message.key, value: message.value }, `repeat of ${id}`).toEqual(seen);
      else firstCopy.set(id, { key: message.key, value: message.value });
      const n = JSON.parse(message.value) as Notification;
      expect(n.id).toBe(id);
      expect(message.key).toBe(n.userId);
    }
    expect([...firstCopy.keys()].sort()).toEqual(reference.map((n) => n.id).sort());
    console.log(`[kafka crash] ${output.messages.length} notification messages, ${firstCopy.size} distinct`);

    // The dead letters: at least once too, each of the three invalid records.
    const dlq = await TopicRecorder.start(bed.client, deadLetterTopic(inputTopic));
    bed.recorders.push(dlq);
    await dlq.caughtUp(bed.admin);
    const letters = new Map(dlq.messages.map((m) => [m.key, JSON.parse(m.value) as DeadLetter]));
    expect([...letters.values()].map((d) => d.field).sort()).toEqual(['json', 'price', 'userId']);
  }, 150_000);
});
