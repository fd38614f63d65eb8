// The real binary on the real test broker: `pushflow run --source kafka --sink kafka` consumes a
// keyed shop stream, sends exactly the abandoned-cart reminders the event-time model predicts to
// the output topic (keyed by user, with the idempotency header), dead-letters the invalid records
// to `<input>.dlq` with their raw text and the offending field, and exits 0 on SIGTERM with the
// lifetime counts it committed.

import { randomUUID } from 'node:crypto';

import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { ensureTopics } from '../../src/kafka/kafkaClient.js';
import { deadLetterTopic } from '../../src/sinks/kafkaSink.js';
import type { DeadLetter, Notification } from '../../src/sinks/sink.js';
import { eventually } from '../support/eventually.js';
import { kafkaTestBed } from '../support/kafkaTestBed.js';
import { kafkaRunArgs, kafkaRunEnv, lastJsonLine, startPushflow, type PushflowChild } from '../support/pushflowChild.js';
import { abandonedCartOnlyEnv, produceRecords, shopStream } from '../support/shopStream.js';
import { TopicRecorder } from '../support/topicRecorder.js';

const brokerList = inject('kafkaBrokers');
const brokers = brokerList ? brokerList.split(',') : [];
const EVENTS = 4_000;
/** Generous: a run takes seconds, but the machine may be busy with other suites. */
const DEADLINE_MS = 60_000;

const uniqueName = (label: string) => `pushflow-e2e-${label}-${randomUUID().slice(0, 8)}`;
const triple = (n: Notification) => `${n.userId}|${String(n.payload.itemId)}|${Number(n.payload.cartedAt)}`;

describe.skipIf(brokers.length === 0)('pushflow run on Kafka (real broker, real binary)', () => {
  const bed = kafkaTestBed(brokers, 'kafka-e2e');

  /** Fresh input (with its .dlq) and output topics, and a fresh group. */
  async function freshTopics(inputPartitions: number) {
    const inputTopic = uniqueName('events');
    const outputTopic = uniqueName('notifications');
    await ensureTopics(bed.admin, [
      { topic: inputTopic, numPartitions: inputPartitions },
      { topic: deadLetterTopic(inputTopic), numPartitions: 1 },
      { topic: outputTopic, numPartitions: 3 },
    ]);
    return { brokers, inputTopic, outputTopic, groupId: uniqueName('group') };
  }

  async function record(topic: string): Promise<TopicRecorder> {
    const recorder = await TopicRecorder.start(bed.client, topic);
    bed.recorders.push(recorder);
    return recorder;
  }

  function run(topics: Awaited<ReturnType<typeof freshTopics>>, label: string): PushflowChild {
    const child = startPushflow(kafkaRunArgs(join(bed.dir, label)), { ...kafkaRunEnv(topics), ...abandonedCartOnlyEnv() });
    bed.children.push(child);
    return child;
  }

  /** Waits until the process has committed `count` records (valid, invalid and duplicate alike). */
  async function committedRecords(child: PushflowChild, count: number): Promise<void> {
    await eventually(async () => {
      child.assertRunning();
      expect(await child.metric('pushflow_batch_size_sum')).toBe(count);
    }, DEADLINE_MS, 100);
  }

  /** SIGTERM, then the exit code and the JSON summary. */
  async function terminate(child: PushflowChild) {
    child.kill('SIGTERM');
    const exit = await child.exited;
    expect(exit.code, exit.stderr).toBe(0);
    return lastJsonLine(exit.stdout);
  }

  it('one input partition: notifications match the event-time model exactly, invalid records reach the .dlq', async () => {
    const topics = await freshTopics(1);
    const stream = shopStream(EVENTS);
    const expected = stream.fixture.expectedAbandoned;
    expect(expected.size).toBeGreaterThan(50); // the fixture must exercise the trigger
    await produceRecords(bed.producer, topics.inputTopic, stream.records);
    const output = await record(topics.outputTopic);

    const child = run(topics, 'one-partition');
    await eventually(() => {
      child.assertRunning();
      expect(output.messages.length).toBeGreaterThanOrEqual(expected.size);
    }, DEADLINE_MS, 100);
    await committedRecords(child, stream.records.length);
    const summary = await terminate(child);
    expect(summary.committed).toEqual({
      events: EVENTS + 3,
      valid: EVENTS,
      invalid: 3,
      duplicates: 0,
      late: 0,
      notifications: expected.size,
    });

    // Everything the process sent, read to the end of the topic: an uninterrupted run sends each
    // notification once.
    await output.caughtUp(bed.admin);
    const notifications = output.messages.map((m) => JSON.parse(m.value) as Notification);
    expect(new Set(notifications.map(triple))).toEqual(expected);
    expect(notifications).toHaveLength(expected.size);
    expect(new Set(notifications.map((n) => n.id)).size).toBe(expected.size);
    output.messages.forEach((message, i) => {
      const n = notifications[i];
      expect(n.type).toBe('abandoned_cart');
      expect(message.key).toBe(n.userId);
      expect(message.headers['idempotency-key']).toBe(n.id);
      expect(message.headers['notification-type']).toBe(n.type);
    });

    // The dead letters: on a fresh one-partition topic, a record's offset is its index.
    const dlq = await record(deadLetterTopic(topics.inputTopic));
    await dlq.caughtUp(bed.admin);
    const source = `kafka:${topics.inputTopic}`;
    const invalid = stream.records.flatMap((r, index) => (r.invalidField ? [{ ...r, offset: String(index) }] : []));
    expect(invalid.map((r) => r.invalidField)).toEqual(['json', 'userId', 'price']);
    expect(dlq.messages).toHaveLength(3);
    const letters = dlq.messages.map((m) => ({ key: m.key, headers: m.headers, letter: JSON.parse(m.value) as DeadLetter }));
    expect(letters.map(({ key, letter }) => ({ key, source: letter.source, partition: letter.partition, offset: letter.offset, raw: letter.raw, field: letter.field }))).toEqual(
      invalid.map((r) => ({ key: `${source}:0:${r.offset}`, source, partition: 0, offset: r.offset, raw: r.value, field: r.invalidField })),
    );
    for (const { headers, letter } of letters) {
      expect(letter.reason.startsWith(`${letter.field}: `), letter.reason).toBe(true);
      expect(headers['dlq-reason']).toBe(letter.reason);
    }
  }, 120_000);

  it('three input partitions: every valid event counted once, notifications keyed by user with the idempotency header', async () => {
    const topics = await freshTopics(3);
    const stream = shopStream(EVENTS);
    await produceRecords(bed.producer, topics.inputTopic, stream.records);
    const partitions = await bed.admin.fetchTopicOffsets(topics.inputTopic);
    expect(partitions.filter((p) => Number(p.high) > 0)).toHaveLength(3); // keys spread over all three
    const output = await record(topics.outputTopic);

    const child = run(topics, 'three-partitions');
    await committedRecords(child, stream.records.length);
    const summary = await terminate(child);
    expect(summary.committed).toMatchObject({ events: EVENTS + 3, valid: EVENTS, invalid: 3, duplicates: 0 });
    expect(summary.committed.notifications).toBeGreaterThan(0);

    await output.caughtUp(bed.admin);
    const notifications = output.messages.map((m) => JSON.parse(m.value) as Notification);
    expect(notifications).toHaveLength(summary.committed.notifications);
    expect(new Set(notifications.map((n) => n.id)).size).toBe(notifications.length);
    // Each reminder stands for a cart that is in the stream.
    const carts = new Set(
      stream.fixture.lines
        .map((line) => JSON.parse(line) as { type: string; userId: string; itemId: string; time: number })
        .filter((e) => e.type === 'add_to_cart')
        .map((e) => `${e.userId}|${e.itemId}|${e.time}`),
    );
    for (const n of notifications) expect(carts.has(triple(n)), triple(n)).toBe(true);
    const partitionOfUser = new Map<string, number>();
    output.messages.forEach((message, i) => {
      const n = notifications[i];
      expect(message.key).toBe(n.userId);
      expect(message.headers['idempotency-key']).toBe(n.id);
      // Keyed by user: one user's notifications share an output partition.
      expect(partitionOfUser.get(n.userId) ?? message.partition).toBe(message.partition);
      partitionOfUser.set(n.userId, message.partition);
    });
  }, 120_000);
});
