// Turns a source record's text (JSON line, Taobao CSV row, MovieLens CSV row) into a validated
// event, or into the field and reason that send it to the dead letters.

import type { RawRecord, RecordFormat } from '../sources/source.js';
import type { BehaviorEvent, BehaviorType } from './types.js';
import { idProblem, timeProblem, validateEvent, type Validation, type ValidationLimits } from './validate.js';

export interface DecodeOptions extends ValidationLimits {
  maxPayloadBytes: number;
}

export type RecordDecoder = (record: RawRecord, now: number) => Validation;

/**
 * The earliest event time accepted: anything before it is a unit or clock mistake (MovieLens, the
 * oldest data we take, starts in 1996).
 */
const EARLIEST_EVENT_TIME = Date.UTC(1990, 0, 1);

/**
 * The limits the runtime decodes with. Event times too far ahead of the wall clock are refused
 * only for live streams (`liveEventTime`): replays and the simulator run in their own time.
 */
export function decodeOptionsFor(
  events: { maxPayloadBytes: number; maxFutureSkewMinutes: number },
  liveEventTime: boolean,
): DecodeOptions {
  return {
    maxPayloadBytes: events.maxPayloadBytes,
    maxFutureSkewMs: liveEventTime ? events.maxFutureSkewMinutes * 60_000 : Infinity,
    minTime: EARLIEST_EVENT_TIME,
  };
}

/** Taobao UserBehavior's behaviour codes, mapped onto our behaviour types. */
const TAOBAO_BEHAVIORS: Record<string, BehaviorType> = {
  pv: 'view',
  cart: 'add_to_cart',
  fav: 'favorite',
  buy: 'purchase',
};

/** MovieLens ratings count as implicit feedback: >= 4 stars a favourite, the rest a view. */
const MOVIELENS_FAVORITE_RATING = 4;

export function recordDecoder(format: RecordFormat, options: DecodeOptions): RecordDecoder {
  const tooLarge = (raw: string) =>
    raw.length > options.maxPayloadBytes ||
    (raw.length * 3 > options.maxPayloadBytes && Buffer.byteLength(raw) > options.maxPayloadBytes);
  const oversized: Validation = {
    ok: false,
    field: 'payload',
    reason: `payload: larger than ${options.maxPayloadBytes} bytes`,
  };
  switch (format) {
    case 'json':
      return (record, now) => (tooLarge(record.raw) ? oversized : decodeJson(record.raw, now, options));
    case 'object':
      return (record, now) =>
        record.value !== undefined
          ? validateEvent(record.value, now, options)
          : tooLarge(record.raw)
            ? oversized
            : decodeJson(record.raw, now, options);
    case 'taobao':
      return (record, now) => (tooLarge(record.raw) ? oversized : decodeTaobao(record.raw, now, options));
    case 'movielens':
      return (record, now) => (tooLarge(record.raw) ? oversized : decodeMovielens(record.raw, now, options));
  }
}

function decodeJson(raw: string, now: number, limits: ValidationLimits): Validation {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    return { ok: false, field: 'json', reason: `json: ${(error as Error).message}` };
  }
  return validateEvent(value, now, limits);
}

/** `user_id,item_id,category_id,behavior_type,timestamp` (Unix seconds), no header. */
function decodeTaobao(raw: string, now: number, limits: ValidationLimits): Validation {
  const cells = raw.split(',');
  if (cells.length !== 5) return { ok: false, field: 'csv', reason: `csv: expected 5 columns, got ${cells.length}` };
  const [userId, itemId, categoryId, behavior, seconds] = cells;
  const type = TAOBAO_BEHAVIORS[behavior];
  if (type === undefined) {
    return { ok: false, field: 'behavior_type', reason: `behavior_type: expected pv, cart, fav or buy, got "${behavior}"` };
  }
  // Built directly rather than through validateEvent: this is the hot path of every Taobao replay.
  const problem = csvProblem(now, limits, seconds, ['user_id', userId], ['item_id', itemId], ['category_id', categoryId]);
  if (problem !== undefined) return problem;
  const event: BehaviorEvent = {
    kind: 'behavior',
    // The id is the row's content: the data carries none, and identical rows are re-sends.
    id: `tb:${userId}:${itemId}:${behavior}:${seconds}`,
    time: Number(seconds) * 1000,
    type,
    userId,
    itemId,
    categoryId,
  };
  return { ok: true, event };
}

/** The first problem of a CSV row's time (Unix seconds) and id cells, as a failed validation. */
function csvProblem(now: number, limits: ValidationLimits, seconds: string, ...ids: [string, string][]): Validation | undefined {
  if (!/^\d{1,12}$/.test(seconds)) return { ok: false, field: 'timestamp', reason: `timestamp: expected Unix seconds, got "${seconds}"` };
  const timeIssue = timeProblem(Number(seconds) * 1000, now, limits);
  if (timeIssue !== undefined) return { ok: false, field: 'time', reason: `time: ${timeIssue}` };
  for (const [field, cell] of ids) {
    const idIssue = idProblem(cell);
    if (idIssue !== undefined) return { ok: false, field, reason: `${field}: ${idIssue}` };
  }
  return undefined;
}

/** `userId,movieId,rating,timestamp` (Unix seconds); the header row is skipped by the file source. */
function decodeMovielens(raw: string, now: number, limits: ValidationLimits): Validation {
  const cells = raw.split(',');
  if (cells.length !== 4) return { ok: false, field: 'csv', reason: `csv: expected 4 columns, got ${cells.length}` };
  const [userId, movieId, ratingText, seconds] = cells;
  const rating = Number(ratingText);
  if (!Number.isFinite(rating) || rating < 0 || rating > 5) {
    return { ok: false, field: 'rating', reason: `rating: expected 0..5, got "${ratingText}"` };
  }
  const problem = csvProblem(now, limits, seconds, ['userId', userId], ['movieId', movieId]);
  if (problem !== undefined) return problem;
  const type: BehaviorType = rating >= MOVIELENS_FAVORITE_RATING ? 'favorite' : 'view';
  const event: BehaviorEvent = { kind: 'behavior', id: `ml:${userId}:${movieId}:${seconds}`, time: Number(seconds) * 1000, type, userId, itemId: movieId };
  return { ok: true, event };
}
