// The contract of notification and dead-letter destinations.
// `send` resolves only when the destination acknowledged every item: the outbox removes an
// entry after that, so a crash between send and removal re-sends (at least once) and the
// receiver drops the repeat by the idempotency key.

import type { Channel } from '../events/types.js';

/** A rendered notification, as stored in the outbox and handed to sinks. */
export interface Notification {
  /** Idempotency key: a hash of the candidate's dedupe key; the same candidate gives the same id. */
  id: string;
  userId: string;
  /** Trigger type, e.g. `abandoned_cart`. */
  type: string;
  priority: 'transactional' | 'marketing';
  channel: Channel;
  locale: string;
  title: string;
  body: string;
  /** Event time of the decision (epoch ms). */
  decidedAt: number;
  /** Wall-clock time the triggering event entered the process (epoch ms), for latency metrics. */
  ingestedAt: number;
  /** Trigger-specific data (item, price...) for the receiver. */
  payload: Record<string, unknown>;
  /** Where the channel reaches the user: email address, phone number, push token, webhook URL. */
  to?: string;
  /** Email HTML body (`body` is then the text body and `title` the subject). */
  html?: string;
  /** Template variant the copy came from. */
  variant?: string;
  /** The candidate's dedupe key and event time, to decide it again on another channel after a permanent failure. */
  dedupeKey?: string;
  candidateTime?: number;
  /** Channels that already failed for good for this message (this is a fallback). */
  excludedChannels?: Channel[];
}

/** What became of one item of a `sendEach`. */
export type ItemResult = { ok: true } | { ok: false; permanent: boolean; error: string };

/** An input that could not become an event, with why. */
export interface DeadLetter {
  source: string;
  partition: number;
  offset: string;
  /** The raw record text, whole (or its first bytes when oversized, with `truncated`). */
  raw: string;
  truncated?: boolean;
  /** The offending field path (e.g. `time`, `payload`, `json`), first in the reason too. */
  field: string;
  reason: string;
  /** Wall-clock time it was dead-lettered (epoch ms). */
  at: number;
}

export interface Sink<T> {
  readonly name: string;
  /** Delivers the batch; resolves once all of it is acknowledged, rejects if any part is not. */
  send(items: T[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * A sink that reports per item (HTTP providers, SMTP): one bad address fails only its own
 * notification, and a permanent failure (4xx, rejected recipient) is told apart from a transient one.
 */
export interface PerItemSink<T> extends Sink<T> {
  sendEach(items: T[]): Promise<ItemResult[]>;
}

export function isPerItemSink<T>(sink: Sink<T>): sink is PerItemSink<T> {
  return typeof (sink as Partial<PerItemSink<T>>).sendEach === 'function';
}

export type NotificationSink = Sink<Notification>;
export type DeadLetterSink = Sink<DeadLetter>;
