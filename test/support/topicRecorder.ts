// Reads a Kafka topic from its beginning in the background (a fresh consumer group) and keeps
// every message, so tests can wait for what a process under test produced and inspect it.

import { randomUUID } from 'node:crypto';
import type { KafkaAdmin, KafkaClient, KafkaConsumer } from '../../src/kafka/kafkaClient.js';
import { eventually } from './eventually.js';

export interface RecordedMessage {
  partition: number;
  offset: string;
  key: string | undefined;
  headers: Record<string, string>;
  value: string;
}

export class TopicRecorder {
  readonly messages: RecordedMessage[] = [];

  private constructor(
    readonly topic: string,
    private readonly consumer: KafkaConsumer,
  ) {}

  static async start(client: KafkaClient, topic: string): Promise<TopicRecorder> {
    const consumer = client.consumer({ groupId: `pushflow-test-reader-${randomUUID().slice(0, 8)}`, maxWaitTimeInMs: 200 });
    const recorder = new TopicRecorder(topic, consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
        recorder.messages.push({
          partition,
          offset: message.offset,
          key: message.key?.toString('utf8'),
          headers,
          value: message.value?.toString('utf8') ?? '',
        });
      },
    });
    return recorder;
  }

  /** Waits until every partition has been read up to its end as of this call. */
  async caughtUp(admin: KafkaAdmin, timeoutMs = 30_000): Promise<void> {
    const ends = await admin.fetchTopicOffsets(this.topic);
    await eventually(() => {
      for (const { partition, high } of ends) {
        let next = 0n;
        for (const m of this.messages) if (m.partition === partition && BigInt(m.offset) >= next) next = BigInt(m.offset) + 1n;
        if (next < BigInt(high)) throw new Error(`${this.topic}[${partition}]: read up to ${next} of ${high}`);
      }
    }, timeoutMs);
  }

  stop(): Promise<void> {
    return this.consumer.disconnect();
  }
}
