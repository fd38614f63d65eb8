// The fetch thread's JSON fast path accepts only records that JSON.parse and validateEvent accept,
// and packs the very event they make; the plain records producers send do take it.

import { describe, expect, it } from 'vitest';
import { decodeOptionsFor, recordDecoder } from '../../src/events/decode.js';
import { BehaviorJsonScanner } from '../../src/sources/behaviorJsonScanner.js';
import { EventPacker, EventUnpacker } from '../../src/sources/packedEvents.js';

const limits = decodeOptionsFor({ maxPayloadBytes: 4_096, maxFutureSkewMinutes: 60 }, true);
const decode = recordDecoder('json', limits);
const now = Date.UTC(2026, 10, 29);
const T = Date.UTC(2026, 10, 28, 12);

/** What the fast path makes of `text`: the unpacked event, or undefined when it declines. */
function scanned(text: string): unknown {
  const json = Buffer.from(text, 'utf8');
  const scanner = new BehaviorJsonScanner();
  if (!scanner.scan(json, now, limits)) return undefined;
  const packer = new EventPacker(1, json.length);
  expect(packer.addScanned(0, json, scanner)).toBe(true);
  return new EventUnpacker(packer.finish()).next(0);
}

/** Accepted by the fast path only when the slow path makes the same event. */
function expectAgreement(text: string): boolean {
  const fast = scanned(text);
  if (fast === undefined) return false;
  const slow = decode({ raw: text, offset: '0' }, now);
  expect(slow, text).toEqual({ ok: true, event: fast });
  // Same fields in the same order: the events share hidden classes whichever path made them.
  if (slow.ok) expect(Object.keys(fast as object), text).toEqual(Object.keys(slow.event));
  return true;
}

const plain = [
  { kind: 'behavior', id: 'tb:1:2:pv:1511539200', time: T, type: 'view', userId: '1', itemId: '2', categoryId: '3' },
  { kind: 'behavior', id: 'e2', time: T + 0.75, type: 'add_to_cart', userId: 'u1', itemId: 'i1', quantity: 2, price: 19.9 },
  { kind: 'behavior', id: 'e3', time: T, type: 'search', userId: 'u', query: '' },
  { kind: 'behavior', id: 'e4', time: T, type: 'search', userId: 'u', query: 'red shoes, size 42 (EU)' },
  { kind: 'behavior', id: 'e5', time: T, type: 'order_status', userId: 'u2', orderId: 'o9', status: 'shipped' },
  { kind: 'behavior', id: 'e6', time: T, type: 'purchase', userId: 'u2', orderId: 'o9', quantity: 0, price: 1e9, status: 'paid' },
  { userId: 'u3', type: 'remove_from_cart', itemId: 'i', id: 'e7', time: T, kind: 'behavior', extra: 'dropped', more: -1.5e-3 },
  { kind: 'behavior', id: 'x'.repeat(256), time: T, type: 'favorite', userId: 'u', itemId: 'i', query: 'q'.repeat(2_000) },
  { kind: 'behavior', id: 'e8', time: now + 3_600_000, type: 'purchase', userId: 'u' },
  { kind: 'behavior', id: 'e9', time: Date.UTC(1990, 0, 1), type: 'purchase', userId: 'u', price: 0.1 },
].map((event) => JSON.stringify(event));

describe('BehaviorJsonScanner', () => {
  it('reads the plain records producers send, as validation does', () => {
    for (const text of plain) expect(expectAgreement(text), text).toBe(true);
    expect(expectAgreement(` \n{ "kind" : "behavior",\t"id":"a", "time": ${T}, "type":"purchase", "userId":"u" }\r\n`)).toBe(true);
  });

  it('declines what validation refuses, and what it would read differently', () => {
    const declined = [
      '',
      '{}',
      '[]',
      'null',
      `{"kind":"behavior","id":"a","time":${T},"type":"view","userId":"u"}`, // view without itemId
      `{"kind":"behavior","id":"a","time":${T},"type":"search","userId":"u"}`, // search without query
      `{"kind":"behavior","id":"a","time":${T},"type":"order_status","userId":"u","orderId":"o"}`,
      `{"kind":"behavior","id":"a","time":${T},"type":"purchase","userId":"u","status":"lost"}`,
      `{"kind":"behavior","id":"","time":${T},"type":"purchase","userId":"u"}`,
      `{"kind":"behavior","id":"${'x'.repeat(257)}","time":${T},"type":"purchase","userId":"u"}`,
      `{"kind":"behavior","id":"a","time":${T},"type":"search","userId":"u","query":"${'q'.repeat(2_001)}"}`,
      `{"kind":"behavior","id":"a","time":${now + 3_600_001},"type":"purchase","userId":"u"}`,
      `{"kind":"behavior","id":"a","time":${Date.UTC(1989, 11, 31)},"type":"purchase","userId":"u"}`,
      `{"kind":"behavior","id":"a","time":1e400,"type":"purchase","userId":"u"}`,
      `{"kind":"behavior","id":"a","time":${T},"type":"purchase","userId":"u","quantity":-1}`,
      `{"kind":"behavior","id":"a","time":${T},"type":"purchase","userId":"u","quantity":1000001}`,
      `{"kind":"behavior","id":"a","time":${T},"type":"purchase","userId":"u","price":1000000001}`,
      `{"kind":"behavior","id":"a","time":${T},"type":"purchase","userId":"u","price":"3"}`,
      `{"kind":"behavior","id":"a","time":${T},"type":"purchase","userId":"u","price":null}`,
      `{"kind":"catalog","id":"a","time":${T},"itemId":"i"}`,
      `{"kind":"behavior","id":"a","time":${T},"type":"bought","userId":"u"}`,
      // Valid, but read differently or not in the plain shape: the slow path takes them.
      `{"kind":"behavior","id":7,"time":${T},"type":"purchase","userId":"u"}`,
      `{"kind":"behavior","id":"a","time":"${new Date(T).toISOString()}","type":"purchase","userId":"u"}`,
      `{"kind":"behavior","id":"a","id":"b","time":${T},"type":"purchase","userId":"u"}`,
      `{"kind":"behavior","id":"a\\u0062","time":${T},"type":"purchase","userId":"u"}`,
      `{"kind":"behavior","id":"é","time":${T},"type":"purchase","userId":"u"}`,
      `{"kind":"behavior","id":"a","time":${T},"type":"purchase","userId":"u","itemId":null}`,
      `{"kind":"behavior","id":"a","time":${T},"type":"purchase","userId":"u","extra":{"x":1}}`,
      `{"kind":"behavior","id":"a","time":${T},"type":"purchase","userId":"u","extra":true}`,
      // Not JSON at all.
      `{"kind":"behavior","id":"a","time":0${T},"type":"purchase","userId":"u"}`,
      `{"kind":"behavior","id":"a","time":${T}.,"type":"purchase","userId":"u"}`,
      `{"kind":"behavior","id":"a","time":${T},"type":"purchase","userId":"u",}`,
      `{"kind":"behavior","id":"a","time":${T},"type":"purchase","userId":"u"} x`,
      `{"kind":"behavior","id":"a","time":${T},"type":"purchase","userId":"u"`,
      `{"kind":"behavior","id":"a"\u000b,"time":${T},"type":"purchase","userId":"u"}`,
    ];
    for (const text of declined) expect(scanned(text), text).toBeUndefined();
  });

  it('declines a record over the payload limit', () => {
    const text = JSON.stringify({ kind: 'behavior', id: 'a', time: T, type: 'search', userId: 'u', query: 'q'.repeat(2_000), pad: 'p'.repeat(2_100) });
    expect(text.length).toBeGreaterThan(limits.maxPayloadBytes);
    expect(scanned(text)).toBeUndefined();
  });

  it('never accepts a mutated record that the slow path reads otherwise', () => {
    // A fixed-seed generator: random edits of plain records with the characters JSON turns on.
    let seed = 42;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const alphabet = ['"', '\\', ',', ':', '{', '}', '[', ']', ' ', '0', '1', '9', '-', '+', '.', 'e', 'E', 'n', 'u', 'l', 'é', '\n', '\u0001', 'a'];
    let accepted = 0;
    for (let round = 0; round < 20_000; round++) {
      let text = plain[Math.floor(random() * plain.length)];
      for (let edits = 1 + Math.floor(random() * 3); edits > 0; edits--) {
        const at = Math.floor(random() * (text.length + 1));
        const char = alphabet[Math.floor(random() * alphabet.length)];
        const op = random();
        text = op < 0.4 ? text.slice(0, at) + char + text.slice(at) : op < 0.7 ? text.slice(0, at) + text.slice(at + 1) : text.slice(0, at) + char + text.slice(at + 1);
      }
      if (expectAgreement(text)) accepted++;
    }
    // Many edits land in ids and numbers and leave a valid plain record: the comparison has teeth.
    expect(accepted).toBeGreaterThan(1_000);
  });
});
