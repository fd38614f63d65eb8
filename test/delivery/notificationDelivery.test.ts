// The delivery loop over a real outbox (LMDB) and scripted sinks: retries with backoff, dead
// letters after N attempts, permanent failures with a fallback receipt, the circuit breaker,
// routing per channel, and attempts that survive a restart.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotificationDelivery, type NotificationDeadLetter, type NotificationDeliveryOptions } from '../../src/delivery/notificationDelivery.js';
import { SinkRouter } from '../../src/delivery/sinkRouter.js';
import { CircuitBreaker } from '../../src/delivery/circuitBreaker.js';
import { backoffDelay } from '../../src/delivery/retryBackoff.js';
import type { ItemResult, Notification, PerItemSink, Sink } from '../../src/sinks/sink.js';
import { DeliveryAttempts } from '../../state/deliveryAttempts.js';
import { DeliveryReceipts } from '../../state/deliveryReceipts.js';
import { Outbox } from '../../state/outbox.js';
import { StateStore } from '../../state/stateStore.js';

const notification = (id: string, channel: Notification['channel'] = 'push'): Notification => ({
  id, userId: `user-${id}`, type: 'abandoned_cart', priority: 'marketing', channel, locale: 'en-US', title: 't', body: 'b',
  decidedAt: 1, ingestedAt: 1, payload: { itemId: 'i' }, dedupeKey: `key-${id}`, candidateTime: 1,
});

/** A per-item sink that answers from a script: a function of the notification and its attempt number. */
class ScriptedSink implements PerItemSink<Notification> {
  readonly received: string[] = [];
  readonly calls: number[] = [];
  private readonly attempts = new Map<string, number>();
  constructor(readonly name: string, private readonly script: (n: Notification, attempt: number) => ItemResult) {}
  async sendEach(items: Notification[]): Promise<ItemResult[]> {
    this.calls.push(items.length);
    return items.map((item) => {
      const attempt = (this.attempts.get(item.id) ?? 0) + 1;
      this.attempts.set(item.id, attempt);
      const result = this.script(item, attempt);
      if (result.ok) this.received.push(item.id);
      return result;
    });
  }
  async send(items: Notification[]): Promise<void> {
    await this.sendEach(items);
  }
  async close(): Promise<void> {}
}

class MemorySink<T> implements Sink<T> {
  readonly name = 'memory';
  readonly items: T[] = [];
  async send(items: T[]): Promise<void> {
    this.items.push(...items);
  }
  async close(): Promise<void> {}
}

const OPTIONS: NotificationDeliveryOptions = {
  batchSize: 10, scanWindow: 100, maxAttempts: 4, initialBackoffMs: 5, maxBackoffMs: 20, breakerFailures: 3, breakerOpenMs: 30, random: () => 1,
};

describe('notification delivery', () => {
  let dir: string;
  let store: StateStore;
  let outbox: Outbox<Notification>;
  let receipts: DeliveryReceipts;
  let dlq: MemorySink<NotificationDeadLetter>;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pushflow-delivery-'));
    store = new StateStore({ path: dir, flushEachCommit: false });
    outbox = new Outbox<Notification>(store, 'outbox:notifications');
    receipts = new DeliveryReceipts(store);
    dlq = new MemorySink();
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const enqueue = (...items: Notification[]) => {
    store.transaction(() => items.forEach((item) => outbox.add(item)));
    outbox.committed();
  };
  const delivery = (router: SinkRouter, options: Partial<NotificationDeliveryOptions> = {}) =>
    new NotificationDelivery(outbox, router, { receipts, attempts: new DeliveryAttempts(store) }, dlq, { ...OPTIONS, ...options });
  const takeReceipts = () => store.transaction(() => receipts.take(1000));

  it('retries transient failures with backoff until they succeed, and receipts each as sent', async () => {
    const sink = new ScriptedSink('webhook', (_, attempt) => (attempt < 3 ? { ok: false, permanent: false, error: 'http_503' } : { ok: true }));
    enqueue(notification('a'), notification('b'));
    const retried: number[] = [];
    await delivery(new SinkRouter(sink), { onRetry: (_, n) => retried.push(n) }).drain(true);
    expect(sink.received.sort()).toEqual(['a', 'b']);
    expect(outbox.depth()).toBe(0);
    expect(retried).toEqual([2, 2]);
    expect(takeReceipts().map((r) => [r.notificationId, r.outcome, r.attempts])).toEqual([['a', 'sent', 3], ['b', 'sent', 3]]);
  });

  it('dead-letters after maxAttempts transient failures', async () => {
    const sink = new ScriptedSink('webhook', () => ({ ok: false, permanent: false, error: 'timeout' }));
    enqueue(notification('a'));
    await delivery(new SinkRouter(sink), { breakerFailures: 100 }).drain(true);
    expect(sink.calls.length).toBe(4);
    expect(dlq.items).toEqual([expect.objectContaining({ outcome: 'dead_lettered', error: 'timeout', attempts: 4, sink: 'webhook' })]);
    expect(takeReceipts().map((r) => r.outcome)).toEqual(['dead_lettered']);
    expect(outbox.depth()).toBe(0);
  });

  it('records a permanent failure at once, with what a fallback on the next channel needs', async () => {
    const sink = new ScriptedSink('push_fcm', (n) => (n.id === 'bad' ? { ok: false, permanent: true, error: 'http_404' } : { ok: true }));
    enqueue(notification('bad'), notification('good'));
    await delivery(new SinkRouter(sink)).drain(true);
    expect(sink.calls).toEqual([2]);
    const [failed, sent] = takeReceipts();
    expect(failed).toMatchObject({ notificationId: 'bad', outcome: 'failed', error: 'http_404', retry: { dedupeKey: 'key-bad', excludedChannels: ['push'] } });
    expect(sent).toMatchObject({ notificationId: 'good', outcome: 'sent' });
    expect(dlq.items.map((d) => d.outcome)).toEqual(['failed']);
  });

  it('routes each channel to its sink; a failing sink does not hold the others back', async () => {
    const webhook = new ScriptedSink('webhook', () => ({ ok: false, permanent: false, error: 'http_500' }));
    const smtp = new ScriptedSink('smtp', () => ({ ok: true }));
    enqueue(notification('p1'), notification('e1', 'email'), notification('p2'), notification('e2', 'email'));
    const d = delivery(new SinkRouter(webhook, { email: smtp }));
    await d.deliverOnce();
    expect(smtp.received).toEqual(['e1', 'e2']);
    expect(outbox.peek(10).map((e) => e.value.id)).toEqual(['p1', 'p2']);
  });

  it('opens the breaker after consecutive failed sends, spends no attempts while open, probes one, closes on success', async () => {
    let healthy = false;
    const sink = new ScriptedSink('webhook', () => (healthy ? { ok: true } : { ok: false, permanent: false, error: 'http_500' }));
    const states: string[] = [];
    enqueue(...['a', 'b', 'c'].map((id) => notification(id)));
    let now = 0;
    const d = delivery(new SinkRouter(sink), { now: () => now, random: () => 0, maxAttempts: 100, onBreaker: (_, s) => states.push(s) });
    for (let i = 0; i < 3; i++) await d.deliverOnce();
    expect(d.breakerState('webhook')).toBe('open');
    const callsWhenOpened = sink.calls.length;
    const round = await d.deliverOnce();
    expect(round).toMatchObject({ attempted: 0, nextAttemptAt: 30 });
    expect(sink.calls.length).toBe(callsWhenOpened);
    healthy = true;
    now = 30;
    await d.deliverOnce();
    expect(sink.calls.at(-1)).toBe(1); // the probe carries one notification
    expect(d.breakerState('webhook')).toBe('closed');
    await d.drain(true);
    expect(sink.received.sort()).toEqual(['a', 'b', 'c']);
    expect(states).toEqual(['open', 'half_open', 'closed']);
  });

  it('keeps attempts across a restart, so dead-lettering still happens after N in total', async () => {
    const failing = new ScriptedSink('webhook', () => ({ ok: false, permanent: false, error: 'http_500' }));
    enqueue(notification('a'));
    let now = 0;
    const first = delivery(new SinkRouter(failing), { now: () => now, breakerFailures: 100 });
    await first.deliverOnce();
    now = 100;
    await first.deliverOnce();
    // A new loop (a restarted process) reads the two attempts back from LMDB.
    const second = delivery(new SinkRouter(failing), { now: () => now, breakerFailures: 100 });
    now = 200;
    await second.deliverOnce();
    now = 300;
    await second.deliverOnce();
    expect(dlq.items).toEqual([expect.objectContaining({ attempts: 4 })]);
  });

  it('treats a throwing all-or-nothing sink as a transient failure of its batch', async () => {
    let fail = true;
    const sink: Sink<Notification> & { got: string[] } = {
      name: 'jsonl', got: [],
      async send(items) { if (fail) { fail = false; throw new Error('disk full'); } this.got.push(...items.map((i) => i.id)); },
      async close() {},
    };
    enqueue(notification('a'), notification('b'));
    const logs: string[] = [];
    await delivery(new SinkRouter(sink), { log: (m) => logs.push(m) }).drain(true);
    expect(sink.got).toEqual(['a', 'b']);
    expect(logs[0]).toMatch(/sink jsonl failed: disk full/);
  });
});

describe('backoff and breaker', () => {
  it('doubles the ceiling per attempt up to the maximum, with full jitter', () => {
    const options = { initialBackoffMs: 100, maxBackoffMs: 1000 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, options, 0.999999))).toEqual([100, 200, 400, 800, 1000]);
    expect(backoffDelay(3, options, 0.5)).toBe(200);
    expect(backoffDelay(3, options, 0)).toBe(0);
  });

  it('reopens when the half-open probe fails', () => {
    const breaker = new CircuitBreaker('s', 2, 100);
    breaker.failure(0);
    expect(breaker.canAttempt(1)).toBe(true);
    breaker.failure(1);
    expect(breaker.current()).toBe('open');
    expect(breaker.canAttempt(50)).toBe(false);
    expect(breaker.canAttempt(101)).toBe(true);
    breaker.begin();
    expect(breaker.canAttempt(101)).toBe(false); // one probe at a time
    breaker.failure(102);
    expect(breaker.current()).toBe('open');
    expect(breaker.retryAt()).toBe(202);
  });
});
