import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestScheduler } from 'rxjs/testing';
import { digest, type DigestBucket } from '../../operators/digest.js';
import type { NotificationCandidate } from '../../src/runtime/pipeline.js';
import { StateStore } from '../../state/stateStore.js';
import { TimerStore } from '../../state/timerStore.js';

const drop = (userId: string, itemId: string, time: number): NotificationCandidate => ({
  type: 'price_drop',
  priority: 'marketing',
  userId,
  dedupeKey: `price_drop:${userId}:${itemId}`,
  time,
  channel: 'push',
  payload: { itemId },
});

describe('digest', () => {
  let dir: string;
  let store: StateStore;
  let buckets: TimerStore<DigestBucket>;
  const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pushflow-digest-'));
    store = new StateStore({ path: dir, flushEachCommit: false });
    buckets = new TimerStore<DigestBucket>(store, 'digest');
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends a lone candidate as it was once its window closes, timed at the close', () => {
    scheduler().run(({ cold, expectObservable, flush }) => {
      const candidates = cold('a---|', { a: drop('u1', 'i1', 10) });
      const watermark$ = cold('-x-y-|', { x: 100, y: 110 });
      expectObservable(candidates.pipe(digest({ buckets, watermark$, windowMs: 100 }))).toBe('---z-|', { z: { ...drop('u1', 'i1', 10), time: 110 } });
      store.transaction(() => flush());
    });
    expect(buckets.pending()).toBe(0);
  });

  it('collapses a user\'s candidates of one type within the window into one digest', () => {
    scheduler().run(({ cold, expectObservable, flush }) => {
      const candidates = cold('abc|', { a: drop('u1', 'i1', 10), b: drop('u1', 'i2', 50), c: drop('u1', 'i3', 109) });
      const watermark$ = cold('----x|', { x: 200 });
      expectObservable(candidates.pipe(digest({ buckets, watermark$, windowMs: 100, maxItems: 2 }))).toBe('----z|', {
        z: {
          type: 'price_drop_digest',
          priority: 'marketing',
          userId: 'u1',
          dedupeKey: 'price_drop_digest:price_drop:u1:i1',
          time: 110,
          channel: 'push',
          payload: { count: 3, items: [{ itemId: 'i1' }, { itemId: 'i2' }], openedAt: 10 },
        },
      });
      store.transaction(() => flush());
    });
  });

  it('keeps users and types apart, and counts a repeated candidate once', () => {
    const restock = { ...drop('u1', 'i9', 20), type: 'back_in_stock', dedupeKey: 'back_in_stock:u1:i9' };
    scheduler().run(({ cold, expectObservable, flush }) => {
      const candidates = cold('abcd|', { a: drop('u1', 'i1', 10), b: drop('u2', 'i1', 10), c: restock, d: drop('u1', 'i1', 30) });
      const watermark$ = cold('-----x----|', { x: 500 });
      expectObservable(candidates.pipe(digest({ buckets, watermark$, windowMs: 100 }))).toBe('-----(xyz)|', {
        x: { ...drop('u1', 'i1', 10), time: 110 },
        y: { ...drop('u2', 'i1', 10), time: 110 },
        z: { ...restock, time: 120 },
      });
      store.transaction(() => flush());
    });
  });

  it('opens a new window after the previous one closed', () => {
    scheduler().run(({ cold, expectObservable, flush }) => {
      const candidates = cold('a---b--|', { a: drop('u1', 'i1', 10), b: drop('u1', 'i2', 300) });
      const watermark$ = cold('--x----y|', { x: 150, y: 400 });
      expectObservable(candidates.pipe(digest({ buckets, watermark$, windowMs: 100 }))).toBe('--x----y|', {
        x: { ...drop('u1', 'i1', 10), time: 110 },
        y: { ...drop('u1', 'i2', 300), time: 400 },
      });
      store.transaction(() => flush());
    });
  });

  it('passes candidates straight through with a zero window, storing nothing', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const candidates = cold('a-b|', { a: drop('u1', 'i1', 10), b: drop('u1', 'i2', 11) });
      expectObservable(candidates.pipe(digest({ buckets, watermark$: cold('-'), windowMs: 0 }))).toBe('a-b|', {
        a: drop('u1', 'i1', 10),
        b: drop('u1', 'i2', 11),
      });
    });
    expect(buckets.pending()).toBe(0);
  });

  it('keeps an open window across a restart and releases it once', async () => {
    scheduler().run(({ cold, flush }) => {
      cold('ab|', { a: drop('u1', 'i1', 10), b: drop('u1', 'i2', 20) }).pipe(digest({ buckets, watermark$: cold('|'), windowMs: 100 })).subscribe();
      store.transaction(() => flush());
    });
    await store.close();
    store = new StateStore({ path: dir, flushEachCommit: false });
    buckets = new TimerStore<DigestBucket>(store, 'digest');
    scheduler().run(({ cold, expectObservable, flush }) => {
      const released = cold('|').pipe(digest({ buckets, watermark$: cold('x-y|', { x: 120, y: 130 }), windowMs: 100 }));
      expectObservable(released).toBe('x--|', {
        x: expect.objectContaining({ type: 'price_drop_digest', time: 110, payload: expect.objectContaining({ count: 2 }) }),
      });
      store.transaction(() => flush());
    });
  });

  it('passes an error of the candidates through', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-#').pipe(digest({ buckets, watermark$: cold('-'), windowMs: 100 }))).toBe('-#');
    });
  });
});
