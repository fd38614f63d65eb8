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

/** An online recommendation update takes tens of microseconds: 10 us to 25 ms. */
export const RECS_UPDATE_BUCKETS_SECONDS = [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.01, 0.025];

/** A full background sweep: 50 ms to 5 min. */
export const RECS_SWEEP_BUCKETS_SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/** Behaviour model: a training round takes seconds to minutes (1 s to 30 min). */
export const BEHAVIOR_TRAINING_BUCKETS_SECONDS = [1, 5, 15, 30, 60, 120, 300, 600, 1800];

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
    notificationsDeferred: new Counter({
      name: name('notifications_deferred_total'),
      help: 'Notifications held for later by the policy, by reason (quiet_hours, send_time, rate_limit).',
      labelNames: ['reason'] as const,
      registers,
    }),
    scheduledSends: new Gauge({
      name: name('scheduled_sends'),
      help: 'Notifications held for a later send (durable event-time timers).',
      registers,
    }),
    sinkCircuitOpen: new Gauge({
      name: name('sink_circuit_state'),
      help: 'Circuit breaker of each sink: 0 closed, 0.5 half-open (one probe), 1 open.',
      labelNames: ['sink'] as const,
      registers,
    }),
    deliveryRetries: new Counter({
      name: name('delivery_retries_total'),
      help: 'Notifications scheduled for another attempt after a transient failure, by sink.',
      labelNames: ['sink'] as const,
      registers,
    }),
    windowLateEvents: new Counter({
      name: name('window_late_events_total'),
      help: 'Events that arrived after their event-time window closed (past its grace period), left out of it, by window.',
      labelNames: ['window'] as const,
      registers,
    }),
    windowStateEntries: new Gauge({
      name: name('window_state_entries'),
      help: 'Open windows (per key) held by a windowed operator, by window.',
      labelNames: ['window'] as const,
      registers,
    }),
    segmentSize: new Gauge({
      name: name('segment_size'),
      help: 'Users currently assigned to each segment.',
      labelNames: ['segment'] as const,
      registers,
    }),
    segmentInertia: new Gauge({
      name: name('segment_inertia'),
      help: 'Mean squared standardized distance of the last mini-batch of profile vectors to their nearest centroid (k-means inertia per user).',
      registers,
    }),
    segmentCentroidDrift: new Gauge({
      name: name('segment_centroid_drift'),
      help: 'Mean standardized distance the centroids moved in the last mini-batch update.',
      registers,
    }),
    segmentReseeds: new Counter({
      name: name('segment_reseeds_total'),
      help: 'Segments that died out (too little weight) and were re-seeded from the reservoir sample.',
      registers,
    }),
    recsUpdateSeconds: new Histogram({
      name: name('recs_update_seconds'),
      help: 'Wall-clock time of one online recommendation update (eALS user and item rows, fallbacks, LMDB writes).',
      buckets: RECS_UPDATE_BUCKETS_SECONDS,
      registers,
    }),
    recsModelRows: new Gauge({
      name: name('recs_model_rows'),
      help: 'Rows of the eALS model, by side (user, item).',
      labelNames: ['side'] as const,
      registers,
    }),
    recsSweepSeconds: new Histogram({
      name: name('recs_sweep_seconds'),
      help: 'Wall-clock time of one background full eALS sweep, chunks and yields included.',
      buckets: RECS_SWEEP_BUCKETS_SECONDS,
      registers,
    }),
    digestCollapsed: new Counter({
      name: name('digest_collapsed_total'),
      help: 'Candidates folded into a digest message instead of going out alone, by trigger type.',
      labelNames: ['type'] as const,
      registers,
    }),
    triggersCancelled: new Counter({
      name: name('triggers_cancelled_total'),
      help: 'Pending trigger timers cancelled before they fired, by trigger type and reason (add_to_cart, purchase, returned...).',
      labelNames: ['type', 'reason'] as const,
      registers,
    }),
    campaignAudience: new Counter({
      name: name('campaign_audience_total'),
      help: 'Users assigned to a configured segment campaign, by campaign id and group (treatment, holdout).',
      labelNames: ['campaign', 'group'] as const,
      registers,
    }),
    behaviorTrainingSeconds: new Histogram({
      name: name('behavior_training_seconds'),
      help: 'Wall-clock time of one background training round of the behaviour model (sampling, training, holdout, save).',
      buckets: BEHAVIOR_TRAINING_BUCKETS_SECONDS,
      registers,
    }),
    behaviorTrainingSequencesPerSecond: new Gauge({
      name: name('behavior_training_sequences_per_second'),
      help: 'Training throughput of the last behaviour-model round (sequences per second, epochs counted).',
      registers,
    }),
    behaviorTrainingRounds: new Counter({
      name: name('behavior_model_rounds_total'),
      help: 'Behaviour-model training rounds by outcome: swapped (the new model beat the current one on the holdout), kept (it did not), skipped (too little data), failed.',
      labelNames: ['outcome'] as const,
      registers,
    }),
    behaviorTrainingMaxStallSeconds: new Gauge({
      name: name('behavior_training_max_stall_seconds'),
      help: 'Longest single stretch the behaviour-model trainer held the main event loop (LMDB sampling chunk, model swap, or a training step when it runs on the main thread).',
      registers,
    }),
    behaviorModelVersion: new Gauge({
      name: name('behavior_model_version'),
      help: 'Version of the behaviour model in service (0: none yet, scores come from the user history alone).',
      registers,
    }),
    behaviorScoringSeconds: new Histogram({
      name: name('behavior_scoring_seconds'),
      help: 'Wall-clock time of one batched scoring call of the behaviour model (cache misses only).',
      buckets: LATENCY_BUCKETS_SECONDS,
      registers,
    }),
    behaviorUsersScored: new Counter({
      name: name('behavior_users_scored_total'),
      help: 'Users scored by the behaviour model (cache misses; cached scores are not counted).',
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
