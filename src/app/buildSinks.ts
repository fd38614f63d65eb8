// Builds the configured notification sink and the dead-letter destination that goes with the
// source: a `<topic>.dlq` topic for Kafka input, a JSON-lines file otherwise.

import { join } from 'node:path';
import type { PushflowConfig } from '../config/schema.js';
import type { DeadLetter, Notification, Sink } from '../sinks/sink.js';
import { JsonlFileSink, StdoutSink } from '../sinks/jsonlSink.js';
import { KafkaDeadLetterSink, KafkaNotificationSink } from '../sinks/kafkaSink.js';

export function notificationsPath(config: PushflowConfig): string {
  return config.sinks.jsonlPath ?? join(config.dataDir, 'notifications.jsonl');
}

export function deadLettersPath(config: PushflowConfig): string {
  return config.sinks.deadLetterPath ?? join(config.dataDir, 'dead-letters.jsonl');
}

export function buildNotificationSink(config: PushflowConfig): Sink<Notification> {
  switch (config.sinks.notifications) {
    case 'stdout':
      return new StdoutSink<Notification>();
    case 'jsonl':
      return new JsonlFileSink<Notification>(notificationsPath(config));
    case 'kafka':
      return new KafkaNotificationSink({ brokers: config.kafka.brokers, clientId: config.kafka.clientId, topic: config.kafka.outputTopic });
  }
}

export function buildDeadLetterSink(config: PushflowConfig): Sink<DeadLetter> {
  if (config.source.kind === 'kafka') {
    return new KafkaDeadLetterSink({ brokers: config.kafka.brokers, clientId: config.kafka.clientId, topic: `${config.kafka.inputTopic}.dlq` });
  }
  return new JsonlFileSink<DeadLetter>(deadLettersPath(config));
}
