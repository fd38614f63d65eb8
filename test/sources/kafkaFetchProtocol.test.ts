// The packed form a fetched Kafka batch crosses threads in: every value, key, offset and timestamp
// comes back as it was, and the floor drops the records handled already.

import { describe, expect, it } from 'vitest';
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
    expect(unpackRecords(packed, undefined)).toEqual([
      { raw: '{"id":"a","text":"héllo 购物车"}', offset: '40', receivedAt: 1_700_000_000_000, key: 'user-1' },
      { raw: '', offset: '41', receivedAt: 1_700_000_000_001 },
      { raw: '', offset: '42', receivedAt: 1_700_000_000_002, key: '' },
      { raw: 'not json, kept whole', offset: '43', receivedAt: 1_700_000_000_003, key: 'user-2' },
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
