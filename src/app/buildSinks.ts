// Builds the configured notification sinks (the default one, and one per channel that
// `sinks.routes` sends elsewhere) and the dead-letter destinations: a `<topic>.dlq` topic for
// Kafka input, JSON-lines files otherwise, and a JSON-lines file of undeliverable notifications.

import { join } from 'node:path';
import type { PushflowConfig, SINK_KINDS } from '../config/schema.js';
import { CHANNELS, type Channel } from '../events/types.js';
import type { DeadLetter, Notification, Sink } from '../sinks/sink.js';
import { JsonlFileSink, StdoutSink } from '../sinks/jsonlSink.js';
import { KafkaDeadLetterSink, KafkaNotificationSink } from '../sinks/kafkaSink.js';
import { WebhookSink } from '../sinks/webhookSink.js';
import { SmtpSink } from '../sinks/smtpSink.js';
import { SmsSink } from '../sinks/smsSink.js';
import { MobilePushSink } from '../sinks/mobilePushSink.js';
import type { NotificationDeadLetter } from '../delivery/notificationDelivery.js';

export type SinkKind = (typeof SINK_KINDS)[number];

export function notificationsPath(config: PushflowConfig): string {
  return config.sinks.jsonlPath ?? join(config.dataDir, 'notifications.jsonl');
}

export function deadLettersPath(config: PushflowConfig): string {
  return config.sinks.deadLetterPath ?? join(config.dataDir, 'dead-letters.jsonl');
}

export function notificationDeadLettersPath(config: PushflowConfig): string {
  return config.sinks.notificationDeadLetterPath ?? join(config.dataDir, 'notification-dead-letters.jsonl');
}

/** A notification sink of the given kind, configured from `sinks.<kind>`; credentials from the environment. */
export function buildSinkOfKind(config: PushflowConfig, kind: SinkKind, env: NodeJS.ProcessEnv = process.env): Sink<Notification> {
  const { sinks } = config;
  switch (kind) {
    case 'stdout':
      return new StdoutSink<Notification>();
    case 'jsonl':
      return new JsonlFileSink<Notification>(notificationsPath(config));
    case 'kafka':
      return new KafkaNotificationSink({ brokers: config.kafka.brokers, clientId: config.kafka.clientId, topic: config.kafka.outputTopic });
    case 'webhook':
      return new WebhookSink({ ...sinks.webhook, env });
    case 'smtp':
      return new SmtpSink({ ...sinks.smtp, env });
    case 'sms':
      return new SmsSink({ ...sinks.sms, env });
    case 'mobilePush':
      return new MobilePushSink({ ...sinks.mobilePush, env });
  }
}

export function buildNotificationSink(config: PushflowConfig): Sink<Notification> {
  return buildSinkOfKind(config, config.sinks.notifications);
}

/**
 * The sinks of the channels `sinks.routes` sends somewhere other than `sinks.notifications`
 * (which `fallback` is), one instance per kind.
 */
export function buildChannelSinks(config: PushflowConfig, fallback: Sink<Notification>, env: NodeJS.ProcessEnv = process.env): Partial<Record<Channel, Sink<Notification>>> {
  const byKind = new Map<SinkKind, Sink<Notification>>([[config.sinks.notifications, fallback]]);
  const byChannel: Partial<Record<Channel, Sink<Notification>>> = {};
  for (const channel of CHANNELS) {
    const kind = config.sinks.routes[channel];
    if (kind === undefined || kind === config.sinks.notifications) continue;
    let sink = byKind.get(kind);
    if (sink === undefined) {
      sink = buildSinkOfKind(config, kind, env);
      byKind.set(kind, sink);
    }
    byChannel[channel] = sink;
  }
  return byChannel;
}

export function buildNotificationDeadLetterSink(config: PushflowConfig): Sink<NotificationDeadLetter> {
  return new JsonlFileSink<NotificationDeadLetter>(notificationDeadLettersPath(config));
}

export function buildDeadLetterSink(config: PushflowConfig): Sink<DeadLetter> {
  if (config.source.kind === 'kafka') {
    return new KafkaDeadLetterSink({ brokers: config.kafka.brokers, clientId: config.kafka.clientId, topic: `${config.kafka.inputTopic}.dlq` });
  }
  return new JsonlFileSink<DeadLetter>(deadLettersPath(config));
}
