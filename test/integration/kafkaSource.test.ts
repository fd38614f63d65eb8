// KafkaSource against the real test broker (test/support/kafkaGlobalSetup.ts): batches carry the
// right partitions and offsets, each record arrives once, LMDB's resume offsets win over Kafka's
// committed ones, pause/resume gate delivery, and a failing handler stops the source.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { createKafkaClient, ensureTopics } from '../../src/kafka/kafkaClient.js';
import type { KafkaAdmin, KafkaClient, KafkaProducer } from '../../src/kafka/kafkaClient.js';
import { KafkaSource } from '../../src/sources/kafkaSource.js';
import type { KafkaSourceOptions } from '../../src/sources/kafkaSource.js';
import type { ResumePosition, SourceBatch } from '../../src/sources/source.js';

const brokerList = inject('kafkaBrokers');
const brokers = brokerList ? brokerList.split(',') : [];

function uniqueName(label: string): string {
  return `pushflow-test-${label}-${randomUUID().slice(0, 8)}`;
}

interface Produced {
  partition: number;
  offset: string;
  key: string;
  value: string;
}

/** What a test source handed to its handler, flattened. */
interface Seen {
  partition: number;
  offset: string;
  key: string | undefined;
  raw: string;
}

function recorder(): { batches: SourceBatch[]; seen: Seen[]; handler: (b: SourceBatch) => Promise<void> } {
  const batches: SourceBatch[] = [];
  const seen: Seen[] = [];
  return {
    batches,
    seen,
    handler: async (batch) => {
      batches.push(batch);
      for (const r of batch.records) seen.push({ partition: batch.partition, offset: r.offset, key: r.key, raw: r.raw });
    },
  };
}

const noResume: ResumePosition = () => undefined;

describe.skipIf(brokers.length === 0)('KafkaSource (real broker)', () => {
  let client: KafkaClient;
  let admin: KafkaAdmin;
  let producer: KafkaProducer;
  const running: KafkaSource[] = [];

  beforeAll(async () => {
    client = createKafkaClient({ brokers, clientId: 'kafka-source-test' });
    admin = client.admin();
    await admin.connect();
    producer = client.producer();
    await producer.connect();
  });

  afterAll(async () => {
    await Promise.all(running.map((s) => s.stop()));
    await producer?.disconnect();
    await admin?.disconnect();
  });

  async function createTopic(partitions: number): Promise<string> {
    const topic = uniqueName('src');
    await ensureTopics(admin, [{ topic, numPartitions: partitions }]);
    return topic;
  }

  /** Produces `perPartition` keyed messages to each partition; returns where each one landed. */
  async function produce(topic: string, partitions: number, perPartition: number, tag = 'm'): Promise<Produced[]> {
    const produced: Produced[] = [];
    for (let partition = 0; partition < partitions; partition++) {
      const messages = Array.from({ length: perPartition }, (_, i) => ({
        partition,
        key: `user-${partition}-${i % 4}`,
        value: JSON.stringify({ tag, partition, i, text: 'héllo' }),
      }));
      const [meta] = await producer.send({ topic, acks: -1, messages });
      const base = BigInt(meta.baseOffset ?? '0');
      messages.forEach((m, i) =>
        produced.push({ partition, offset: (base + BigInt(i)).toString(), key: m.key, value: m.value }),
      );
    }
    return produced;
  }

  function startSource(
    options: Partial<KafkaSourceOptions> & { topic: string; groupId: string },
    handler: (b: SourceBatch) => Promise<void>,
    resumeFrom: ResumePosition = noResume,
  ): { source: KafkaSource; done: Promise<void> } {
    const source = new KafkaSource({ brokers, format: 'json', maxWaitTimeInMs: 200, ...options });
    running.push(source);
    const done = source.run(handler, resumeFrom);
    done.catch(() => undefined); // observed by the test that expects it
    return { source, done };
  }

  const byPosition = (a: { partition: number; offset: string }, b: { partition: number; offset: string }) =>
    a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset));

  it('hands every message out once, in per-partition batches with the right partition and offset', async () => {
    const topic = await createTopic(3);
    const produced = await produce(topic, 3, 100);
    const lag = new Map<number, number>();
    const rec = recorder();
    const { source, done } = startSource(
      { topic, groupId: uniqueName('g'), onLag: (p, l) => lag.set(p, l) },
      rec.handler,
    );

    await eventually(() => expect(rec.seen.length).toBeGreaterThanOrEqual(produced.length));
    await eventually(() => expect([...lag.entries()].sort()).toEqual([[0, 0], [1, 0], [2, 0]]));
    await source.stop();
    await done;

    expect(rec.seen.map((s) => ({ ...s })).sort(byPosition)).toEqual(
      produced.map((p) => ({ partition: p.partition, offset: p.offset, key: p.key, raw: p.value })),
    );
    for (const batch of rec.batches) {
      expect(batch.source).toBe(`kafka:${topic}`);
      expect(batch.format).toBe('json');
      expect(batch.records.length).toBeGreaterThan(0);
      const offsets = batch.records.map((r) => BigInt(r.offset));
      offsets.forEach((o, i) => i > 0 && expect(o).toBe(offsets[i - 1] + 1n));
      expect(batch.nextOffset).toBe((offsets[offsets.length - 1] + 1n).toString());
    }
  });

  it('starts each partition at the resume offset, so records below it never reach the handler', async () => {
    const topic = await createTopic(3);
    await produce(topic, 3, 10);
    const resume: Record<number, string> = { 0: '4', 1: '9' };
    const rec = recorder();
    const { source, done } = startSource({ topic, groupId: uniqueName('g') }, rec.handler, (src, p) => {
      expect(src).toBe(`kafka:${topic}`);
      return resume[p];
    });

    const expected = [
      ...[4, 5, 6, 7, 8, 9].map((o) => ({ partition: 0, offset: String(o) })),
      { partition: 1, offset: '9' },
      ...Array.from({ length: 10 }, (_, o) => ({ partition: 2, offset: String(o) })),
    ];
    await eventually(() => expect(rec.seen.length).toBeGreaterThanOrEqual(expected.length));
    await source.stop();
    await done;
    expect(rec.seen.map(({ partition, offset }) => ({ partition, offset })).sort(byPosition)).toEqual(expected);
  });

  it("resumes a restarted group from LMDB's offsets, not from Kafka's committed ones", async () => {
    const topic = await createTopic(3);
    const groupId = uniqueName('g');
    await produce(topic, 3, 10);

    // First run: everything is handled, and Kafka's group offsets end up at 10 on each partition.
    const first = recorder();
    const run1 = startSource({ topic, groupId }, first.handler);
    await eventually(() => expect(first.seen.length).toBe(30));
    const committed = async () =>
      (await admin.fetchOffsets({ groupId, topics: [topic] }))[0].partitions
        .map(({ partition, offset }) => [partition, offset])
        .sort();
    await eventually(async () => expect(await committed()).toEqual([[0, '10'], [1, '10'], [2, '10']]));
    await run1.source.stop();
    await run1.done;

    // Second run, same group: LMDB says partition 0 was committed up to 3 and partition 1 up to 6
    // (say, state was restored from an older snapshot); it knows nothing of partition 2.
    const lmdb: Record<number, string> = { 0: '3', 1: '6' };
    const second = recorder();
    const run2 = startSource({ topic, groupId }, second.handler, (_src, p) => lmdb[p]);
    // One new record per partition: partition 2 (Kafka offset 10) must yield exactly that one.
    await produce(topic, 3, 1, 'late');
    const expected = [
      ...[3, 4, 5, 6, 7, 8, 9, 10].map((o) => ({ partition: 0, offset: String(o) })),
      ...[6, 7, 8, 9, 10].map((o) => ({ partition: 1, offset: String(o) })),
      { partition: 2, offset: '10' },
    ];
    await eventually(() => expect(second.seen.length).toBeGreaterThanOrEqual(expected.length));
    await run2.source.stop();
    await run2.done;
    expect(second.seen.map(({ partition, offset }) => ({ partition, offset })).sort(byPosition)).toEqual(expected);
  });

  it('hands each record out once across a rebalance when members share the offsets store', async () => {
    const topic = await createTopic(3);
    const groupId = uniqueName('g');
    const produced = await produce(topic, 3, 200, 'early');
    // Stands in for LMDB: a batch's nextOffset is recorded with its effects, in the handler.
    const store = new Map<number, string>();
    const resumeFrom: ResumePosition = (_src, p) => store.get(p);
    const handled: Array<{ member: string; partition: number; offset: string }> = [];
    const member = (name: string) => async (batch: SourceBatch) => {
      for (const r of batch.records) handled.push({ member: name, partition: batch.partition, offset: r.offset });
      await new Promise((r) => setTimeout(r, 5)); // slow enough for the rebalance to land mid-stream
      store.set(batch.partition, batch.nextOffset);
    };
    const small = { topic, groupId, maxBytesPerPartition: 2048 };

    const a = startSource(small, member('a'), resumeFrom);
    await eventually(() => expect(handled.length).toBeGreaterThan(50));
    const b = startSource(small, member('b'), resumeFrom);
    // Keep records coming until the rebalance has given b a partition and b has handled some.
    const deadline = Date.now() + 20_000;
    for (let round = 0; !handled.some((h) => h.member === 'b'); round++) {
      if (Date.now() > deadline) throw new Error('member b never received a batch');
      produced.push(...(await produce(topic, 3, 5, `late-${round}`)));
      await new Promise((r) => setTimeout(r, 100));
    }
    await eventually(() => expect(handled.length).toBeGreaterThanOrEqual(produced.length));
    await Promise.all([a.source.stop(), b.source.stop()]);
    await Promise.all([a.done, b.done]);

    expect(handled.map(({ partition, offset }) => ({ partition, offset })).sort(byPosition)).toEqual(
      produced.map(({ partition, offset }) => ({ partition, offset })).sort(byPosition),
    );
  });

  it('stops delivering while paused and goes on from where it was after resume()', async () => {
    const topic = await createTopic(3);
    const groupId = uniqueName('g');
    await produce(topic, 3, 5, 'before');
    const rec = recorder();
    const { source, done } = startSource({ topic, groupId }, rec.handler);
    await eventually(() => expect(rec.seen.length).toBe(15));

    source.pause();
    const handledAtPause = rec.seen.length;
    const later = await produce(topic, 3, 5, 'while-paused');

    // Show the new records are fetchable (another group reads them all), then give the paused
    // source ten of its 200 ms fetch cycles: it must hand out nothing meanwhile.
    const control = client.consumer({ groupId: uniqueName('control'), maxWaitTimeInMs: 200 });
    const controlSeen: string[] = [];
    await control.connect();
    await control.subscribe({ topics: [topic], fromBeginning: true });
    await control.run({ eachMessage: async ({ message }) => void controlSeen.push(String(message.value)) });
    await eventually(() => expect(controlSeen.length).toBe(30));
    await control.disconnect();
    await new Promise((r) => setTimeout(r, 2_000));
    expect(rec.seen.length).toBe(handledAtPause);

    source.resume();
    await eventually(() => expect(rec.seen.length).toBe(30));
    await source.stop();
    await done;
    expect(rec.seen.slice(15).map((s) => s.raw).sort()).toEqual(later.map((p) => p.value).sort());
  });

  it('stops and rejects run() with the error when the handler rejects, without handing out more', async () => {
    const topic = await createTopic(1);
    await produce(topic, 1, 20);
    let calls = 0;
    const boom = new Error('state store unavailable');
    const { done } = startSource({ topic, groupId: uniqueName('g'), maxBytesPerPartition: 256 }, async () => {
      calls++;
      throw boom;
    });
    await expect(done).rejects.toBe(boom);
    expect(calls).toBe(1);
  });

  it('resolves run() after stop() even when no record ever arrived', async () => {
    const topic = await createTopic(1);
    let calls = 0;
    const { source, done } = startSource({ topic, groupId: uniqueName('g') }, async () => void calls++);
    await source.stop();
    await expect(done).resolves.toBeUndefined();
    expect(calls).toBe(0);
  });
});
