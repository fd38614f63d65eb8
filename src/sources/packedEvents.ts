// Behaviour events decoded and validated on the Kafka fetch thread, carried to the main thread in
// columns: a type byte, three numbers and seven strings' UTF-8 bytes per event. Rebuilding an
// event from them costs the main thread a fifth of what JSON.parse and validation cost it, and
// behaviour events are nearly all of a shop's stream. Any other record (catalog, user, feedback,
// invalid) travels as its raw text and is decoded on the main thread as before. Most events come
// straight from their JSON bytes (behaviorJsonScanner.ts); the rest from JSON.parse and validation.

import { BEHAVIOR_TYPES, type BehaviorEvent, type PushflowEvent } from '../events/types.js';
import type { BehaviorJsonScanner } from './behaviorJsonScanner.js';

export const STRING_FIELDS = ['id', 'userId', 'itemId', 'categoryId', 'query', 'orderId', 'status'] as const;
const NUMBER_FIELDS = ['time', 'quantity', 'price'] as const;
const PACKED_FIELDS = new Set<string>(['kind', 'type', ...STRING_FIELDS, ...NUMBER_FIELDS]);
const TYPE_INDEX = new Map<string, number>(BEHAVIOR_TYPES.map((type, index) => [type, index]));
const STRINGS = STRING_FIELDS.length;
const NUMBERS = NUMBER_FIELDS.length;
const NOT_PACKED = 0;
const PACKED = 1;
const PACKED_ASCII = 2;
/** V8's SlicedString::kMinLength: shorter substrings are copied. */
const SLICED_MIN = 13;

export interface PackedEvents {
  /**
   * Per record: NOT_PACKED when its raw text travels instead, PACKED when its event is in the
   * columns, PACKED_ASCII when every string of that event is ASCII (one byte per character).
   */
  packed: Uint8Array;
  types: Uint8Array;
  /** NUMBERS per record; NaN when absent. */
  numbers: Float64Array;
  strings: Uint8Array;
  /** STRINGS per record; -1 when absent. */
  stringLengths: Int32Array;
}

/** Fills the columns of one batch, record by record. */
export class EventPacker {
  private readonly columns: PackedEvents;
  private readonly bytes: Buffer;
  private at = 0;

  /** @param stringCapacity an upper bound of the events' string bytes (the batch's raw bytes are one). */
  constructor(
    private readonly count: number,
    stringCapacity: number,
  ) {
    this.columns = {
      packed: new Uint8Array(count),
      types: new Uint8Array(count),
      numbers: new Float64Array(count * NUMBERS),
      strings: new Uint8Array(stringCapacity),
      stringLengths: new Int32Array(count * STRINGS),
    };
    this.bytes = Buffer.from(this.columns.strings.buffer, 0, stringCapacity);
  }

  /** Puts record `index`'s event in the columns; false when it cannot go (its raw text must travel). */
  add(index: number, event: PushflowEvent): boolean {
    if (event.kind !== 'behavior' || !fitsColumns(event)) return false;
    let worst = 0;
    for (const field of STRING_FIELDS) {
      const text = event[field];
      if (text === undefined) continue;
      // A lone surrogate would not survive UTF-8: such an event takes the raw path.
      if (!(text as unknown as WellFormedString).isWellFormed()) return false;
      worst += 3 * text.length;
    }
    // Strings are measured only near the end of the room (3 UTF-8 bytes per UTF-16 unit at worst).
    if (this.at + worst > this.bytes.length && this.at + this.exactBytes(event) > this.bytes.length) return false;
    const { columns } = this;
    columns.types[index] = TYPE_INDEX.get(event.type)!;
    const numbers = index * NUMBERS;
    columns.numbers[numbers] = event.time;
    columns.numbers[numbers + 1] = event.quantity ?? NaN;
    columns.numbers[numbers + 2] = event.price ?? NaN;
    const lengths = index * STRINGS;
    let ascii = true;
    for (let k = 0; k < STRINGS; k++) {
      const text = event[STRING_FIELDS[k]];
      if (text === undefined) {
        columns.stringLengths[lengths + k] = -1;
        continue;
      }
      const written = this.bytes.write(text, this.at);
      // Any character past ASCII takes two UTF-8 bytes or more (a surrogate pair four).
      if (written !== text.length) ascii = false;
      columns.stringLengths[lengths + k] = written;
      this.at += written;
    }
    columns.packed[index] = ascii ? PACKED_ASCII : PACKED;
    return true;
  }

  /**
   * Puts record `index`'s event, as `scanner` has just read it from `json`, in the columns; false
   * when the room is short (its raw text must travel).
   */
  addScanned(index: number, json: Uint8Array, scanner: BehaviorJsonScanner): boolean {
    if (this.at + scanner.stringBytes > this.bytes.length) return false;
    const { columns, bytes } = this;
    columns.packed[index] = PACKED_ASCII;
    columns.types[index] = scanner.type;
    const numbers = index * NUMBERS;
    columns.numbers[numbers] = scanner.time;
    columns.numbers[numbers + 1] = scanner.quantity;
    columns.numbers[numbers + 2] = scanner.price;
    const lengths = index * STRINGS;
    const { start, end } = scanner;
    let at = this.at;
    for (let k = 0; k < STRINGS; k++) {
      const from = start[k];
      if (from < 0) {
        columns.stringLengths[lengths + k] = -1;
        continue;
      }
      // ASCII: the bytes are the UTF-8 as they are; strings are short, a loop beats a copy call.
      const to = end[k];
      for (let j = from; j < to; j++) bytes[at++] = json[j];
      columns.stringLengths[lengths + k] = to - from;
    }
    this.at = at;
    return true;
  }

  private exactBytes(event: BehaviorEvent): number {
    let bytes = 0;
    for (const field of STRING_FIELDS) {
      const text = event[field];
      if (text !== undefined) bytes += Buffer.byteLength(text);
    }
    return bytes;
  }

  finish(): PackedEvents {
    return this.columns;
  }
}

/** String.prototype.isWellFormed is in Node 20; TypeScript declares it from lib ES2024 on. */
interface WellFormedString {
  isWellFormed(): boolean;
}

function fitsColumns(event: BehaviorEvent): boolean {
  for (const key in event) if (!PACKED_FIELDS.has(key)) return false;
  return true;
}

/** The buffers to transfer with the columns. */
export function eventColumnBuffers(columns: PackedEvents): ArrayBuffer[] {
  return [columns.packed, columns.types, columns.numbers, columns.strings, columns.stringLengths].map(
    (array) => array.buffer as ArrayBuffer,
  );
}

/** Reads the columns back in record order: `next(index)` gives record `index`'s event, or undefined. */
export class EventUnpacker {
  private readonly bytes: Buffer;
  private at = 0;
  /**
   * An ASCII event's strings, one after the other, from byte `lineStart`: its short fields are cut
   * from it, one native call per event rather than one per field.
   */
  private line: string | undefined;
  private lineStart = 0;

  constructor(private readonly columns: PackedEvents) {
    this.bytes = Buffer.from(columns.strings.buffer, columns.strings.byteOffset, columns.strings.byteLength);
  }

  /** Call once per record, in order. */
  next(index: number): BehaviorEvent | undefined {
    const { columns } = this;
    const packed = columns.packed[index];
    if (packed === NOT_PACKED) return undefined;
    const s = index * STRINGS;
    const n = index * NUMBERS;
    if (packed === PACKED_ASCII) {
      let bytes = 0;
      for (let k = 0; k < STRINGS; k++) bytes += Math.max(0, columns.stringLengths[s + k]);
      this.line = this.bytes.toString('latin1', this.at, this.at + bytes);
      this.lineStart = this.at;
    } else {
      this.line = undefined;
    }
    // Fields in validateEvent's order, so these events share the hidden classes of decoded ones.
    const event: BehaviorEvent = {
      kind: 'behavior',
      id: this.text(columns.stringLengths[s])!,
      time: columns.numbers[n],
      type: BEHAVIOR_TYPES[columns.types[index]],
      userId: this.text(columns.stringLengths[s + 1])!,
    };
    const itemId = this.text(columns.stringLengths[s + 2]);
    if (itemId !== undefined) event.itemId = itemId;
    const categoryId = this.text(columns.stringLengths[s + 3]);
    if (categoryId !== undefined) event.categoryId = categoryId;
    const quantity = columns.numbers[n + 1];
    if (!Number.isNaN(quantity)) event.quantity = quantity;
    const price = columns.numbers[n + 2];
    if (!Number.isNaN(price)) event.price = price;
    const query = this.text(columns.stringLengths[s + 4]);
    if (query !== undefined) event.query = query;
    const orderId = this.text(columns.stringLengths[s + 5]);
    if (orderId !== undefined) event.orderId = orderId;
    const status = this.text(columns.stringLengths[s + 6]);
    if (status !== undefined) event.status = status as BehaviorEvent['status'];
    return event;
  }

  private text(length: number): string | undefined {
    if (length < 0) return undefined;
    const start = this.at;
    this.at += length;
    if (this.line === undefined) return this.bytes.toString('utf8', start, this.at);
    // V8 makes a substring of SLICED_MIN characters or more a view into its parent, slower to read
    // (the dedupe hashes every id) and holding the parent: those are decoded on their own.
    if (length >= SLICED_MIN) return this.bytes.toString('latin1', start, this.at);
    return this.line.substring(start - this.lineStart, this.at - this.lineStart);
  }
}
