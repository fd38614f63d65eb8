// Kafka destinations: rendered notifications for downstream senders, and dead letters.
// Both use an idempotent producer acknowledged by all in-sync replicas, so `send` resolving means
// Kafka has the batch; a resend after a crash is dropped downstream by the idempotency key.

import { createKafkaClient } from '../kafka/kafkaClient.js';
import type { KafkaClient, KafkaHeaders, KafkaProducer } from '../kafka/kafkaClient.js';
import type { DeadLetter, DeadLetterSink, Notification, NotificationSink } from './sink.js';

export interface KafkaSinkOptions {
  brokers: string[];
  clientId?: string;
}

export interface KafkaNotificationSinkOptions extends KafkaSinkOptions {
  /** Defaults to `notifications`. */
  topic?: string;
}

export interface KafkaDeadLetterSinkOptions extends KafkaSinkOptions {
  /** The full topic name; by convention `<input topic>.dlq`, see `deadLetterTopic`. */
  topic: string;
}

interface OutgoingMessage {
  key: string;
  value: string;
  headers: KafkaHeaders;
}

/** The dead-letter topic of an input topic. */
export function deadLetterTopic(inputTopic: string): string {
  return `${inputTopic}.dlq`;
}

/** One lazily connected idempotent producer writing to one topic. */
class TopicWriter {
  private readonly client: KafkaClient;
  private producer: KafkaProducer | undefined;
  private connecting: Promise<KafkaProducer> | undefined;
  private closed = false;

  constructor(
    readonly topic: string,
    options: KafkaSinkOptions,
  ) {
    this.client = createKafkaClient({ brokers: options.brokers, clientId: options.clientId ?? 'pushflow-sink' });
  }

  async write(messages: OutgoingMessage[]): Promise<void> {
    if (this.closed) throw new Error(`kafka:${this.topic}: send after close`);
    if (messages.length === 0) return;
    const producer = await this.connect();
    await producer.send({ topic: this.topic, acks: -1, messages });
  }

  async close(): Promise<void> {
    this.closed = true;
    const connecting = this.connecting;
    this.connecting = undefined;
    if (!connecting) return;
    const producer = await connecting.catch(() => undefined);
    await producer?.disconnect();
  }

  private connect(): Promise<KafkaProducer> {
    // One attempt at a time; a failed one is forgotten so that the next send tries again.
    this.connecting ??= (async () => {
      this.producer ??= this.client.producer({ idempotent: true, maxInFlightRequests: 1 });
      await this.producer.connect();
      return this.producer;
    })().catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    return this.connecting;
  }
}

/** Sends each notification as JSON, keyed by user so one user's notifications stay in order. */
export class KafkaNotificationSink implements NotificationSink {
  readonly name: string;
  private readonly writer: TopicWriter;

  constructor(options: KafkaNotificationSinkOptions) {
    this.writer = new TopicWriter(options.topic ?? 'notifications', options);
    this.name = `kafka:${this.writer.topic}`;
  }

  send(items: Notification[]): Promise<void> {
    return this.writer.write(
      items.map((n) => ({
        key: n.userId,
        value: JSON.stringify(n),
        headers: { 'idempotency-key': n.id, 'notification-type': n.type },
      })),
    );
  }

  close(): Promise<void> {
    return this.writer.close();
  }
}

/** Sends each dead letter as JSON, keyed by the position of the record it stands for. */
export class KafkaDeadLetterSink implements DeadLetterSink {
  readonly name: string;
  private readonly writer: TopicWriter;

  constructor(options: KafkaDeadLetterSinkOptions) {
    this.writer = new TopicWriter(options.topic, options);
    this.name = `kafka:${this.writer.topic}`;
  }

  send(items: DeadLetter[]): Promise<void> {
    return this.writer.write(
      items.map((d) => ({
        key: `${d.source}:${d.partition}:${d.offset}`,
        value: JSON.stringify(d),
        headers: { 'dlq-reason': d.reason },
      })),
    );
  }

  close(): Promise<void> {
    return this.writer.close();
  }
}
