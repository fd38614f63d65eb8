// The one declaration of pushflow's configuration: every key, its type, bounds, default and
// description. The loader validates against it, `docs.ts` renders docs/CONFIG.md from it, and
// config/default.yaml repeats the defaults for readers (a test keeps the two in step).
// Sections use `.prefault({})` rather than `.default({})` so a missing section is still parsed
// and picks up its fields' defaults (zod 4's `.default` would return `{}` as-is).

import * as z from 'zod';
import { CHANNELS } from '../events/types.js';
import type { CrossFieldParams } from './configError.js';

const port = () => z.number().int().min(0).max(65535);
const positiveInt = () => z.number().int().min(1);
const nonNegativeInt = () => z.number().int().min(0);
const probability = () => z.number().min(0).max(1);
const nonEmpty = () => z.string().min(1);

const sourceSchema = z
  .strictObject({
    kind: z
      .enum(['simulator', 'kafka', 'file'])
      .default('simulator')
      .describe('Where events come from: the built-in simulator, a Kafka topic, or a file replay.'),
  })
  .describe('Which input feeds the pipeline.');

const simulatorSchema = z
  .strictObject({
    seed: nonNegativeInt().default(42).describe('Seed of the pseudo-random generator; the same seed replays the same stream.'),
    users: positiveInt().default(1000).describe('Number of distinct simulated users.'),
    items: positiveInt().default(5000).describe('Number of distinct catalog items.'),
    ratePerSec: z
      .number()
      .min(0)
      .default(1000)
      .describe('Events emitted per second of wall-clock time; 0 emits as fast as the pipeline consumes.'),
    batchSize: positiveInt().default(500).describe('Events handed to the pipeline per batch.'),
    startTime: z.iso
      .datetime({ offset: true })
      .default('2026-11-02T00:00:00Z')
      .describe('Event time of the first simulated event (ISO 8601).'),
    outOfOrderMs: nonNegativeInt()
      .default(0)
      .describe('Maximum random shift of an event time backwards, to exercise watermarks; 0 keeps events in order.'),
    duplicateRate: probability().default(0).describe('Fraction of events re-emitted with the same id, to exercise dedupe.'),
    invalidRate: probability().default(0).describe('Fraction of records made malformed, to exercise dead-lettering.'),
  })
  .describe('The built-in event generator (used when `source.kind` is `simulator`).');

const fileSchema = z
  .strictObject({
    path: nonEmpty().optional().describe('File to replay; required when `source.kind` is `file`.'),
    format: z
      .enum(['taobao', 'jsonl', 'movielens'])
      .default('jsonl')
      .describe('Record format: pushflow JSON lines, the Taobao user-behavior CSV, or MovieLens ratings.'),
    batchSize: positiveInt().default(10000).describe('Records read per batch: one LMDB commit each, so larger batches replay faster.'),
  })
  .describe('File replay input (used when `source.kind` is `file`).');

const kafkaSchema = z
  .strictObject({
    brokers: z
      .array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'expected host:port'))
      .min(1)
      .default(['127.0.0.1:9092'])
      .describe('Bootstrap brokers as host:port.'),
    clientId: nonEmpty().default('pushflow').describe('Client id sent to the brokers (shows in broker logs and quotas).'),
    groupId: nonEmpty().default('pushflow').describe('Consumer group; instances sharing it split the partitions.'),
    inputTopic: nonEmpty().default('events').describe('Topic events are consumed from.'),
    outputTopic: nonEmpty().default('notifications').describe('Topic notifications are produced to by the `kafka` sink.'),
    partitions: positiveInt().default(3).describe('Partitions of the topics when pushflow creates them.'),
    sessionTimeoutMs: z
      .number()
      .int()
      .min(6000)
      .default(30000)
      .describe('How long the group waits for a silent member before reassigning its partitions; a restarted process waits this long for its crashed predecessor.'),
  })
  .describe('Kafka connection and topics (used by the `kafka` source and sink).');

const eventsSchema = z
  .strictObject({
    maxPayloadBytes: positiveInt().default(65536).describe('Records larger than this are dead-lettered unparsed.'),
    dedupeTtlHours: z
      .number()
      .positive()
      .default(48)
      .describe('How long an event id is remembered to drop replays of it.'),
    maxFutureSkewMinutes: z
      .number()
      .min(0)
      .default(60)
      .describe('Events of a live source (Kafka) timed further than this ahead of wall-clock time are dead-lettered; replays and the simulator keep their own event time.'),
  })
  .describe('Validation and deduplication of incoming events.');

const timeSchema = z
  .strictObject({
    maxOutOfOrdernessMs: nonNegativeInt()
      .default(5000)
      .describe('The watermark trails the highest event time seen by this much; older events count as late.'),
    idleTimeoutMs: positiveInt()
      .default(30000)
      .describe('A partition silent this long stops holding back the watermark.'),
  })
  .describe('Event time and watermarks.');

const outboxSchema = z
  .strictObject({
    maxDepth: positiveInt().default(10000).describe('Sources pause when this many notifications await delivery.'),
    resumeDepth: nonNegativeInt()
      .default(5000)
      .describe('Paused sources resume once the outbox drains to this depth; must be below `maxDepth`.'),
    deliveryBatchSize: positiveInt().default(200).describe('Notifications handed to the sink per send.'),
  })
  // The gap between the two depths is the hysteresis that stops pause/resume flapping.
  .refine((outbox) => outbox.resumeDepth < outbox.maxDepth, {
    path: ['resumeDepth'],
    message: 'must be less than outbox.maxDepth',
    params: { relatedPaths: ['outbox.maxDepth'] } satisfies CrossFieldParams,
  })
  .describe('The durable queue between decisions and sinks, and its backpressure thresholds.');

const sinksSchema = z
  .strictObject({
    notifications: z
      .enum(['stdout', 'jsonl', 'kafka'])
      .default('stdout')
      .describe('Where notifications go: printed, appended to `jsonlPath`, or produced to `kafka.outputTopic`.'),
    jsonlPath: nonEmpty()
      .optional()
      .describe('File of the `jsonl` notification sink; default `<dataDir>/notifications.jsonl`.'),
    deadLetterPath: nonEmpty()
      .optional()
      .describe('File invalid input records are appended to, with the reason (file and simulator sources); default `<dataDir>/dead-letters.jsonl`.'),
  })
  .describe('Destinations of notifications and dead letters.');

const metricsSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Serve /metrics, /healthz and /readyz over HTTP.'),
    host: nonEmpty().default('127.0.0.1').describe('Interface the observability server binds; 0.0.0.0 exposes it.'),
    port: port().default(9464).describe('Port of the observability server; 0 picks a free one.'),
  })
  .describe('The Prometheus and health-check HTTP server.');

const abandonedCartSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Remind users who added to cart and did not buy.'),
    delayMinutes: z
      .number()
      .positive()
      .default(30)
      .describe('Event-time minutes after the last cart change before the reminder is sent.'),
    channel: z.enum(CHANNELS).default('push').describe('Channel of the reminder.'),
  })
  .describe('The abandoned-cart reminder.');

const defaultsSchema = z
  .strictObject({
    locale: nonEmpty().default('zh-CN').describe('Locale of users whose settings are unknown (the Taobao data carries none).'),
    timeZone: nonEmpty().default('Asia/Shanghai').describe('Time zone of users whose settings are unknown.'),
    channels: z
      .array(z.enum(CHANNELS))
      .min(1)
      .default(['push', 'email', 'sms'])
      .describe('Channels tried in order when a trigger names none or the user refuses the one it names.'),
  })
  .describe('What pushflow assumes about a user it has no settings for.');

const triggersSchema = z
  .strictObject({
    abandonedCart: abandonedCartSchema.prefault({}),
  })
  .describe('Notification triggers.');

const confidenceSchema = z
  .strictObject({
    view: z.number().min(0).default(1).describe('Confidence of a view (a MovieLens rating below 4 stars counts as a view).'),
    favorite: z.number().min(0).default(2).describe('Confidence of a favourite (a MovieLens rating of 4 stars or more).'),
    addToCart: z.number().min(0).default(3).describe('Confidence of an add-to-cart.'),
    purchase: z.number().min(0).default(4).describe('Confidence of a purchase.'),
    max: z
      .number()
      .positive()
      .default(10)
      .describe('Cap on a user-item pair\'s confidence, which repeated events add up to.'),
  })
  .describe('Implicit-feedback confidence of each behaviour (0 ignores it); other behaviours are not feedback.');

const recommendSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Learn recommendations from behaviour events in the pipeline.'),
    factors: positiveInt().max(512).default(32).describe('Latent factors per user and item (eALS).'),
    regularization: z.number().min(0).default(0.01).describe('L2 regularization of the factors (eALS lambda).'),
    missingWeight: z
      .number()
      .min(0)
      .default(16)
      .describe('Total weight of the missing (unobserved) data, shared among items by popularity (eALS c0).'),
    popularityExponent: z
      .number()
      .min(0)
      .max(1)
      .default(0.4)
      .describe('How strongly popular items carry more of the missing-data weight (eALS alpha; 0 spreads it evenly).'),
    initStd: z.number().positive().default(0.01).describe('Standard deviation of the random initial factors of a new user or item.'),
    seed: nonNegativeInt().default(42).describe('Seed of the random initial factors.'),
    onlineIterations: positiveInt()
      .max(10)
      .default(1)
      .describe('Passes over the user\'s and the item\'s factors per new interaction.'),
    sweepIntervalSeconds: z
      .number()
      .min(0)
      .default(600)
      .describe('Wall-clock seconds between background full sweeps over all factors; 0 turns them off.'),
    sweepChunkRows: positiveInt()
      .default(2000)
      .describe('Users or items a background sweep updates before yielding to the stream.'),
    excludePurchased: z.boolean().default(true).describe('Never recommend an item the user already bought.'),
    popularityHalfLifeHours: z
      .number()
      .positive()
      .default(24)
      .describe('Half-life of an interaction in the time-decayed popularity and category affinity.'),
    coVisitWindow: positiveInt()
      .max(100)
      .default(5)
      .describe('Each interaction counts as a co-visit with this many of the user\'s previous distinct items.'),
    coVisitSeeds: positiveInt()
      .max(100)
      .default(3)
      .describe('The user\'s most recent items that seed "viewed this, also viewed".'),
    historyHalfWeight: z
      .number()
      .positive()
      .default(20)
      .describe('Distinct items in a user\'s history at which the blend gives matrix factorization half its full weight.'),
    confidence: confidenceSchema.prefault({}),
  })
  .describe('Online recommendations: eALS matrix factorization, its fallbacks and their blend.');

export const configSchema = z
  .strictObject({
    source: sourceSchema.prefault({}),
    simulator: simulatorSchema.prefault({}),
    file: fileSchema.prefault({}),
    kafka: kafkaSchema.prefault({}),
    dataDir: nonEmpty().default('./data').describe('Directory of the LMDB state and other local files.'),
    events: eventsSchema.prefault({}),
    time: timeSchema.prefault({}),
    outbox: outboxSchema.prefault({}),
    sinks: sinksSchema.prefault({}),
    metrics: metricsSchema.prefault({}),
    defaults: defaultsSchema.prefault({}),
    triggers: triggersSchema.prefault({}),
    recommend: recommendSchema.prefault({}),
  })
  .superRefine((config, ctx) => {
    if (config.source.kind === 'file' && config.file.path === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['file', 'path'],
        message: 'required when source.kind is "file"',
        params: { relatedPaths: ['source.kind'] } satisfies CrossFieldParams,
      });
    }
  });

export type PushflowConfig = z.infer<typeof configSchema>;
