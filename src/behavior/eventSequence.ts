// A user's recent behaviour as the behaviour model reads it: the last N events (time, type,
// category code), oldest first, behind a header of lifetime counters that the buffer keeps up to
// date as it evicts, so that recency and frequency features stay exact however short the buffer.
// One binary layout serves LMDB (state/behaviorSequenceStore.ts) and the offline evaluator.

import type { BehaviorType } from '../events/types.js';
import { fnv1a } from '../hash/fnv1a.js';

/** The behaviours a sequence records (order status updates are the shop's doing, not the user's). */
export const SEQUENCE_TYPES = ['view', 'add_to_cart', 'remove_from_cart', 'favorite', 'purchase', 'search'] as const;
export type SequenceType = (typeof SEQUENCE_TYPES)[number];
export const TYPE_COUNT = SEQUENCE_TYPES.length;
export const VIEW = 0;
export const ADD_TO_CART = 1;
export const FAVORITE = 3;
export const PURCHASE = 4;

const TYPE_INDEX = new Map<string, number>(SEQUENCE_TYPES.map((type, index) => [type, index]));

/** Index of a behaviour in `SEQUENCE_TYPES`, or -1 for one a sequence does not record. */
export function sequenceTypeIndex(type: BehaviorType): number {
  return TYPE_INDEX.get(type) ?? -1;
}

/** Category code of an event with no known category. */
export const UNKNOWN_CATEGORY = 0;

/**
 * A category id as a 32-bit code (FNV-1a; 0 is reserved for "unknown"). Codes keep every slot the
 * same size; two of a few thousand categories colliding is a one-in-a-million event, and then the
 * model merely sees them as one category.
 */
export function categoryCode(categoryId: string | undefined): number {
  if (categoryId === undefined) return UNKNOWN_CATEGORY;
  return fnv1a(categoryId) || 1;
}

const LAYOUT_VERSION = 1;
const HEADER_BYTES = 96;
const SLOT_BYTES = 12;
const HOUR_S = 3600;
const O_VERSION = 0;
const O_COUNT = 2;
const O_TOTAL = 4;
const O_FIRST = 8;
const O_EVICTED_PURCHASE = 12;
const O_EVICTED_CART = 16;
const O_COUNTS = 20; // u32 x TYPE_COUNT
const O_HOURS = 44; // u16 x 24

/** A decoded sequence. Times are Unix seconds; hours are UTC hours of day. */
export interface EventSequence {
  /** Events ever appended; changes with every event, so it stamps cached scores. */
  total: number;
  /** Time of the earliest event ever appended (0: none). */
  firstTime: number;
  /** Latest purchase / add-to-cart among the events the buffer has evicted (0: none). */
  evictedLastPurchase: number;
  evictedLastCart: number;
  /** Events ever appended, by `SEQUENCE_TYPES` index. */
  countsByType: Uint32Array;
  /** Distinct clock hours the user was active in, by UTC hour of day (lifetime). */
  hourCells: Uint16Array;
  /** Buffered events, oldest first. */
  length: number;
  times: Uint32Array;
  types: Uint8Array;
  categories: Uint32Array;
}

export interface SequenceEvent {
  /** Unix seconds. */
  time: number;
  /** `SEQUENCE_TYPES` index. */
  type: number;
  /** `categoryCode` of the category. */
  category: number;
}

const hourOfDay = (time: number) => Math.floor(time / HOUR_S) % 24;

/**
 * The buffer with `event` added, keeping the last `capacity` events in time order (a late event
 * is inserted where it belongs). Allocates the new value once and copies the kept slots in at most
 * two blocks; `previous` is only read, so it may be LMDB's reused read buffer. This runs once per
 * event inside the batch transaction.
 */
export function appendToSequence(previous: Uint8Array | undefined, event: SequenceEvent, capacity: number): Buffer {
  const oldSlots = previous === undefined ? 0 : Math.min(readU16(previous, O_COUNT), (previous.length - HEADER_BYTES) / SLOT_BYTES);
  const time = event.time >>> 0;
  // Where the event goes among the buffered ones: usually last.
  let position = oldSlots;
  while (position > 0 && readU32(previous!, slotOffset(position - 1)) > time) position--;
  // In the merged order (old slots with the new one at `position`), the first `overflow` fall out.
  const overflow = Math.max(0, oldSlots + 1 - Math.max(1, capacity));
  const next = Buffer.allocUnsafe(HEADER_BYTES + SLOT_BYTES * (oldSlots + 1 - overflow));
  if (previous === undefined) {
    next.fill(0, 0, HEADER_BYTES);
    next[O_VERSION] = LAYOUT_VERSION;
  } else {
    next.set(previous.subarray(0, HEADER_BYTES), 0);
  }
  // Lifetime counters.
  next.writeUInt32LE((next.readUInt32LE(O_TOTAL) + 1) >>> 0, O_TOTAL);
  const first = next.readUInt32LE(O_FIRST);
  if (first === 0 || time < first) next.writeUInt32LE(time, O_FIRST);
  const countAt = O_COUNTS + 4 * event.type;
  next.writeUInt32LE((next.readUInt32LE(countAt) + 1) >>> 0, countAt);
  const stamp = Math.floor(time / HOUR_S);
  const before = position > 0 ? Math.floor(readU32(previous!, slotOffset(position - 1)) / HOUR_S) : -1;
  const after = position < oldSlots ? Math.floor(readU32(previous!, slotOffset(position)) / HOUR_S) : -1;
  if (stamp !== before && stamp !== after) {
    const hourAt = O_HOURS + 2 * hourOfDay(time);
    next.writeUInt16LE(Math.min(0xffff, next.readUInt16LE(hourAt) + 1), hourAt);
  }
  // Evicted slots update the last purchase and cart the buffer no longer shows.
  for (let m = 0; m < overflow; m++) {
    const isNew = m === position;
    const at = slotOffset(m < position ? m : m - 1);
    evict(next, isNew ? time : readU32(previous!, at), isNew ? event.type : previous![at + 8]);
  }
  // Kept slots: old [overflow, position), the new one, old [max(position, overflow - 1), oldSlots).
  let written = 0;
  if (overflow < position) {
    next.set(previous!.subarray(slotOffset(overflow), slotOffset(position)), slotOffset(0));
    written = position - overflow;
  }
  if (position >= overflow) {
    const at = slotOffset(written++);
    next.writeUInt32LE(time, at);
    next.writeUInt32LE(event.category >>> 0, at + 4);
    next.writeUInt32LE(event.type, at + 8);
  }
  const tail = Math.max(position, overflow - 1);
  if (tail < oldSlots) {
    next.set(previous!.subarray(slotOffset(tail), slotOffset(oldSlots)), slotOffset(written));
    written += oldSlots - tail;
  }
  next.writeUInt16LE(written, O_COUNT);
  return next;
}

function evict(header: Buffer, time: number, type: number): void {
  const at = type === PURCHASE ? O_EVICTED_PURCHASE : type === ADD_TO_CART ? O_EVICTED_CART : -1;
  if (at >= 0 && time > header.readUInt32LE(at)) header.writeUInt32LE(time, at);
}

/** Decodes a stored buffer into typed arrays (copies, so the source may be reused). */
export function decodeSequence(buffer: Uint8Array): EventSequence {
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  if (buffer[O_VERSION] !== LAYOUT_VERSION) throw new Error(`behavior sequence: unknown layout version ${buffer[O_VERSION]}`);
  const length = Math.min(view.getUint16(O_COUNT, true), (buffer.length - HEADER_BYTES) / SLOT_BYTES);
  const countsByType = new Uint32Array(TYPE_COUNT);
  for (let t = 0; t < TYPE_COUNT; t++) countsByType[t] = view.getUint32(O_COUNTS + 4 * t, true);
  const hourCells = new Uint16Array(24);
  for (let h = 0; h < 24; h++) hourCells[h] = view.getUint16(O_HOURS + 2 * h, true);
  const times = new Uint32Array(length);
  const types = new Uint8Array(length);
  const categories = new Uint32Array(length);
  for (let i = 0; i < length; i++) {
    const at = slotOffset(i);
    times[i] = view.getUint32(at, true);
    categories[i] = view.getUint32(at + 4, true);
    types[i] = buffer[at + 8];
  }
  return {
    total: view.getUint32(O_TOTAL, true),
    firstTime: view.getUint32(O_FIRST, true),
    evictedLastPurchase: view.getUint32(O_EVICTED_PURCHASE, true),
    evictedLastCart: view.getUint32(O_EVICTED_CART, true),
    countsByType,
    hourCells,
    length,
    times,
    types,
    categories,
  };
}

/** `total` of a stored buffer without decoding it: the stamp that invalidates cached scores. */
export function sequenceStamp(buffer: Uint8Array): number {
  return readU32(buffer, O_TOTAL);
}

/** Builds a sequence from events in memory (the evaluator, tests), appending each in turn. */
export function sequenceOf(events: Iterable<SequenceEvent>, capacity: number): EventSequence | undefined {
  let buffer: Buffer | undefined;
  for (const event of events) buffer = appendToSequence(buffer, event, capacity);
  return buffer === undefined ? undefined : decodeSequence(buffer);
}

function slotOffset(index: number): number {
  return HEADER_BYTES + SLOT_BYTES * index;
}

function readU16(bytes: Uint8Array, at: number): number {
  return bytes[at] | (bytes[at + 1] << 8);
}

function readU32(bytes: Uint8Array, at: number): number {
  return (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0;
}
