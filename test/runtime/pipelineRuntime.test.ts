import { afterEach, describe, expect, it } from 'vitest';
import { map, tap } from 'rxjs';
import { PipelineTestDriver } from '../../src/runtime/pipelineTestDriver.js';
import { definePipeline } from '../../src/runtime/pipeline.js';
import { ofBehavior } from '../../operators/ofBehavior.js';

const T0 = Date.UTC(2026, 10, 1, 12);
let seq = 0;
const view = (userId: string, time: number, id = `v${seq++}`) => ({ kind: 'behavior', type: 'view', id, userId, itemId: 'i', time });

/** Emits a candidate per purchase; throws on the item "boom". */
const echoPurchases = definePipeline({
  name: 'echo',
  build: (events$) =>
    events$.pipe(
      ofBehavior('purchase'),
      tap((event) => {
        if (event.itemId === 'boom') throw new Error('cannot handle boom');
      }),
      map((event) => ({
        type: 'abandoned_cart',
        priority: 'transactional' as const,
        userId: event.userId,
        dedupeKey: `echo:${event.orderId ?? event.id}`,
        time: event.time,
        payload: { itemId: event.itemId },
      })),
    ),
});
const purchase = (itemId: string, time: number, orderId?: string) => ({
  kind: 'behavior',
  type: 'purchase',
  id: `p${seq++}`,
  userId: 'u1',
  itemId,
  time,
  ...(orderId ? { orderId } : {}),
});

describe('pipeline runtime', () => {
  let driver: PipelineTestDriver;
  afterEach(async () => driver?.close());

  it('dead-letters invalid records with the raw text and a reason naming the field, and goes on', () => {
    driver = new PipelineTestDriver({ pipelines: [echoPurchases] });
    const summary = driver.pipeRaw(
      [
        '{"kind":"behavior"',
        JSON.stringify({ kind: 'behavior', id: 'a', type: 'view', itemId: 'i', time: T0 }),
        JSON.stringify({ kind: 'behavior', id: 'b', type: 'view', userId: 'u', itemId: 'i', time: 'yesterday' }),
        JSON.stringify({ kind: 'catalog', id: 'c', itemId: 'i', price: -5, time: T0 }),
        JSON.stringify({ ...purchase('ok', T0) }),
      ],
      'json',
    );
    expect(summary).toMatchObject({ events: 5, valid: 1, invalid: 4 });
    const letters = driver.deadLetters();
    expect(letters.map((l) => l.field)).toEqual(['json', 'userId', 'time', 'price']);
    expect(letters[0].raw).toBe('{"kind":"behavior"');
    expect(letters[1].reason).toBe('userId: missing');
    expect(letters[3].reason).toContain('price: -5 is outside');
    expect(letters.every((l) => l.source === 'test' && l.offset !== undefined)).toBe(true);
    expect(driver.notifications()).toHaveLength(1);
  });

  it('dead-letters oversized payloads unparsed', () => {
    driver = new PipelineTestDriver({ pipelines: [], config: { events: { maxPayloadBytes: 100 } } });
    driver.pipeRaw([JSON.stringify({ kind: 'user', id: 'x', userId: 'u', time: T0, locale: 'en-US', pad: 'x'.repeat(200) })], 'json');
    expect(driver.deadLetters()[0]).toMatchObject({ field: 'payload' });
  });

  for (const dedupeIndex of ['memory', 'lmdb'] as const) {
    it(`drops a repeated event id once, across batches and restarts, and counts it (dedupe index: ${dedupeIndex})`, async () => {
      driver = new PipelineTestDriver({ pipelines: [echoPurchases], config: { events: { dedupeIndex } } });
      const event = purchase('i1', T0);
      expect(driver.pipe([event, event]).duplicates).toBe(1);
      await driver.restart();
      const summary = driver.pipe([event]);
      expect(summary).toMatchObject({ valid: 0, duplicates: 1 });
      expect(driver.notifications()).toHaveLength(1);
    });

    it(`forgets event ids after the TTL has passed in event time (dedupe index: ${dedupeIndex})`, () => {
      driver = new PipelineTestDriver({ pipelines: [], config: { events: { dedupeTtlHours: 1, dedupeIndex }, time: { maxOutOfOrdernessMs: 0 } } });
      const old = view('u', T0);
      driver.pipe([old]);
      driver.pipe([view('u', T0 + 3 * 3_600_000)]);
      expect(driver.pipe([old]).duplicates).toBe(0);
    });
  }

  it('counts events behind the watermark as late, still processing them', () => {
    driver = new PipelineTestDriver({ pipelines: [echoPurchases], config: { time: { maxOutOfOrdernessMs: 1000 } } });
    const summary = driver.pipe([view('u', T0 + 10_000), view('u', T0 + 9_500), purchase('i', T0 + 5_000)]);
    expect(summary.late).toBe(1);
    expect(driver.watermark()).toBe(T0 + 9_000);
    expect(driver.notifications()).toHaveLength(1);
  });

  it('never queues the same notification twice (same dedupe key)', () => {
    driver = new PipelineTestDriver({ pipelines: [echoPurchases] });
    driver.pipe([purchase('i', T0, 'order-1'), purchase('i', T0, 'order-1')]);
    const summary = driver.pipe([purchase('i', T0, 'order-1')]);
    expect(driver.notifications()).toHaveLength(1);
    expect(summary.suppressed.get('duplicate')).toBe(1);
  });

  it('dead-letters the event a pipeline throws on, rebuilds the pipeline and keeps going', () => {
    driver = new PipelineTestDriver({ pipelines: [echoPurchases] });
    const summary = driver.pipe([purchase('a', T0), purchase('boom', T0 + 1), purchase('b', T0 + 2)]);
    expect(summary.valid).toBe(3);
    expect(driver.deadLetters()).toMatchObject([{ field: 'pipeline.echo', reason: 'pipeline.echo: cannot handle boom' }]);
    expect(driver.notifications().map((n) => n.payload.itemId)).toEqual(['a', 'b']);
  });

  it('commits the batch offset with its effects', () => {
    driver = new PipelineTestDriver({ pipelines: [echoPurchases] });
    driver.pipe([purchase('a', T0), purchase('b', T0)]);
    expect(driver.committedOffset()).toBe('2');
  });

  it('rolls back the whole batch when it cannot commit', () => {
    driver = new PipelineTestDriver({ pipelines: [echoPurchases] });
    // The fault on purpose: the last write of the batch (its offset) fails, after the pipeline
    // queued a notification and the dedupe set took the event.
    driver.runtime.offsets.set = () => {
      throw new Error('disk full');
    };
    const event = purchase('a', T0);
    expect(() => driver.pipe([event])).toThrow(/disk full/);
    expect(driver.notifications()).toHaveLength(0);
    expect(driver.runtime.dedupe.addIfAbsent(event.id, event.time)).toBe(true);
  });
});
