// The one module that imports kafkajs. Sources, sinks and tests build Kafka clients here, so a
// replacement client (kafkajs is in maintenance mode; @confluentinc/kafka-javascript offers a
// KafkaJS-compatible API) is a change to this file, not a hunt through the codebase.

import { Kafka, logLevel, Partitioners } from 'kafkajs';
import type {
  Admin,
  Consumer,
  ConsumerConfig,
  EachBatchPayload,
  IHeaders,
  KafkaMessage,
  LogEntry,
  Producer,
  ProducerConfig,
} from 'kafkajs';

export type KafkaAdmin = Admin;
export type KafkaConsumer = Consumer;
export type KafkaProducer = Producer;
export type KafkaBatchPayload = EachBatchPayload;
export type KafkaReceivedMessage = KafkaMessage;
export type KafkaHeaders = IHeaders;

export interface KafkaClientOptions {
  /** `host:port` pairs; prefer `127.0.0.1` to `localhost` (kafkajs mishandles `::1`). */
  brokers: string[];
  clientId: string;
  /** How long to wait for a TCP connection to a broker; kafkajs' default is 1000 ms. */
  connectionTimeoutMs?: number;
}

export interface KafkaClient {
  readonly clientId: string;
  admin(): KafkaAdmin;
  consumer(config: ConsumerConfig): KafkaConsumer;
  /** A producer with Kafka's (Java-compatible, murmur2) default partitioner. */
  producer(config?: Omit<ProducerConfig, 'createPartitioner'>): KafkaProducer;
}

export interface TopicSpec {
  topic: string;
  numPartitions: number;
  /** Defaults to the broker's `default.replication.factor`. */
  replicationFactor?: number;
}

const LEVEL_NAMES: Record<number, string> = {
  [logLevel.ERROR]: 'ERROR',
  [logLevel.WARN]: 'WARN',
  [logLevel.INFO]: 'INFO',
  [logLevel.DEBUG]: 'DEBUG',
};

// kafkajs logs to stdout at INFO by default; stdout may carry our own output (metrics, CLI
// results), so its messages go to stderr, warnings and errors only.
const stderrLogCreator =
  () =>
  ({ namespace, level, log }: LogEntry): void => {
    const { message, timestamp: _timestamp, logger: _logger, ...extra } = log;
    const details = Object.keys(extra).length > 0 ? ` ${JSON.stringify(extra)}` : '';
    process.stderr.write(`[kafkajs] ${LEVEL_NAMES[level] ?? level} ${namespace}: ${message}${details}\n`);
  };

/** Creates a Kafka client whose logs go to stderr at WARN and above. */
export function createKafkaClient(options: KafkaClientOptions): KafkaClient {
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    connectionTimeout: options.connectionTimeoutMs,
    logLevel: logLevel.WARN,
    logCreator: stderrLogCreator,
  });
  return {
    clientId: options.clientId,
    admin: () => kafka.admin(),
    consumer: (config) => kafka.consumer(config),
    // Naming the partitioner also silences kafkajs' v2 "default partitioner changed" warning.
    producer: (config = {}) => kafka.producer({ ...config, createPartitioner: Partitioners.DefaultPartitioner }),
  };
}

/**
 * Creates the topics that do not exist yet and waits until each partition has a leader.
 * Resolves with the names of the topics it created; existing topics are left as they are.
 */
export async function ensureTopics(admin: KafkaAdmin, topics: TopicSpec[]): Promise<string[]> {
  if (topics.length === 0) return [];
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t.topic));
  if (missing.length === 0) return [];
  await admin.createTopics({
    waitForLeaders: true,
    topics: missing.map((t) => ({
      topic: t.topic,
      numPartitions: t.numPartitions,
      ...(t.replicationFactor === undefined ? {} : { replicationFactor: t.replicationFactor }),
    })),
  });
  return missing.map((t) => t.topic);
}
