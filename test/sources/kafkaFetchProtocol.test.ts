// The packed form a fetched Kafka batch crosses threads in: every value, key, offset and timestamp
// comes back as it was, and the floor drops the records handled already.

import { describe, expect, it } from 'vitest';
import { decodeOptionsFor, recordDecoder } from '../../src/events/decode.js';
import type { KafkaReceivedMessage } from '../../src/kafka/kafkaClient.js';
import { packBatch, transferList, unpackRecords } from '../../src/sources/kafkaFetchProtocol.js';

function message(offset: number, value: string | null, key: string | null, timestamp: number): KafkaReceivedMessage {
  return {
    offset: String(offset),
    value: value === null ? null : Buffer.from(value, 'utf8'),
    key: key === null ? null : Buffer.from(key, 'utf8'),
    timestamp: String(timestamp),
    attributes: 0,
    size: 0,
    headers: {},
  } as KafkaReceivedMessage;
}

describe('Kafka fetch protocol', () => {
  const messages = [
    message(40, '{"id":"a","text":"héllo 购物车"}', 'user-1', 1_700_000_000_000),
    message(41, null, null, 1_700_000_000_001),
    message(42, '', '', 1_700_000_000_002),
    message(43, 'not json, kept whole', 'user-2', 1_700_000_000_003),
  ];

  it('gives back each record as the consumer received it', () => {
    const packed = packBatch(2, '44', messages);
    expect(packed.partition).toBe(2);
    const records = unpackRecords(packed, undefined).map(({ raw, offset, receivedAt, key, event }) => ({ raw, offset, receivedAt, key, event }));
    expect(records).toStrictEqual([
      { raw: '{"id":"a","text":"héllo 购物车"}', offset: '40', receivedAt: 1_700_000_000_000, key: 'user-1', event: undefined },
      { raw: '', offset: '41', receivedAt: 1_700_000_000_001, key: undefined, event: undefined },
      { raw: '', offset: '42', receivedAt: 1_700_000_000_002, key: '', event: undefined },
      { raw: 'not json, kept whole', offset: '43', receivedAt: 1_700_000_000_003, key: 'user-2', event: undefined },
    ]);
  });

  it('drops the records below the floor and keeps the keys and values of the rest aligned', () => {
    const records = unpackRecords(packBatch(0, '44', messages), 42);
    expect(records.map((r) => [r.offset, r.key, r.raw])).toEqual([
      ['42', '', ''],
      ['43', 'user-2', 'not json, kept whole'],
    ]);
  });

  it('transfers six distinct buffers, none of them shared memory', () => {
    const buffers = transferList(packBatch(0, '44', messages));
    expect(new Set(buffers).size).toBe(6);
    for (const buffer of buffers) expect(buffer).toBeInstanceOf(ArrayBuffer);
  });
});

describe('Kafka fetch protocol, records decoded on the fetch thread', () => {
  const limits = decodeOptionsFor({ maxPayloadBytes: 65_536, maxFutureSkewMinutes: 60 }, true);
  const decoding = { decoder: recordDecoder('json', limits), limits, now: Date.UTC(2026, 10, 29) };
  const T = Date.UTC(2026, 10, 28, 12);
  const texts = [
    { kind: 'behavior', id: 'e1', time: T, type: 'view', userId: 'u1', itemId: 'i1', categoryId: 'c1' },
    { kind: 'behavior', id: 'e2', time: new Date(T + 1).toISOString(), type: 'add_to_cart', userId: 'u1', itemId: 'i1', quantity: 2, price: 19.9, extra: 'dropped' },
    { kind: 'behavior', id: 'e3', time: T + 2, type: 'search', userId: '用户', query: 'chaussures été 🥾' },
    { kind: 'behavior', id: 'e4', time: T + 3, type: 'order_status', userId: 'u2', orderId: 'o9', status: 'shipped' },
    { kind: 'catalog', id: 'e5', time: T + 4, itemId: 'i1', price: 10 },
    'not json',
    { kind: 'behavior', id: 'e7', time: T + 5, type: 'view', userId: 'u3' },
    { kind: 'behavior', id: 'lone \ud800 surrogate', time: T + 6, type: 'purchase', userId: 'u4' },
  ].map((value) => (typeof value === 'string' ? value : JSON.stringify(value)));
  const messages = texts.map((text, i) => message(100 + i, text, `k${i}`, T + i));

  it('hands behaviour events over as the events validation makes of their text, and the rest as text', () => {
    const records = unpackRecords(packBatch(1, '108', messages, decoding), undefined);
    expect(records.map((r) => r.offset)).toEqual(texts.map((_, i) => String(100 + i)));
    records.forEach((record, i) => {
      expect(record.key).toBe(`k${i}`);
      const expected = recordDecoder('json', limits)({ raw: texts[i], offset: record.offset }, decoding.now);
      if (record.event !== undefined) {
        expect(record.raw).toBe('');
        expect(expected).toEqual({ ok: true, event: record.event });
      } else {
        expect(record.raw).toBe(texts[i]);
      }
    });
    // Behaviour events go in columns; catalog events, invalid records (e7 lacks its itemId) and
    // ids that UTF-8 cannot carry travel as text.
    expect(records.map((r) => r.event !== undefined)).toEqual([true, true, true, true, false, false, false, false]);
  });

  it('keeps the columns aligned when the floor drops records', () => {
    const records = unpackRecords(packBatch(1, '108', messages, decoding), 102);
    expect(records[0].event?.id).toBe('e3');
    expect(records[1].event?.id).toBe('e4');
    expect(records[2].raw).toBe(texts[4]);
  });

  it('packs events whose strings are nearly all of their text (the room is measured exactly near its end)', () => {
    const long = (i: number) => JSON.stringify({ kind: 'behavior', id: `s${i}`, time: T, type: 'search', userId: 'u', query: 'q'.repeat(1_000) });
    const batch = [0, 1, 2].map((i) => message(i, long(i), null, T));
    const records = unpackRecords(packBatch(0, '3', batch, decoding), undefined);
    expect(records.map((r) => r.event?.kind === 'behavior' && r.event.query?.length)).toEqual([1_000, 1_000, 1_000]);
  });
});
