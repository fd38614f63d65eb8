// Validation of untrusted input into the event model. Hand-written rather than a schema library
// because it runs once per event on the hot path and must name the exact offending field.

import {
  BEHAVIOR_TYPES,
  CHANNELS,
  FEEDBACK_TYPES,
  ORDER_STATUSES,
  type BehaviorEvent,
  type CatalogEvent,
  type FeedbackEvent,
  type PushflowEvent,
  type UserEvent,
} from './types.js';

export interface ValidationLimits {
  /** Events later than wall clock + this are rejected as clock-skewed. */
  maxFutureSkewMs: number;
  /** Earliest plausible event time (MovieLens goes back to 1996). */
  minTime: number;
}

export const DEFAULT_LIMITS: ValidationLimits = {
  maxFutureSkewMs: 60 * 60_000,
  minTime: Date.UTC(1990, 0, 1),
};

export type Validation = { ok: true; event: PushflowEvent } | { ok: false; field: string; reason: string };

/** Thrown inside the validators; caught once in `validateEvent`. */
class InvalidField extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

// Exported for the Kafka fetch thread's JSON fast path (sources/behaviorJsonScanner.ts), which
// must accept exactly what these validators accept.
export const MAX_ID_LENGTH = 256;
export const MAX_TEXT_LENGTH = 2_000;
export const MAX_PRICE = 1e9;
export const MAX_QUANTITY = 1e6;
/** Behaviour types that name no item are refused. */
export const ITEM_REQUIRED: ReadonlySet<string> = new Set(['view', 'add_to_cart', 'remove_from_cart', 'favorite']);
const MAX_STOCK = 1e9;

const BEHAVIOR_SET = new Set<string>(BEHAVIOR_TYPES);
const FEEDBACK_SET = new Set<string>(FEEDBACK_TYPES);
const STATUS_SET = new Set<string>(ORDER_STATUSES);
const CHANNEL_SET = new Set<string>(CHANNELS);

/**
 * Checks an already-parsed value against the event model; returns a normalized copy (times as
 * epoch ms, unknown fields dropped) or the first offending field with a reason.
 */
export function validateEvent(input: unknown, now: number, limits: ValidationLimits = DEFAULT_LIMITS): Validation {
  try {
    return { ok: true, event: toEvent(input, now, limits) };
  } catch (error) {
    if (error instanceof InvalidField) return { ok: false, field: error.field, reason: error.message };
    throw error;
  }
}

function toEvent(input: unknown, now: number, limits: ValidationLimits): PushflowEvent {
  if (!isRecord(input)) throw new InvalidField('event', `expected a JSON object, got ${describe(input)}`);
  const id = requiredId(input, 'id');
  const time = eventTime(input.time, now, limits);
  switch (input.kind) {
    case 'behavior':
      return behavior(input, id, time);
    case 'catalog':
      return catalog(input, id, time);
    case 'user':
      return user(input, id, time);
    case 'feedback':
      return feedback(input, id, time);
    default:
      throw new InvalidField('kind', `expected one of behavior, catalog, user, feedback, got ${describe(input.kind)}`);
  }
}

function behavior(input: Record<string, unknown>, id: string, time: number): BehaviorEvent {
  const type = oneOf(input, 'type', BEHAVIOR_SET) as BehaviorEvent['type'];
  const event: BehaviorEvent = { kind: 'behavior', id, time, type, userId: requiredId(input, 'userId') };
  const itemId = optionalId(input, 'itemId');
  if (itemId !== undefined) event.itemId = itemId;
  else if (ITEM_REQUIRED.has(type)) {
    throw new InvalidField('itemId', `required for ${type}`);
  }
  const categoryId = optionalId(input, 'categoryId');
  if (categoryId !== undefined) event.categoryId = categoryId;
  const quantity = optionalNumber(input, 'quantity', 0, MAX_QUANTITY);
  if (quantity !== undefined) event.quantity = quantity;
  const price = optionalNumber(input, 'price', 0, MAX_PRICE);
  if (price !== undefined) event.price = price;
  const query = optionalText(input, 'query');
  if (query !== undefined) event.query = query;
  else if (type === 'search') throw new InvalidField('query', 'required for search');
  const orderId = optionalId(input, 'orderId');
  if (orderId !== undefined) event.orderId = orderId;
  if (input.status !== undefined) event.status = oneOf(input, 'status', STATUS_SET) as BehaviorEvent['status'];
  if (type === 'order_status') {
    if (orderId === undefined) throw new InvalidField('orderId', 'required for order_status');
    if (event.status === undefined) throw new InvalidField('status', 'required for order_status');
  }
  return event;
}

function catalog(input: Record<string, unknown>, id: string, time: number): CatalogEvent {
  const event: CatalogEvent = { kind: 'catalog', id, time, itemId: requiredId(input, 'itemId') };
  const title = optionalText(input, 'title');
  if (title !== undefined) event.title = title;
  const categoryId = optionalId(input, 'categoryId');
  if (categoryId !== undefined) event.categoryId = categoryId;
  const price = optionalNumber(input, 'price', 0, MAX_PRICE);
  if (price !== undefined) event.price = price;
  const currency = optionalText(input, 'currency');
  if (currency !== undefined) {
    if (!/^[A-Z]{3}$/.test(currency)) throw new InvalidField('currency', `expected an ISO 4217 code, got "${currency}"`);
    event.currency = currency;
  }
  const stock = optionalNumber(input, 'stock', 0, MAX_STOCK);
  if (stock !== undefined) {
    if (!Number.isInteger(stock)) throw new InvalidField('stock', `expected a whole number, got ${stock}`);
    event.stock = stock;
  }
  return event;
}

function user(input: Record<string, unknown>, id: string, time: number): UserEvent {
  const event: UserEvent = { kind: 'user', id, time, userId: requiredId(input, 'userId') };
  const locale = optionalText(input, 'locale');
  if (locale !== undefined) {
    if (!/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(locale)) throw new InvalidField('locale', `not a BCP 47 tag: "${locale}"`);
    event.locale = locale;
  }
  const timeZone = optionalText(input, 'timeZone');
  if (timeZone !== undefined) {
    if (!isTimeZone(timeZone)) throw new InvalidField('timeZone', `unknown IANA time zone "${timeZone}"`);
    event.timeZone = timeZone;
  }
  if (input.channels !== undefined) {
    const channels = input.channels;
    if (!isRecord(channels)) throw new InvalidField('channels', `expected an object, got ${describe(channels)}`);
    event.channels = {};
    for (const key of ['email', 'phone', 'pushToken', 'webhookUrl'] as const) {
      const value = optionalText(channels, key, `channels.${key}`);
      if (value !== undefined) event.channels[key] = value;
    }
    if (event.channels.email !== undefined && !/^[^@\s]+@[^@\s]+$/.test(event.channels.email)) {
      throw new InvalidField('channels.email', `not an email address`);
    }
  }
  if (input.consent !== undefined) {
    const consent = input.consent;
    if (!isRecord(consent)) throw new InvalidField('consent', `expected an object, got ${describe(consent)}`);
    event.consent = {};
    for (const key of ['push', 'email', 'sms', 'webhook', 'marketing', 'transactional'] as const) {
      const value = consent[key];
      if (value === undefined) continue;
      if (typeof value !== 'boolean') throw new InvalidField(`consent.${key}`, `expected a boolean, got ${describe(value)}`);
      event.consent[key] = value;
    }
  }
  return event;
}

function feedback(input: Record<string, unknown>, id: string, time: number): FeedbackEvent {
  const event: FeedbackEvent = {
    kind: 'feedback',
    id,
    time,
    type: oneOf(input, 'type', FEEDBACK_SET) as FeedbackEvent['type'],
    userId: requiredId(input, 'userId'),
    notificationId: requiredId(input, 'notificationId'),
  };
  if (input.channel !== undefined) event.channel = oneOf(input, 'channel', CHANNEL_SET) as FeedbackEvent['channel'];
  return event;
}

function eventTime(value: unknown, now: number, limits: ValidationLimits): number {
  let time: number;
  if (typeof value === 'number') time = value;
  else if (typeof value === 'string' && value.length <= 40) time = Date.parse(value);
  else throw new InvalidField('time', `expected epoch milliseconds or an ISO 8601 string, got ${describe(value)}`);
  if (!Number.isFinite(time)) throw new InvalidField('time', `not a valid time: ${JSON.stringify(value)}`);
  const problem = timeProblem(time, now, limits);
  if (problem !== undefined) throw new InvalidField('time', problem);
  return Math.floor(time);
}

/** Why a finite epoch-ms event time is absurd, or undefined when it is plausible. */
export function timeProblem(time: number, now: number, limits: ValidationLimits): string | undefined {
  if (time < limits.minTime) return `${new Date(time).toISOString()} is before ${new Date(limits.minTime).toISOString()}`;
  if (time > now + limits.maxFutureSkewMs) {
    return `${new Date(time).toISOString()} is more than ${limits.maxFutureSkewMs / 60_000} min in the future`;
  }
  return undefined;
}

/** Why a CSV cell cannot be an id, or undefined when it can. */
export function idProblem(cell: string): string | undefined {
  if (cell.length === 0) return 'empty';
  if (cell.length > MAX_ID_LENGTH) return `longer than ${MAX_ID_LENGTH} characters`;
  return undefined;
}

function requiredId(input: Record<string, unknown>, field: string): string {
  const id = optionalId(input, field);
  if (id === undefined) throw new InvalidField(field, 'missing');
  return id;
}

/** Ids may arrive as strings or integers (CSV-born producers); we keep strings. */
function optionalId(input: Record<string, unknown>, field: string): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value !== 'string') throw new InvalidField(field, `expected a string id, got ${describe(value)}`);
  if (value.length === 0) throw new InvalidField(field, 'empty');
  if (value.length > MAX_ID_LENGTH) throw new InvalidField(field, `longer than ${MAX_ID_LENGTH} characters`);
  return value;
}

function optionalText(input: Record<string, unknown>, key: string, field = key): string | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new InvalidField(field, `expected a string, got ${describe(value)}`);
  if (value.length > MAX_TEXT_LENGTH) throw new InvalidField(field, `longer than ${MAX_TEXT_LENGTH} characters`);
  return value;
}

function optionalNumber(input: Record<string, unknown>, field: string, min: number, max: number): number | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new InvalidField(field, `expected a number, got ${describe(value)}`);
  if (value < min || value > max) throw new InvalidField(field, `${value} is outside ${min}..${max}`);
  return value;
}

function oneOf(input: Record<string, unknown>, field: string, allowed: Set<string>): string {
  const value = input[field];
  if (typeof value !== 'string' || !allowed.has(value)) {
    throw new InvalidField(field, `expected one of ${[...allowed].join(', ')}, got ${describe(value)}`);
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

const knownZones = new Map<string, boolean>();
function isTimeZone(zone: string): boolean {
  let known = knownZones.get(zone);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      known = true;
    } catch {
      known = false;
    }
    if (knownZones.size < 1_000) knownZones.set(zone, known);
  }
  return known;
}
