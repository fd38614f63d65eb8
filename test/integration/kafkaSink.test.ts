// The Kafka notification and dead-letter sinks against the real test broker: what they send is
// read back with a plain consumer, checking key, headers and body.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { createKafkaClient, ensureTopics } from '../../src/kafka/kafkaClient.js';
import type { KafkaAdmin, KafkaClient, KafkaReceivedMessage } from '../../src/kafka/kafkaClient.js';
import { deadLetterTopic, KafkaDeadLetterSink, KafkaNotificationSink } from '../../src/sinks/kafkaSink.js';
import type { DeadLetter, Notification } from '../../src/sinks/sink.js';

const brokerList = inject('kafkaBrokers');
const brokers = brokerList ? brokerList.split(',') : [];

function uniqueName(label: string): string {
  return `pushflow-test-${label}-${randomUUID().slice(0, 8)}`;
}

interface Received {
  partition: number;
  key: string | undefined;
  headers: Record<string, string>;
  body: unknown;
}

function decode(partition: number, message: KafkaReceivedMessage): Received {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
  return {
    partition,
    key: message.key?.toString('utf8'),
    headers,
    body: JSON.parse(message.value?.toString('utf8') ?? 'null'),
  };
}

function notification(i: number, userId: string): Notification {
  return {
    id: `n-${i}-${randomUUID()}`,
    userId,
    type: i % 2 === 0 ? 'abandoned_cart' : 'price_drop',
    priority: 'marketing',
    channel: 'push',
    locale: 'zh-CN',
    title: `标题 ${i}`,
    body: 'Your cart misses you',
    decidedAt: 1_700_000_000_000 + i,
    ingestedAt: 1_700_000_000_500 + i,
    payload: { itemId: `item-${i}`, price: 19.9 + i },
  };
}

describe.skipIf(brokers.length === 0)('Kafka sinks (real broker)', () => {
  let client: KafkaClient;
  let admin: KafkaAdmin;

  beforeAll(async () => {
    client = createKafkaClient({ brokers, clientId: 'kafka-sink-test' });
    admin = client.admin();
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.disconnect();
  });

  /** Reads `topic` from the beginning until `count` messages arrived. */
  async function readBack(topic: string, count: number): Promise<Received[]> {
    const consumer = client.consumer({ groupId: uniqueName('reader'), maxWaitTimeInMs: 200 });
    const received: Received[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({ eachMessage: async ({ partition, message }) => void received.push(decode(partition, message)) });
      await eventually(() => expect(received.length).toBeGreaterThanOrEqual(count));
    } finally {
      await consumer.disconnect();
    }
    return received;
  }

  it('sends each notification as JSON keyed by user, with idempotency-key and type headers', async () => {
    const topic = uniqueName('notifications');
    await ensureTopics(admin, [{ topic, numPartitions: 3 }]);
    const sink = new KafkaNotificationSink({ brokers, topic });
    expect(sink.name).toBe(`kafka:${topic}`);
    const sent = Array.from({ length: 12 }, (_, i) => notification(i, `user-${i % 5}`));
    try {
      await sink.send(sent.slice(0, 5));
      await sink.send([]);
      await sink.send(sent.slice(5));
    } finally {
      await sink.close();
    }

    const received = await readBack(topic, sent.length);
    expect(received).toHaveLength(sent.length);
    const byId = new Map(received.map((r) => [r.headers['idempotency-key'], r]));
    for (const n of sent) {
      const r = byId.get(n.id);
      expect(r, n.id).toBeDefined();
      expect(r?.key).toBe(n.userId);
      expect(r?.headers).toEqual({ 'idempotency-key': n.id, 'notification-type': n.type });
      expect(r?.body).toEqual(n);
    }
    // Keyed by user: all of one user's notifications share a partition, in send order.
    for (const userId of new Set(sent.map((n) => n.userId))) {
      const mine = received.filter((r) => r.key === userId);
      expect(new Set(mine.map((r) => r.partition)).size).toBe(1);
      expect(mine.map((r) => r.headers['idempotency-key'])).toEqual(
        sent.filter((n) => n.userId === userId).map((n) => n.id),
      );
    }
  });

  it('sends dead letters to the .dlq topic keyed by source:partition:offset, with a dlq-reason header', async () => {
    const topic = deadLetterTopic(uniqueName('events'));
    expect(topic.endsWith('.dlq')).toBe(true);
    await ensureTopics(admin, [{ topic, numPartitions: 1 }]);
    const sink = new KafkaDeadLetterSink({ brokers, topic });
    const letters: DeadLetter[] = [
      {
        source: 'kafka:events',
        partition: 2,
        offset: '41',
        raw: '{"kind":"behavior","time":"yesterday"}',
        field: 'time',
        reason: 'time: expected epoch milliseconds, got a string',
        at: 1_700_000_000_000,
      },
      {
        source: 'file:/data/UserBehavior.csv',
        partition: 0,
        offset: '7',
        raw: 'x'.repeat(64),
        truncated: true,
        field: 'json',
        reason: 'json: unexpected token x',
        at: 1_700_000_000_001,
      },
    ];
    try {
      await sink.send(letters);
    } finally {
      await sink.close();
    }

    const received = await readBack(topic, letters.length);
    expect(received.map(({ key, headers, body }) => ({ key, headers, body }))).toEqual(
      letters.map((d) => ({
        key: `${d.source}:${d.partition}:${d.offset}`,
        headers: { 'dlq-reason': d.reason },
        body: d,
      })),
    );
  });

  it('connects lazily: constructing and closing an unused sink needs no broker; send after close fails', async () => {
    const unreachable = ['127.0.0.1:1'];
    const sink = new KafkaNotificationSink({ brokers: unreachable });
    expect(sink.name).toBe('kafka:notifications');
    await sink.close();
    await expect(sink.send([notification(0, 'u')])).rejects.toThrow(/after close/);
  });
});
