// The Kafka fetch thread's fast path for behaviour events: reads a record's JSON bytes in place
// when they have the plain shape producers send (one flat object; ASCII strings without escapes;
// numbers; the event's keys once each) and the event they hold passes validation. Anything else
// is declined and takes JSON.parse and validateEvent, so the fast path must accept only what
// those accept, and find the same event: a declined record costs time, never a different result.
// Its point is what it does not make: no UTF-16 string of the record, no parsed object, no
// validated copy; the packer copies the strings' bytes straight into the columns.

import { BEHAVIOR_TYPES, ORDER_STATUSES } from '../events/types.js';
import { ITEM_REQUIRED, MAX_ID_LENGTH, MAX_PRICE, MAX_QUANTITY, MAX_TEXT_LENGTH, type ValidationLimits } from '../events/validate.js';
import { STRING_FIELDS } from './packedEvents.js';

// Slots: the string fields first, in the packed columns' order (checked below), then the rest.
const ID = 0;
const USER_ID = 1;
const ITEM_ID = 2;
const CATEGORY_ID = 3;
const QUERY = 4;
const ORDER_ID = 5;
const STATUS = 6;
const TIME = 7;
const QUANTITY = 8;
const PRICE = 9;
const KIND = 10;
const TYPE = 11;
const KEYS = ['id', 'userId', 'itemId', 'categoryId', 'query', 'orderId', 'status', 'time', 'quantity', 'price', 'kind', 'type'];
if (STRING_FIELDS.some((field, k) => KEYS[k] !== field)) throw new Error('behaviorJsonScanner: string slots out of the columns\' order');
const KEY_BYTES = KEYS.map((key) => Buffer.from(key, 'latin1'));
/** The slots of the keys of each byte length. */
const SLOTS_BY_LENGTH: number[][] = [];
KEYS.forEach((key, slot) => (SLOTS_BY_LENGTH[key.length] ??= []).push(slot));

const BEHAVIOR = Buffer.from('behavior', 'latin1');
const TYPE_NAMES = BEHAVIOR_TYPES.map((type) => Buffer.from(type, 'latin1'));
const STATUS_NAMES = ORDER_STATUSES.map((status) => Buffer.from(status, 'latin1'));
/** Indexes of the types that validation refuses without an itemId. */
const NEEDS_ITEM = new Set(BEHAVIOR_TYPES.flatMap((type, index) => (ITEM_REQUIRED.has(type) ? [index] : [])));
const SEARCH = BEHAVIOR_TYPES.indexOf('search');
const ORDER_STATUS = BEHAVIOR_TYPES.indexOf('order_status');
/** Integers of at most this many digits are read digit by digit, exactly. */
const EXACT_DIGITS = 15;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const OPEN = 0x7b;
const CLOSE = 0x7d;

/** Reads one record at a time; what it found stays readable until the next `scan`. */
export class BehaviorJsonScanner {
  /** Per slot, where its value starts and ends in the record (a string's without its quotes); -1 when absent. */
  readonly start = new Int32Array(KEYS.length);
  readonly end = new Int32Array(KEYS.length);
  private readonly isString = new Uint8Array(KEYS.length);
  /** After a successful scan: the event's type (index in BEHAVIOR_TYPES), time, and NaN for an absent number. */
  type = 0;
  time = 0;
  quantity = NaN;
  price = NaN;
  /** After a successful scan: the UTF-8 bytes of the event's strings (one byte per character). */
  stringBytes = 0;

  /** True when `json` is a valid behaviour event in the plain shape; its fields are then readable. */
  scan(json: Uint8Array, now: number, limits: ValidationLimits & { maxPayloadBytes: number }): boolean {
    // Within the payload limit in bytes, an ASCII record is within it in characters too.
    if (json.length > limits.maxPayloadBytes) return false;
    return this.read(json) && this.validate(json, now, limits);
  }

  /** Finds each known key's value; false on anything outside the plain shape. */
  private read(json: Uint8Array): boolean {
    const { start, end, isString } = this;
    start.fill(-1);
    const length = json.length;
    let i = skipSpace(json, 0);
    if (i >= length || json[i] !== OPEN) return false;
    i = skipSpace(json, i + 1);
    for (;;) {
      if (i >= length || json[i] !== QUOTE) return false;
      const keyEnd = stringEnd(json, i + 1);
      if (keyEnd < 0) return false;
      const slot = slotOf(json, i + 1, keyEnd);
      i = skipSpace(json, keyEnd + 1);
      if (i >= length || json[i] !== COLON) return false;
      i = skipSpace(json, i + 1);
      if (i >= length) return false;
      let valueStart: number;
      let valueEnd: number;
      let string: number;
      if (json[i] === QUOTE) {
        valueStart = i + 1;
        valueEnd = stringEnd(json, valueStart);
        if (valueEnd < 0) return false;
        string = 1;
        i = valueEnd + 1;
      } else {
        valueStart = i;
        valueEnd = numberEnd(json, i);
        if (valueEnd < 0) return false;
        string = 0;
        i = valueEnd;
      }
      // Unknown keys are dropped by validation; a repeated key would be the last one in JSON.parse.
      if (slot >= 0) {
        if (start[slot] >= 0) return false;
        start[slot] = valueStart;
        end[slot] = valueEnd;
        isString[slot] = string;
      }
      i = skipSpace(json, i);
      if (i >= length) return false;
      if (json[i] === COMMA) {
        i = skipSpace(json, i + 1);
        continue;
      }
      if (json[i] !== CLOSE) return false;
      return skipSpace(json, i + 1) === length;
    }
  }

  /** validateEvent's rules for a behaviour event, on what `read` found. */
  private validate(json: Uint8Array, now: number, limits: ValidationLimits): boolean {
    const { start, end, isString } = this;
    if (start[KIND] < 0 || isString[KIND] === 0 || !bytesEqual(json, start[KIND], end[KIND], BEHAVIOR)) return false;
    if (start[TYPE] < 0 || isString[TYPE] === 0) return false;
    const type = nameIndex(json, start[TYPE], end[TYPE], TYPE_NAMES);
    if (type < 0) return false;
    // Ids may be numbers in JSON (validation makes them strings): those take the slow path.
    let stringBytes = 0;
    for (let slot = ID; slot <= STATUS; slot++) {
      if (start[slot] < 0) continue;
      if (isString[slot] === 0) return false;
      const bytes = end[slot] - start[slot];
      if (slot === QUERY ? bytes > MAX_TEXT_LENGTH : slot !== STATUS && (bytes === 0 || bytes > MAX_ID_LENGTH)) return false;
      stringBytes += bytes;
    }
    if (start[ID] < 0 || start[USER_ID] < 0) return false;
    if (start[ITEM_ID] < 0 && NEEDS_ITEM.has(type)) return false;
    if (start[QUERY] < 0 && type === SEARCH) return false;
    if (start[STATUS] >= 0 && nameIndex(json, start[STATUS], end[STATUS], STATUS_NAMES) < 0) return false;
    if (type === ORDER_STATUS && (start[ORDER_ID] < 0 || start[STATUS] < 0)) return false;

    // Times given as ISO strings take the slow path.
    if (start[TIME] < 0 || isString[TIME] === 1) return false;
    const time = numberAt(json, start[TIME], end[TIME]);
    if (!Number.isFinite(time) || time < limits.minTime || time > now + limits.maxFutureSkewMs) return false;
    const quantity = this.optionalNumber(json, QUANTITY, MAX_QUANTITY);
    const price = this.optionalNumber(json, PRICE, MAX_PRICE);
    if (quantity === undefined || price === undefined) return false;

    this.type = type;
    this.time = Math.floor(time);
    this.quantity = quantity;
    this.price = price;
    this.stringBytes = stringBytes;
    return true;
  }

  /** NaN when absent, undefined when not a number within 0..max. */
  private optionalNumber(json: Uint8Array, slot: number, max: number): number | undefined {
    if (this.start[slot] < 0) return NaN;
    if (this.isString[slot] === 1) return undefined;
    const value = numberAt(json, this.start[slot], this.end[slot]);
    return Number.isFinite(value) && value >= 0 && value <= max ? value : undefined;
  }
}

function skipSpace(json: Uint8Array, i: number): number {
  while (i < json.length) {
    const c = json[i];
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    i++;
  }
  return i;
}

/** Where the string starting at `i` (after its quote) closes; -1 at an escape, a control or non-ASCII byte, or the end. */
function stringEnd(json: Uint8Array, i: number): number {
  for (; i < json.length; i++) {
    const c = json[i];
    if (c === QUOTE) return i;
    if (c < 0x20 || c > 0x7e || c === BACKSLASH) return -1;
  }
  return -1;
}

/** Where the JSON number starting at `i` ends; -1 when it is not one. */
function numberEnd(json: Uint8Array, i: number): number {
  if (json[i] === MINUS) i++;
  if (json[i] === ZERO) i++;
  else {
    if (!isDigit(json[i])) return -1;
    i = digitsEnd(json, i);
  }
  if (json[i] === DOT) {
    if (!isDigit(json[i + 1])) return -1;
    i = digitsEnd(json, i + 1);
  }
  if (json[i] === 0x65 || json[i] === 0x45) {
    i++;
    if (json[i] === PLUS || json[i] === MINUS) i++;
    if (!isDigit(json[i])) return -1;
    i = digitsEnd(json, i);
  }
  return i;
}

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= ZERO && c <= NINE;
}

function digitsEnd(json: Uint8Array, i: number): number {
  while (i < json.length && json[i] >= ZERO && json[i] <= NINE) i++;
  return i;
}

/** The value of a JSON number's text, as JSON.parse reads it. */
function numberAt(json: Uint8Array, start: number, end: number): number {
  if (end - start <= EXACT_DIGITS) {
    let value = 0;
    let i = start;
    for (; i < end; i++) {
      const c = json[i];
      if (c < ZERO || c > NINE) break;
      value = value * 10 + (c - ZERO);
    }
    if (i === end) return value;
  }
  return Number(Buffer.from(json.buffer, json.byteOffset + start, end - start).toString('latin1'));
}

function slotOf(json: Uint8Array, start: number, end: number): number {
  const slots = SLOTS_BY_LENGTH[end - start];
  if (slots === undefined) return -1;
  for (let k = 0; k < slots.length; k++) if (bytesEqual(json, start, end, KEY_BYTES[slots[k]])) return slots[k];
  return -1;
}

function nameIndex(json: Uint8Array, start: number, end: number, names: Buffer[]): number {
  for (let k = 0; k < names.length; k++) if (bytesEqual(json, start, end, names[k])) return k;
  return -1;
}

function bytesEqual(json: Uint8Array, start: number, end: number, name: Uint8Array): boolean {
  if (end - start !== name.length) return false;
  for (let k = 0; k < name.length; k++) if (json[start + k] !== name[k]) return false;
  return true;
}
