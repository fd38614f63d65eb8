// Every Prometheus metric pushflow exports, created together on one Registry. Each call makes
// its own registry (never prom-client's global one), so tests and embedded runs can create as
// many as they like without "metric already registered" clashes.
// Label values must come from small fixed sets (a source name, an event type, a reason such as
// the offending field `time`): never an id or an error text, which would explode cardinality.

import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { packageVersion } from './packageVersion.js';

export const METRIC_PREFIX = 'pushflow_';

/** What became of a notification; `notifications_total{outcome}`. */
export const NOTIFICATION_OUTCOMES = ['queued', 'sent', 'failed', 'dead_lettered', 'duplicate'] as const;
export type NotificationOutcome = (typeof NOTIFICATION_OUTCOMES)[number];

/** Result of one delivery attempt to a sink; `delivery_attempts_total{outcome}`. */
export const DELIVERY_OUTCOMES = ['success', 'failure'] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

/** Batch sizes are whole events: powers of √10 from 1 to 10,000, rounded. */
export const BATCH_SIZE_BUCKETS = [1, 3, 10, 32, 100, 316, 1000, 3162, 10000];

/** Latency from 0.5 ms to 10 s in 1-2.5-5 steps: sub-millisecond decisions up to stalls. */
export const LATENCY_BUCKETS_SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface CreateMetricsOptions {
  /** Also export process metrics (CPU, memory, event-loop lag, GC); tests usually skip them. */
  collectDefaultMetrics?: boolean;
  /** `build_info{version}`; defaults to package.json's version. */
  version?: string;
}

export type PushflowMetrics = ReturnType<typeof createMetrics>;

/**
 * Creates pushflow's metrics on `registry` (a new one by default).
 * @example
 * const metrics = createMetrics(undefined, { collectDefaultMetrics: false });
 * metrics.eventsIn.inc({ source: 'kafka', type: 'view' });
 * const text = await metrics.registry.metrics();
 */
export function createMetrics(registry: Registry = new Registry(), options: CreateMetricsOptions = {}) {
  const registers = [registry];
  const name = (suffix: string) => METRIC_PREFIX + suffix;

  const buildInfo = new Gauge({
    name: name('build_info'),
    help: 'Always 1; the labels say which build is running.',
    labelNames: ['version', 'node', 'tf_backend'] as const,
    registers,
  });
  const buildLabels = { version: options.version ?? packageVersion(), node: process.version };
  buildInfo.set({ ...buildLabels, tf_backend: 'unknown' }, 1);

  const metrics = {
    registry,

    eventsIn: new Counter({
      name: name('events_in_total'),
      help: 'Valid events accepted from a source, by event type.',
      labelNames: ['source', 'type'] as const,
      registers,
    }),
    eventsInvalid: new Counter({
      name: name('events_invalid_total'),
      help: 'Input records rejected by validation; reason is the offending field (json, time, userId, payload_size...).',
      labelNames: ['source', 'reason'] as const,
      registers,
    }),
    deadLetters: new Counter({
      name: name('dead_letters_total'),
      help: 'Records written to the dead-letter sink; reason is the offending field, never free text.',
      labelNames: ['source', 'reason'] as const,
      registers,
    }),
    duplicates: new Counter({
      name: name('duplicates_total'),
      help: 'Events dropped because their id was already seen.',
      labelNames: ['source'] as const,
      registers,
    }),
    lateEvents: new Counter({
      name: name('late_events_total'),
      help: 'Events whose time was behind the watermark when they arrived.',
      labelNames: ['source'] as const,
      registers,
    }),
    consumerLag: new Gauge({
      name: name('consumer_lag'),
      help: 'Messages between the committed offset and the end of the partition.',
      labelNames: ['source', 'partition'] as const,
      registers,
    }),
    batchSize: new Histogram({
      name: name('batch_size'),
      help: 'Events per batch handed to the pipeline.',
      buckets: BATCH_SIZE_BUCKETS,
      registers,
    }),
    batchProcessingSeconds: new Histogram({
      name: name('batch_processing_seconds'),
      help: 'Wall-clock time to process one batch through the pipeline.',
      buckets: LATENCY_BUCKETS_SECONDS,
      registers,
    }),
    eventToDecisionSeconds: new Histogram({
      name: name('event_to_decision_seconds'),
      help: 'Wall-clock time from an event entering the process to the notification decision it caused.',
      buckets: LATENCY_BUCKETS_SECONDS,
      registers,
    }),
    outboxDepth: new Gauge({
      name: name('outbox_depth'),
      help: 'Notifications in the outbox awaiting delivery.',
      registers,
    }),
    notifications: new Counter({
      name: name('notifications_total'),
      help: `Notifications by trigger type, channel and outcome (${NOTIFICATION_OUTCOMES.join(', ')}).`,
      labelNames: ['type', 'channel', 'outcome'] as const,
      registers,
    }),
    notificationsSuppressed: new Counter({
      name: name('notifications_suppressed_total'),
      help: 'Notification candidates not sent, by reason (consent_marketing, no_consented_channel, duplicate...).',
      labelNames: ['reason'] as const,
      registers,
    }),
    pipelineErrors: new Counter({
      name: name('pipeline_errors_total'),
      help: 'Errors thrown inside a pipeline graph, which was then rebuilt.',
      labelNames: ['pipeline'] as const,
      registers,
    }),
    watermarkLagSeconds: new Gauge({
      name: name('watermark_lag_seconds'),
      help: 'Wall-clock time minus the event-time watermark.',
      labelNames: ['source'] as const,
      registers,
    }),
    sourcePaused: new Gauge({
      name: name('source_paused'),
      help: '1 while the source is paused by outbox backpressure, else 0.',
      labelNames: ['source'] as const,
      registers,
    }),
    deliveryAttempts: new Counter({
      name: name('delivery_attempts_total'),
      help: `Sends attempted per sink, by outcome (${DELIVERY_OUTCOMES.join(', ')}).`,
      labelNames: ['sink', 'outcome'] as const,
      registers,
    }),
    buildInfo,

    /** Records the TensorFlow.js backend once it is chosen (tfjs-node, wasm or cpu). */
    setTfBackend(backend: string): void {
      buildInfo.reset();
      buildInfo.set({ ...buildLabels, tf_backend: backend }, 1);
    },
  };

  if (options.collectDefaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  return metrics;
}
