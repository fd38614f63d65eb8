// The one declaration of pushflow's configuration: every key, its type, bounds, default and
// description. The loader validates against it, `docs.ts` renders docs/CONFIG.md from it, and
// config/default.yaml repeats the defaults for readers (a test keeps the two in step).
// Sections use `.prefault({})` rather than `.default({})` so a missing section is still parsed
// and picks up its fields' defaults (zod 4's `.default` would return `{}` as-is).

import * as z from 'zod';
import { CHANNELS, ORDER_STATUSES } from '../events/types.js';
import type { CrossFieldParams } from './configError.js';
import { experimentsSchema, learningSchema } from './learningSchema.js';

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
    prefetchBatches: positiveInt()
      .default(4)
      .describe('Partition batches the fetch thread reads ahead of the pipeline (each at most 1 MiB): the fetch and decoding of the next batches overlap the processing of this one.'),
  })
  .describe('Kafka connection and topics (used by the `kafka` source and sink).');

const eventsSchema = z
  .strictObject({
    maxPayloadBytes: positiveInt().default(65536).describe('Records larger than this are dead-lettered unparsed.'),
    dedupeTtlHours: z
      .number()
      .positive()
      .default(48)
      .describe('How long an event id is remembered to drop replays of it (each id is kept between one and two of these spans).'),
    dedupeIndex: z
      .enum(['memory', 'lmdb'])
      .default('memory')
      .describe(
        'Where the dedupe sets (event ids, and the ids of notifications queued in the last 30 days) are looked up. `memory`: 64-bit hashes in RAM (16-32 bytes per id held: 100 events/s over the default TTL is 17-35 million ids, 0.3-1.1 GB), written to LMDB as one record per batch; no LMDB call per id. `lmdb`: one LMDB key per id, little RAM, one put per id (3-7 µs). Switching from `lmdb` to `memory` carries the ids over; from `memory` to `lmdb` starts the sets afresh.',
      ),
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

/** Kinds of notification sink; `sinks.notifications` and `sinks.routes` pick among them. */
export const SINK_KINDS = ['stdout', 'jsonl', 'kafka', 'webhook', 'smtp', 'sms', 'mobilePush'] as const;
const sinkKind = () => z.enum(SINK_KINDS);
const envVarNameOf = () => z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'expected an environment variable name');
const httpUrl = () => z.url({ protocol: /^https?$/ });

const sinkRoutesSchema = z
  .strictObject({
    push: sinkKind().optional().describe('Sink of push notifications; unset: `sinks.notifications`.'),
    email: sinkKind().optional().describe('Sink of emails; unset: `sinks.notifications`.'),
    sms: sinkKind().optional().describe('Sink of text messages; unset: `sinks.notifications`.'),
    webhook: sinkKind().optional().describe('Sink of webhook-channel notifications; unset: `sinks.notifications`.'),
  })
  .describe('Which sink delivers each channel (e.g. email to `smtp`, push to `mobilePush`).');

const webhookSinkSchema = z
  .strictObject({
    url: httpUrl().default('http://127.0.0.1:8080/notifications').describe('Endpoint each notification is POSTed to as JSON.'),
    secretEnv: envVarNameOf()
      .default('PUSHFLOW_WEBHOOK_SECRET')
      .describe('Environment variable holding the HMAC-SHA256 signing secret; unset or empty: requests are not signed.'),
    timeoutMs: positiveInt().default(5000).describe('A request not answered within this is a transient failure.'),
    concurrency: positiveInt().max(256).default(8).describe('Requests in flight at once.'),
  })
  .describe('HTTP webhook sink: JSON body, `X-Pushflow-Signature: sha256=<hex HMAC of timestamp.body>`, `Idempotency-Key` header.');

const smtpSinkSchema = z
  .strictObject({
    host: nonEmpty().default('127.0.0.1').describe('SMTP server host.'),
    port: port().default(587).describe('SMTP server port.'),
    secure: z.boolean().default(false).describe('TLS from the first byte (port 465); false uses STARTTLS when the server offers it.'),
    ignoreTls: z.boolean().default(false).describe('Never upgrade with STARTTLS (local test servers only).'),
    from: nonEmpty().default('pushflow <noreply@example.com>').describe('Sender address of every email.'),
    userEnv: envVarNameOf().default('PUSHFLOW_SMTP_USER').describe('Environment variable holding the SMTP user; unset: no authentication.'),
    passwordEnv: envVarNameOf().default('PUSHFLOW_SMTP_PASSWORD').describe('Environment variable holding the SMTP password.'),
    timeoutMs: positiveInt().default(10000).describe('Connection and command timeout; past it the send is a transient failure.'),
    maxConnections: positiveInt().max(32).default(2).describe('Pooled SMTP connections.'),
  })
  .describe('Email over SMTP (nodemailer): subject, HTML and text bodies, `Message-ID` from the idempotency key.');

const smsSinkSchema = z
  .strictObject({
    url: httpUrl().default('http://127.0.0.1:8081/sms').describe('SMS provider endpoint messages are POSTed to.'),
    tokenEnv: envVarNameOf().default('PUSHFLOW_SMS_TOKEN').describe('Environment variable holding the provider\'s bearer token.'),
    sender: nonEmpty().default('pushflow').describe('Sender id shown to the recipient.'),
    timeoutMs: positiveInt().default(5000).describe('A request not answered within this is a transient failure.'),
    concurrency: positiveInt().max(256).default(4).describe('Requests in flight at once.'),
  })
  .describe('SMS provider adapter over HTTP (JSON `{to, from, text, reference}`, `Idempotency-Key` header).');

const mobilePushSinkSchema = z
  .strictObject({
    provider: z.enum(['fcm', 'apns']).default('fcm').describe('Request shape: FCM HTTP v1 (`{message: {token, notification, data}}`) or APNs (`/3/device/<token>`, `aps.alert`).'),
    url: httpUrl().default('http://127.0.0.1:8082/push').describe('Provider endpoint (FCM: the messages:send URL; APNs: the base URL).'),
    tokenEnv: envVarNameOf().default('PUSHFLOW_PUSH_TOKEN').describe('Environment variable holding the provider\'s bearer token (FCM OAuth token, APNs JWT).'),
    apnsTopic: nonEmpty().default('com.example.shop').describe('APNs `apns-topic` (the app bundle id).'),
    timeoutMs: positiveInt().default(5000).describe('A request not answered within this is a transient failure.'),
    concurrency: positiveInt().max(256).default(8).describe('Requests in flight at once.'),
  })
  .describe('Mobile push provider adapter over HTTP (FCM- or APNs-shaped).');

const sinksSchema = z
  .strictObject({
    notifications: z
      .enum(SINK_KINDS)
      .default('stdout')
      .describe('Where notifications go unless `routes` names a sink for their channel: printed, appended to `jsonlPath`, produced to `kafka.outputTopic`, or sent by the webhook, SMTP, SMS or mobile-push sink.'),
    routes: sinkRoutesSchema.prefault({}),
    jsonlPath: nonEmpty()
      .optional()
      .describe('File of the `jsonl` notification sink; default `<dataDir>/notifications.jsonl`.'),
    deadLetterPath: nonEmpty()
      .optional()
      .describe('File invalid input records are appended to, with the reason (file and simulator sources); default `<dataDir>/dead-letters.jsonl`.'),
    notificationDeadLetterPath: nonEmpty()
      .optional()
      .describe('File notifications that could not be delivered are appended to, with the reason; default `<dataDir>/notification-dead-letters.jsonl`.'),
    webhook: webhookSinkSchema.prefault({}),
    smtp: smtpSinkSchema.prefault({}),
    sms: smsSinkSchema.prefault({}),
    mobilePush: mobilePushSinkSchema.prefault({}),
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

const hourOfDay = () => z.number().int().min(0).max(23);

/** Each digesting trigger's window, with its own default length. */
const digestSchema = (windowMinutes: number, what: string) =>
  z
    .strictObject({
      windowMinutes: z
        .number()
        .min(0)
        .default(windowMinutes)
        .describe(`Event-time minutes a user's ${what} are collected for, from the first; then several go out as one message and a lone one as it was. 0 sends each at once.`),
      maxItems: positiveInt().max(50).default(5).describe('Items one digest message lists; its count still covers all of them.'),
    })
    .describe(`Digest of ${what}: several for one user within the window become one message.`);

const interestSchema = z
  .strictObject({
    days: z
      .number()
      .positive()
      .default(14)
      .describe('How long a favourite, a cart or repeated views count as interest in an item (price drop, back in stock, the popular-items fallback).'),
    minViews: positiveInt().default(2).describe('Views of one item within `viewWindowHours` that count as interest (favourites and carts always do).'),
    viewWindowHours: z.number().positive().default(24).describe('Window of the repeated views that count as interest, from the first view.'),
  })
  .describe('Which items a user is interested in: the user side of the price-drop and back-in-stock triggers.');

const browseAbandonmentSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Remind users who viewed an item repeatedly without adding it to the cart.'),
    minViews: positiveInt().default(3).describe('Views of one item within `withinHours` that make it browsed repeatedly.'),
    withinHours: z.number().positive().default(24).describe('Window of those views, from the first one.'),
    delayMinutes: z
      .number()
      .positive()
      .default(60)
      .describe('Event-time minutes after the last view, without a cart or purchase of the item, before the reminder.'),
    channel: z.enum(CHANNELS).default('push').describe('Channel of the reminder.'),
    digest: digestSchema(180, 'browse reminders').prefault({}),
  })
  .describe('The browse-abandonment reminder.');

const priceDropSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Tell users when an item they showed interest in gets cheaper.'),
    minDropPercent: z
      .number()
      .positive()
      .max(100)
      .default(5)
      .describe('Smallest drop, against the price the user saw (or was last told), worth a message.'),
    channel: z.enum(CHANNELS).default('push').describe('Channel of the message.'),
    digest: digestSchema(60, 'price drops').prefault({}),
  })
  .describe('The price-drop alert.');

const backInStockSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Tell users when an item they showed interest in is back in stock after selling out.'),
    channel: z.enum(CHANNELS).default('push').describe('Channel of the message.'),
    digest: digestSchema(30, 'restock alerts').prefault({}),
  })
  .describe('The back-in-stock alert.');

const orderStatusSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Tell users about their orders (transactional): one message per order and status.'),
    statuses: z
      .array(z.enum(ORDER_STATUSES))
      .default([...ORDER_STATUSES])
      .describe('Order statuses that notify; each is its own type, `order_<status>`.'),
    channel: z.enum(CHANNELS).default('push').describe('Channel of order updates.'),
  })
  .describe('Order and logistics updates.');

const recommendationDigestSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Send recently active users a personalized digest of recommendations.'),
    frequency: z.enum(['daily', 'weekly']).default('daily').describe('One digest per user and local day, or per ISO week.'),
    weekday: z.number().int().min(0).max(6).default(5).describe('Local day of the weekly digest: 0 = Monday ... 6 = Sunday.'),
    defaultSendHour: hourOfDay().default(20).describe('Local hour of the digest for users the send-time model knows nothing about.'),
    activeWithinDays: positiveInt()
      .default(2)
      .describe('Users active within this many days before the day get that day\'s digest (weekly: at least 7); quieter users are win-back\'s.'),
    items: positiveInt().max(20).default(4).describe('Recommended items per digest.'),
    channel: z.enum(CHANNELS).default('email').describe('Channel of the digest.'),
  })
  .describe('The personalized recommendation digest, at each user\'s best hour.');

const winBackSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Bring back users who have been inactive, with recommendations.'),
    inactiveDays: positiveInt().default(7).describe('Full days without any activity after which a user is sent a win-back message.'),
    defaultSendHour: hourOfDay().default(19).describe('Local hour of the message for users the send-time model knows nothing about.'),
    items: positiveInt().max(20).default(4).describe('Recommended items per message.'),
    channel: z.enum(CHANNELS).default('push').describe('Channel of the message.'),
  })
  .describe('The win-back message for lapsed users.');

const campaignContentSchema = z.strictObject({
  title: nonEmpty(),
  body: nonEmpty(),
});

const profileValueSchema = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.array(z.union([z.string(), z.number(), z.boolean()])),
  z.strictObject({ min: z.number().optional(), max: z.number().optional() }),
]);

const campaignSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'expected a lowercase slug').describe('Campaign id: names it in dedupe keys, the audience store and metrics.'),
    segments: z.array(nonEmpty()).default([]).describe('Target segments (any of); empty: every segment.'),
    filter: z
      .strictObject({
        locales: z.array(nonEmpty()).default([]).describe('Only users with one of these locales; empty: any.'),
        profile: z
          .record(z.string(), profileValueSchema)
          .default({})
          .describe('Profile attributes to match: a value, a list of values, or `{min, max}`.'),
      })
      .prefault({})
      .describe('Profile filter on top of the segments.'),
    content: z
      .record(nonEmpty(), campaignContentSchema)
      .refine((content) => Object.keys(content).length > 0, 'give the content in at least one locale')
      .describe('Title and body per locale; users of other locales get en-US, else the first given.'),
    itemId: nonEmpty().optional().describe('Item the campaign features (its name and price fill `{item}`).'),
    startAt: z.iso.datetime({ offset: true }).describe('Start of the schedule window (ISO 8601).'),
    endAt: z.iso.datetime({ offset: true }).describe('End of the schedule window (ISO 8601).'),
    clock: z
      .enum(['event', 'processing'])
      .default('event')
      .describe('Whether the window is in event time (replays reproduce it) or wall-clock time.'),
    holdoutShare: probability().default(0.1).describe('Share of the audience held out (assigned, recorded, not sent) to measure the campaign.'),
    audienceLookbackDays: positiveInt().default(7).describe('At the start, users active within this many days are considered.'),
    channel: z.enum(CHANNELS).optional().describe('Preferred channel; unset: the default order.'),
  })
  .refine((campaign) => Date.parse(campaign.endAt) > Date.parse(campaign.startAt), { path: ['endAt'], message: 'must be after startAt' });

const segmentCampaignSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Run the campaigns configured below.'),
    campaigns: z
      .array(campaignSchema)
      .default([])
      .refine((campaigns) => new Set(campaigns.map((c) => c.id)).size === campaigns.length, 'campaign ids must be unique')
      .describe('Operator-defined campaigns: `id`, target `segments` and/or `filter`, `content` per locale, `startAt`/`endAt`, `clock`, `holdoutShare`, `audienceLookbackDays`, `itemId`, `channel` (see docs/PIPELINES.md).'),
  })
  .describe('Segment campaigns defined in config, without code changes.');

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
    interest: interestSchema.prefault({}),
    browseAbandonment: browseAbandonmentSchema.prefault({}),
    priceDrop: priceDropSchema.prefault({}),
    backInStock: backInStockSchema.prefault({}),
    orderStatus: orderStatusSchema.prefault({}),
    recommendationDigest: recommendationDigestSchema.prefault({}),
    winBack: winBackSchema.prefault({}),
    segmentCampaign: segmentCampaignSchema.prefault({}),
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

const blendSchema = z
  .strictObject({
    model: z.number().min(0).default(0.5).describe('Weight of matrix factorization in the hybrid for a user with a long history (it grows with the history).'),
    coVisit: z.number().min(0).default(1).describe('Weight of co-visitation in the hybrid, whatever the history.'),
    popularity: z.number().min(0).default(0.5).describe('Weight of popularity in the hybrid for a user without history (it shrinks as the history grows).'),
    category: z.number().min(0).default(0.5).describe('Weight of category affinity in the hybrid for a user without history (it shrinks as the history grows).'),
    rankOffset: z
      .number()
      .min(0)
      .default(60)
      .describe('The hybrid adds weight / (rankOffset + rank) per model list; a larger offset flattens the head of each list.'),
  })
  .describe('How the hybrid fuses the single models\' ranked lists.');

const recommendSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Learn recommendations from behaviour events in the pipeline.'),
    factors: positiveInt().max(512).default(32).describe('Latent factors per user and item (eALS).'),
    regularization: z.number().min(0).default(1).describe('L2 regularization of the factors (eALS lambda).'),
    missingWeight: z
      .number()
      .min(0)
      .default(1024)
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
    onlineHistory: nonNegativeInt()
      .default(128)
      .describe('Most recent entries of the user\'s and the item\'s rows one online update reads (0 = all): bounds the cost of an event from a heavy user or on a popular item; the sweeps read every entry.'),
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
    blend: blendSchema.prefault({}),
  })
  .describe('Online recommendations: eALS matrix factorization, its fallbacks and their blend.');

const behaviorTrainingSchema = z
  .strictObject({
    runIn: z
      .enum(['worker', 'main'])
      .default('worker')
      .describe('Where training runs: a worker thread (the event loop only reads LMDB in chunks and swaps the model) or the main event loop in small batches with a yield between them.'),
    firstRoundAfterSeconds: z
      .number()
      .min(0)
      .default(60)
      .describe('Wall-clock seconds after start before the first training round (short replays end before it and never train).'),
    intervalMinutes: z.number().positive().default(30).describe('Wall-clock minutes between the starts of training rounds.'),
    minUsers: positiveInt().default(50).describe('A round waits until this many users have a sequence.'),
    maxUsers: positiveInt().default(20000).describe('Users whose buffers a round samples from LMDB.'),
    maxExamples: positiveInt().default(20000).describe('Training sequences per round (sampled from the users\' buffers).'),
    epochs: positiveInt().max(50).default(1).describe('Passes over the round\'s training sequences.'),
    batchSize: positiveInt().max(4096).default(128).describe('Sequences per gradient step in a worker.'),
    mainThreadBatchSize: positiveInt()
      .max(1024)
      .default(8)
      .describe('Sequences per gradient step when training runs on the main event loop (one step is one stall of the loop).'),
    learningRate: z.number().positive().default(0.005).describe('Adam learning rate.'),
    holdoutFraction: z
      .number()
      .min(0.05)
      .max(0.5)
      .default(0.15)
      .describe('The most recent fraction of a round\'s sequences, by event time, held out to compare the new model with the current one.'),
    maxSeconds: z.number().positive().default(300).describe('Wall-clock budget of a round\'s training; it stops early when spent.'),
    scanChunkUsers: positiveInt()
      .default(500)
      .describe('Users\' buffers read from LMDB per turn of the event loop while a round samples.'),
    versionsKept: positiveInt().default(10).describe('Model versions kept on disk (the current one is always kept).'),
    seed: nonNegativeInt().default(42).describe('Seed of the initial weights and of the sampling.'),
  })
  .describe('Background training of the behaviour model.');

const behaviorScoringSchema = z
  .strictObject({
    cacheSize: positiveInt().default(100000).describe('Users whose scores are cached; a user\'s entry is dropped by their next event.'),
    batchSize: positiveInt().max(4096).default(256).describe('Users scored per forward pass of the network.'),
  })
  .describe('Scoring users at decision time.');

const behaviorSchema = z
  .strictObject({
    enabled: z
      .boolean()
      .default(true)
      .describe('Keep per-user behaviour sequences, train the behaviour model in the background and score users with it.'),
    bufferLength: positiveInt()
      .max(1000)
      .default(64)
      .describe('Most recent events kept per user in LMDB (the ring buffer the model reads and trains on).'),
    sequenceLength: positiveInt()
      .max(200)
      .default(20)
      .describe('Most recent events the network reads per prediction (at most `bufferLength`).'),
    vocabularySize: positiveInt()
      .max(8192)
      .default(256)
      .describe('Most frequent categories the network predicts directly; the rest share an "other" class and are reached through the user\'s own history and the Markov component of the mixture.'),
    inputCategories: positiveInt()
      .max(1024)
      .default(48)
      .describe('Most frequent categories the network sees by name in its inputs (the rest as "other", plus whether the category repeats).'),
    hiddenUnits: positiveInt().max(1024).default(32).describe('Units of the GRU.'),
    backend: z
      .enum(['auto', 'tfjs-node', 'wasm', 'cpu'])
      .default('auto')
      .describe('TensorFlow.js backend: `auto` takes tfjs-node when it loads, else WASM, else the pure-JS CPU backend.'),
    training: behaviorTrainingSchema.prefault({}),
    scoring: behaviorScoringSchema.prefault({}),
  })
  .describe('The behaviour model: a GRU over each user\'s recent events predicting the next category, a purchase within 24 hours and activity in each of the next 24 hours.');

const clockTime = () => z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM (24-hour)');
const capPair = (daily: number, weekly: number, what: string) =>
  z
    .strictObject({
      daily: nonNegativeInt().default(daily).describe(`Most ${what} per user per calendar day in the user's time zone.`),
      weekly: nonNegativeInt().default(weekly).describe(`Most ${what} per user per ISO week (Monday to Sunday) in the user's time zone.`),
    })
    .describe(`Frequency caps of ${what}.`);
const rateOf = (perSecond: number, burst: number, channel: string) =>
  z
    .strictObject({
      perSecond: z.number().positive().default(perSecond).describe(`Sustained ${channel} sends per second (event time) across all users.`),
      burst: positiveInt().default(burst).describe(`${channel} sends allowed at once before the rate applies (bucket size).`),
    })
    .describe(`Token bucket of the ${channel} channel.`);

const policySchema = z
  .strictObject({
    enabled: z
      .boolean()
      .default(true)
      .describe('Apply quiet hours, caps, send time and rate limits; false keeps only consent and channel choice (for tests of other stages).'),
    historyPerUser: positiveInt().max(200).default(20).describe('Last decisions `pushflow inspect user` shows.'),
    historyDays: z.number().positive().default(7).describe('Event-time days decisions are kept for inspection (between one and two of these).'),
    unknownUsers: z
      .strictObject({
        channels: z
          .array(z.enum(CHANNELS))
          .default(['push'])
          .describe('Channels a user with no settings on record is taken to have and consent to (the platform\'s app push by default).'),
        emailDomain: nonEmpty()
          .optional()
          .describe('When set, such a user is reachable by email at `<userId>@<emailDomain>` (replays of anonymous data sets through a test SMTP server).'),
      })
      .describe('What the policy assumes about users with no settings on record (e.g. the Taobao data).')
      .prefault({}),
    quietHours: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Hold messages during the quiet window in the user\'s time zone.'),
        start: clockTime().default('22:00').describe('Local time the quiet window starts.'),
        end: clockTime().default('08:00').describe('Local time the quiet window ends; marketing held in the window is sent then.'),
        transactional: z
          .enum(['send', 'defer'])
          .default('send')
          .describe('Transactional messages in the window: sent at once, or held to its end like marketing.'),
      })
      .describe('Quiet hours.')
      .prefault({}),
    caps: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Enforce frequency caps on marketing (transactional messages are exempt and not counted).'),
        push: capPair(3, 10, 'marketing push notifications').prefault({}),
        email: capPair(1, 4, 'marketing emails').prefault({}),
        sms: capPair(1, 2, 'marketing text messages').prefault({}),
        webhook: capPair(5, 20, 'marketing webhook notifications').prefault({}),
        total: capPair(4, 14, 'marketing messages over all channels').prefault({}),
      })
      .describe('Frequency caps per user, counted when a message is dispatched to the outbox.')
      .prefault({}),
    budget: z
      .strictObject({
        enabled: z
          .boolean()
          .default(true)
          .describe('Rank each user\'s marketing by expected value and send only the best within a daily budget (src/decide/valueBudget.ts).'),
        daily: nonNegativeInt()
          .default(1)
          .describe('Marketing messages per user per calendar day in the user\'s time zone; a message is dropped (`budget_outranked`) when the day\'s sends plus the user\'s held messages of higher value due later that day fill it.'),
        minValue: z
          .number()
          .min(0)
          .default(0.005)
          .describe('Expected clicks below which a marketing message is not sent at all (`low_value`).'),
        intentRelevance: probability()
          .default(0.5)
          .describe('Relevance assumed at least for an item of the user\'s own intent (carted, watched: `learning.fatigue.intentTypes`), whatever their category affinity says.'),
        unknownRelevance: probability()
          .default(0.3)
          .describe('Relevance of a message whose items say nothing (no item, no category, or a user with no affinities yet).'),
        lookahead: positiveInt()
          .max(100)
          .default(20)
          .describe('Held messages of the user read to rank against (soonest first).'),
      })
      .describe('The value-aware daily budget: expected clicks from the user\'s channel engagement, fatigue, activity at the hour and the items\' match to their category affinities.')
      .prefault({}),
    propensity: z
      .strictObject({
        enabled: z
          .boolean()
          .default(true)
          .describe('Drop marketing of the types below for users the behaviour model gives a low probability of buying (only once a model is trained).'),
        minPurchaseProbability: probability()
          .default(0.02)
          .describe('Probability of a purchase within 24 hours of the user\'s latest event below which the message is dropped (`low_propensity`).'),
        types: z
          .array(nonEmpty())
          .default(['browse_abandonment', 'recommendation_digest', 'segment_campaign'])
          .describe('Notification types the gate applies to (marketing only; transactional messages always pass).'),
        holdoutShare: probability()
          .default(0.1)
          .describe('Share of users (a fixed draw per user) never gated: the control group that measures the gate.'),
        waitSeconds: z
          .number()
          .positive()
          .max(3600)
          .default(60)
          .describe('Event-time seconds a message waits (`propensity_pending`) for the scores of a user not scored yet; then it is decided with what is known.'),
      })
      .describe('The propensity gate: marketing is not sent to users very unlikely to buy (see src/decide/propensityGate.ts for why).')
      .prefault({}),
    sendTime: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Schedule marketing at the user\'s best hour within its validity window.'),
        validityHours: z.number().positive().max(168).default(24).describe('How long after it arises a marketing message may still be sent (unless its payload names `validUntil`).'),
        minLift: z
          .number()
          .min(1)
          .default(1.25)
          .describe('A later hour is chosen only if its activity score is at least this many times the current hour\'s.'),
        priorStrength: z
          .number()
          .min(0)
          .default(24)
          .describe('Pseudo-events of the segment/platform pattern mixed into a user\'s own hour-of-week counts (shrinkage for users with little history).'),
        segmentWeight: probability().default(0.5).describe('Share of the segment\'s pattern (where known) in the prior; the rest is the platform\'s.'),
        behaviorWeight: probability().default(0.5).describe('Share of the behaviour model\'s active-hour probabilities (where present) in the score.'),
        dayPooling: probability()
          .default(0.8)
          .describe('Share of an hour of week\'s score taken from the same hour of day over the whole week (the user\'s counts per hour of week are sparse: pooling the days smooths them).'),
        minPlatformEvents: nonNegativeInt()
          .default(2000)
          .describe('Events the platform pattern needs before it is trusted; below it every hour counts the same.'),
        platformHalfLifeDays: z.number().positive().default(14).describe('Half-life of an event in the platform\'s hour-of-week pattern.'),
      })
      .describe('Best send time from hour-of-week activity.')
      .prefault({}),
    channels: z
      .strictObject({
        byType: z
          .array(z.strictObject({ type: nonEmpty(), channels: z.array(z.enum(CHANNELS)).min(1) }))
          .default([])
          .describe('Channel preference order per notification type, e.g. `[{type: order_status, channels: [push, sms, email]}]`; other types: the trigger\'s channel, then `defaults.channels`.'),
        engagementMargin: z
          .number()
          .min(0)
          .default(0.1)
          .describe('Engagement-rate lead a channel needs per place it is ranked below another to be tried first.'),
        engagementPriorRate: probability().default(0.1).describe('Engagement rate assumed for a channel with no history.'),
        engagementPriorWeight: z.number().positive().default(10).describe('Pseudo-sends of the prior rate in a channel\'s engagement estimate.'),
      })
      .describe('Channel choice among the channels a user has and consents to.')
      .prefault({}),
    rateLimit: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Rate-limit each channel globally; marketing over the rate waits for its slot, or is dropped past its validity.'),
        push: rateOf(500, 2000, 'push').prefault({}),
        email: rateOf(100, 500, 'email').prefault({}),
        sms: rateOf(20, 100, 'sms').prefault({}),
        webhook: rateOf(500, 2000, 'webhook').prefault({}),
      })
      .describe('Global rate limits per channel, to protect providers.')
      .prefault({}),
  })
  .describe('The decision policy applied to every candidate (src/decide).');

const templatesSchema = z
  .strictObject({
    dir: nonEmpty().optional().describe('Folder of the `*.yaml` template files; default the shipped `config/templates`.'),
    fallbackLocale: nonEmpty().default('en-US').describe('Locale used when a template has none for the user\'s locale (nor for its language).'),
    pushTitleMaxChars: positiveInt().default(50).describe('Longest push title, in characters.'),
    pushBodyMaxChars: positiveInt().default(150).describe('Longest push body, in characters.'),
    smsMaxSegments: positiveInt().max(10).default(1).describe('SMS segments a text may take: 160 GSM-7 or 70 UCS-2 characters for one, 153 or 67 per segment beyond.'),
    emailSubjectMaxChars: positiveInt().default(78).describe('Longest email subject, in characters.'),
  })
  .describe('Message templates per type x channel x locale, validated at start (src/compose).');

const deliverySchema = z
  .strictObject({
    maxAttempts: positiveInt().default(8).describe('Attempts at one notification before it is dead-lettered.'),
    initialBackoffMs: positiveInt().default(500).describe('Ceiling of the first retry delay; each further attempt doubles it (full jitter).'),
    maxBackoffMs: positiveInt().default(60000).describe('Largest retry delay ceiling.'),
    breakerFailures: positiveInt().default(5).describe('Consecutive failed sends that open a sink\'s circuit breaker.'),
    breakerOpenMs: positiveInt().default(5000).describe('How long an open breaker rejects sends before one probe is let through.'),
    scanWindow: positiveInt().default(2000).describe('Oldest outbox entries the delivery loop looks at per round.'),
  })
  .describe('Delivery from the outbox: retries, circuit breakers, dead-lettering (src/delivery).');

const profileSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Maintain user profiles (counts, windows, RFM, category affinity, hour-of-week activity) from behaviour events.'),
    windowGraceMinutes: z
      .number()
      .min(0)
      .default(10)
      .describe('Event-time minutes after their end that the hourly, daily and visit windows still take late events; later ones are counted as late and left out.'),
    visitGapMinutes: z.number().positive().default(30).describe('Inactivity that ends a visit (the session window gap).'),
    affinityHalfLifeDays: z.number().positive().default(7).describe('Event-time days after which an action weighs half in the category affinity scores.'),
    topCategories: positiveInt().max(100).default(10).describe('Categories kept per user in the affinity scores.'),
    cacheSize: positiveInt().default(100000).describe('Profiles kept in memory between batches (only checkpointed ones are evicted).'),
    checkpointEntries: positiveInt()
      .default(100000)
      .describe('Changed profiles are logged once per batch; once the log holds this many, each is written to its own record and the log emptied (bounds the log and the restart replay).'),
  })
  .describe('Per-user profiles (pipelines/userProfile.ts; formulas in docs/PROFILES.md).');

const segmentsSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Cluster profiles into segments by incremental k-means (needs `profile.enabled`).'),
    k: z.number().int().min(2).max(50).default(6).describe('Number of segments.'),
    miniBatchSize: positiveInt().default(100).describe('Users with a changed profile gathered before the centroids are updated.'),
    halfLifeUpdates: z
      .number()
      .positive()
      .default(1000)
      .describe('Forgetting: profile changes (mini-batch points) after which past points weigh half in the centroids.'),
    reservoirSize: positiveInt().default(1000).describe('Users kept in the uniform reservoir sample that seeds and re-seeds the segments.'),
    seedAfterUsers: positiveInt().default(200).describe('Users the reservoir must hold before the first segments are seeded (k-means++).'),
    deadSegmentShare: probability()
      .default(0.1)
      .describe('A segment whose weight falls below this share of the average segment weight is re-seeded from the reservoir.'),
    seed: nonNegativeInt().default(42).describe('Seed of the reservoir sampling and k-means++ seeding.'),
  })
  .describe('User segments: incremental k-means over standardized profile vectors (pipelines/segments.ts).');

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
    profile: profileSchema.prefault({}),
    segments: segmentsSchema.prefault({}),
    recommend: recommendSchema.prefault({}),
    behavior: behaviorSchema.prefault({}),
    policy: policySchema.prefault({}),
    templates: templatesSchema.prefault({}),
    delivery: deliverySchema.prefault({}),
    learning: learningSchema.prefault({}),
    experiments: experimentsSchema,
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
