import { ignoreElements, map, merge, tap, type MonoTypeOperatorFunction, type Observable } from 'rxjs';
import type { NotificationCandidate } from '../src/runtime/pipeline.js';
import type { TimerStore } from '../state/timerStore.js';
import { dueTimers } from './dueTimers.js';

/** A user's candidates of one type, collected while their window is open. */
export interface DigestBucket {
  type: string;
  userId: string;
  /** Event time of the candidate that opened the window. */
  openedAt: number;
  /** The first `maxItems` candidates, in arrival order. */
  candidates: NotificationCandidate[];
  /** Every candidate collected, including those past `maxItems`. */
  count: number;
}

export interface DigestOptions {
  /** The durable buckets: one timer per user and type, due when its window closes. */
  buckets: TimerStore<DigestBucket>;
  /** Event time; a bucket is released once the watermark passes its window's end. */
  watermark$: Observable<number>;
  /** Window length from the first candidate; 0 or less passes candidates straight through. */
  windowMs: number;
  /** Candidates a digest message carries; its count still covers all. Default 5. */
  maxItems?: number;
  /** Type of the collapsed message; default `<type>_digest`. */
  digestType?: (type: string) => string;
  /** Called with each bucket that became one message for several candidates (for metrics). */
  onCollapsed?: (bucket: DigestBucket) => void;
}

const bucketId = (candidate: NotificationCandidate) => `${candidate.type}\x1f${candidate.userId}`;

/**
 * Collapses a user's candidates of one type within a window into one message, as Novu's
 * digest step does: the first candidate opens a window of `windowMs` (event time); when the
 * watermark passes its end, a lone candidate goes out as it was, and two or more go out as one
 * `<type>_digest` candidate whose payload holds `count` and the collected candidates' payloads
 * as `items` ("3 items you liked are cheaper").
 *
 * Open windows are timers in `buckets`, committed with the batch, so they survive restarts and
 * release once. A candidate repeated within a window (same dedupe key) counts once.
 *
 * @example
 * drops$.pipe(digest({ buckets: timers('price-drop-digest'), watermark$, windowMs: HOUR_MS }))
 * @see dueTimers
 */
export function digest(options: DigestOptions): MonoTypeOperatorFunction<NotificationCandidate> {
  const { buckets, watermark$, windowMs } = options;
  if (windowMs <= 0) return (candidates$) => candidates$;
  const maxItems = options.maxItems ?? 5;
  const digestType = options.digestType ?? ((type: string) => `${type}_digest`);

  const collect = (candidate: NotificationCandidate): void => {
    const id = bucketId(candidate);
    const open = buckets.get(id);
    if (open === undefined) {
      const bucket: DigestBucket = { type: candidate.type, userId: candidate.userId, openedAt: candidate.time, candidates: [candidate], count: 1 };
      buckets.set(id, candidate.time + windowMs, bucket);
      return;
    }
    const bucket = open.payload;
    if (bucket.candidates.some((held) => held.dedupeKey === candidate.dedupeKey)) return;
    if (bucket.candidates.length < maxItems) bucket.candidates.push(candidate);
    bucket.count++;
    buckets.set(id, open.due, bucket);
  };

  const release = (bucket: DigestBucket, closedAt: number): NotificationCandidate => {
    const [first] = bucket.candidates;
    if (bucket.count === 1) return { ...first, time: closedAt };
    options.onCollapsed?.(bucket);
    const type = digestType(bucket.type);
    const collapsed: NotificationCandidate = {
      type,
      priority: first.priority,
      userId: bucket.userId,
      dedupeKey: `${type}:${first.dedupeKey}`,
      time: closedAt,
      payload: { count: bucket.count, items: bucket.candidates.map((candidate) => candidate.payload), openedAt: bucket.openedAt },
    };
    if (first.channel !== undefined) collapsed.channel = first.channel;
    return collapsed;
  };

  return (candidates$) =>
    merge(
      candidates$.pipe(tap(collect), ignoreElements()),
      watermark$.pipe(
        dueTimers(buckets),
        map(({ payload, due }) => release(payload, due)),
      ),
    );
}
