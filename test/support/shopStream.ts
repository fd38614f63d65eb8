// The shop fixture (shopFixture.ts) as a Kafka input stream: each event keyed by its user id,
// with three invalid records mixed in; a producer helper; and the configuration under which the
// fixture's abandoned-cart model predicts every notification.

import { envVarName } from '../../src/config/envVarName.js';
import { loadConfig } from '../../src/config/loadConfig.js';
import type { KafkaProducer } from '../../src/kafka/kafkaClient.js';
import { shopFixture, type ShopFixture } from './shopFixture.js';

export interface StreamRecord {
  key: string;
  value: string;
  /** For an invalid record: the field its dead letter must name. */
  invalidField?: string;
}

export interface ShopStream {
  fixture: ShopFixture;
  /** Fixture events in order, with the invalid records inserted. */
  records: StreamRecord[];
  /** Start of event time: a day ago, so no event is in the future for a live source. */
  start: number;
}

/**
 * `events` fixture events, plus (after the 10th, the middle and the 10th-to-last event) a record
 * that is not JSON, one without a userId and one with a negative price.
 */
export function shopStream(events: number, now = Date.now()): ShopStream {
  const start = Math.floor((now - 86_400_000) / 1000) * 1000;
  const fixture = shopFixture(events, start);
  const at = (i: number) => start + i * 1000;
  const invalid: Array<[number, StreamRecord]> = [
    [10, { key: 'u1', value: '{"kind":"behavior","id":"bad-json","type":"view",', invalidField: 'json' }],
    [
      Math.floor(events / 2),
      { key: 'u2', value: JSON.stringify({ kind: 'behavior', id: 'bad-user', type: 'view', itemId: 'i1', time: at(events / 2) }), invalidField: 'userId' },
    ],
    [
      events - 10,
      {
        key: 'u3',
        value: JSON.stringify({ kind: 'behavior', id: 'bad-price', type: 'add_to_cart', userId: 'u3', itemId: 'i2', price: -4.5, time: at(events - 10) }),
        invalidField: 'price',
      },
    ],
  ];
  const records: StreamRecord[] = [];
  fixture.lines.forEach((line, i) => {
    records.push({ key: (JSON.parse(line) as { userId: string }).userId, value: line });
    for (const [after, record] of invalid) if (after === i) records.push(record);
  });
  return { fixture, records, start };
}

/**
 * Sends records in order (acks=all), `chunk` per request. On a fresh one-partition topic the
 * record at index i of everything sent lands at offset i.
 */
export async function produceRecords(producer: KafkaProducer, topic: string, records: StreamRecord[], chunk = 1000): Promise<void> {
  for (let from = 0; from < records.length; from += chunk) {
    await producer.send({ topic, acks: -1, messages: records.slice(from, from + chunk).map(({ key, value }) => ({ key, value })) });
  }
}

/**
 * Environment overrides under which the fixture's model is the whole truth: the abandoned-cart
 * trigger decides alone. Every other trigger the defaults enable, and the send-time policy (quiet
 * hours, caps) when there is one, are switched off; read from the defaults at test time, so the
 * tests keep their meaning as pushflow grows triggers.
 */
export function abandonedCartOnlyEnv(): Record<string, string> {
  const config = loadConfig({ env: {} }) as unknown as Record<string, unknown>;
  const env: Record<string, string> = {};
  const switchOff = (path: string[], section: unknown) => {
    if (typeof section === 'object' && section !== null && (section as { enabled?: unknown }).enabled === true) {
      env[envVarName([...path, 'enabled'])] = 'false';
    }
  };
  for (const [name, trigger] of Object.entries((config.triggers ?? {}) as Record<string, unknown>)) {
    if (name !== 'abandonedCart') switchOff(['triggers', name], trigger);
  }
  switchOff(['policy'], config.policy);
  return env;
}
