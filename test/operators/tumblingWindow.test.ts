import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Subject } from 'rxjs';
import { tumblingWindow } from '../../operators/tumblingWindow.js';
import { byUser, click, count, type Click, WindowFixture } from './windowTestKit.js';

const S = 10_000;
const win = (key: string, start: number, value: unknown, window = 'hits') => ({ window, key, start, end: start + S, value });

describe('tumblingWindow', () => {
  let fx: WindowFixture;
  beforeEach(() => (fx = new WindowFixture()));
  afterEach(async () => fx.close());

  it('puts an event at a boundary in the window that starts there, and emits each window when the watermark reaches its end', () => {
    fx.run(({ cold, hot, expectObservable }) => {
      const events = cold('a-b-c-d', { a: click('u1', 0), b: click('u1', S - 1), c: click('u2', S), d: click('u1', S + 1) });
      const watermark$ = hot('--------w-x-y', { w: S - 1, x: S, y: 2 * S });
      const windows = events.pipe(tumblingWindow({ store: fx.store('hits'), sizeMs: S, key: byUser, aggregate: count, watermark$, batchEnd$: hot('') }));
      expectObservable(windows).toBe('----------x-(yz)', { x: win('u1', 0, 2), y: win('u2', S, 1), z: win('u1', S, 1) });
    });
  });

  it('aligns windows to the offset (e.g. local midnight)', () => {
    fx.run(({ cold, hot, expectObservable }) => {
      const events = cold('a-b', { a: click('u1', 2_999), b: click('u1', 3_000) });
      const watermark$ = hot('----x', { x: 3_000 + S });
      const windows = events.pipe(
        tumblingWindow({ store: fx.store('hits'), sizeMs: S, offsetMs: 3_000, key: byUser, aggregate: count, watermark$, batchEnd$: hot('') }),
      );
      expectObservable(windows).toBe('----(xy)', {
        x: { window: 'hits', key: 'u1', start: 3_000 - S, end: 3_000, value: 1 },
        y: { window: 'hits', key: 'u1', start: 3_000, end: 3_000 + S, value: 1 },
      });
    });
  });

  it('accepts late events within the grace period, then sends later ones to the side output and counts them', () => {
    const store = fx.store<number>('hits');
    fx.run(({ cold, hot, expectObservable }) => {
      const late = new Subject<Click>();
      const events = cold('a-b---c', { a: click('u1', 1), b: click('u1', 3), c: click('u1', 4) });
      const watermark$ = hot('-x---y', { x: S + 2_000, y: S + 5_000 });
      const windows = events.pipe(
        tumblingWindow({ store, sizeMs: S, graceMs: 5_000, key: byUser, aggregate: count, watermark$, batchEnd$: hot(''), lateEvents: late }),
      );
      expectObservable(windows).toBe('-----x', { x: win('u1', 0, 2) });
      expectObservable(late).toBe('------c', { c: click('u1', 4) });
    });
    expect(store.lateEvents).toBe(1);
    expect(store.size).toBe(0);
  });

  it('with emit "update", emits a copy of the window after every event and nothing at close', () => {
    fx.run(({ cold, hot, expectObservable }) => {
      const events = cold('a-b-c', { a: click('u1', 1), b: click('u1', 2), c: click('u2', 3) });
      const watermark$ = hot('------x', { x: 2 * S });
      const windows = events.pipe(
        tumblingWindow({ store: fx.store('hits'), sizeMs: S, emit: 'update', key: byUser, aggregate: count, watermark$, batchEnd$: hot('') }),
      );
      expectObservable(windows).toBe('a-b-c', { a: win('u1', 0, 1), b: win('u1', 0, 2), c: win('u2', 0, 1) });
    });
  });

  it('survives a restart in the middle of a window: the window closes with the events of both runs', async () => {
    fx.run(({ cold, hot, expectObservable }) => {
      const events = cold('a-b', { a: click('u1', 1), b: click('u1', 2) });
      const windows = events.pipe(
        tumblingWindow({ store: fx.store('hits'), sizeMs: S, key: byUser, aggregate: count, watermark$: hot('-x', { x: 5 }), batchEnd$: hot('----e') }),
      );
      expectObservable(windows).toBe('');
    });
    await fx.restart();
    fx.run(({ cold, hot, expectObservable }) => {
      const events = cold('a', { a: click('u1', 7) });
      const windows = events.pipe(
        tumblingWindow({ store: fx.store('hits'), sizeMs: S, key: byUser, aggregate: count, watermark$: hot('--x', { x: S }), batchEnd$: hot('') }),
      );
      expectObservable(windows).toBe('--x', { x: win('u1', 0, 3) });
    });
  });

  it('forgets what the last batch did not commit, and still knows after a restart which windows it closed', async () => {
    fx.run(({ cold, hot }) => {
      // The batch end at frame 3 commits a, b and the closing of u1's window; c is never committed.
      const events = cold('a-b---c', { a: click('u1', 1), b: click('u2', S + 1), c: click('u2', S + 2) });
      events
        .pipe(tumblingWindow({ store: fx.store('hits'), sizeMs: S, key: byUser, aggregate: count, watermark$: hot('--x', { x: S }), batchEnd$: hot('---e') }))
        .subscribe();
    });
    await fx.restart();
    const store = fx.store<number>('hits');
    expect([...store.values()]).toEqual([{ key: 'u2', start: S, end: 2 * S, value: 1, closed: false }]);
    fx.run(({ cold, hot, expectObservable }) => {
      const late = new Subject<Click>();
      const events = cold('a-b', { a: click('u1', 3), b: click('u2', S + 3) });
      const windows = events.pipe(
        tumblingWindow({ store, sizeMs: S, key: byUser, aggregate: count, watermark$: hot('----x', { x: 2 * S }), batchEnd$: hot(''), lateEvents: late }),
      );
      expectObservable(windows).toBe('----x', { x: win('u2', S, 2) });
      expectObservable(late).toBe('a', { a: click('u1', 3) });
    });
  });

  it('keeps a closed window for its retention, for queries, then drops it; a late event stays out of it', () => {
    const store = fx.store<number>('hits');
    fx.run(({ cold, hot, expectObservable }) => {
      const events = cold('a---b', { a: click('u1', 1), b: click('u1', 2) });
      const watermark$ = hot('--x---y', { x: S, y: S + 3 * S });
      const windows = events.pipe(tumblingWindow({ store, sizeMs: S, retentionMs: 2 * S, key: byUser, aggregate: count, watermark$, batchEnd$: hot('') }));
      expectObservable(windows).toBe('--x', { x: win('u1', 0, 1) });
    });
    expect(store.lateEvents).toBe(1);
    expect([...store.values()]).toEqual([]);
    fx.run(({ cold, hot }) => {
      cold('a', { a: click('u2', 4 * S + 1) })
        .pipe(tumblingWindow({ store, sizeMs: S, retentionMs: 2 * S, key: byUser, aggregate: count, watermark$: hot('-x', { x: 5 * S }), batchEnd$: hot('') }))
        .subscribe();
    });
    expect([...store.values()]).toEqual([{ key: 'u2', start: 4 * S, end: 5 * S, value: 1, closed: true }]);
  });

  it('passes an error through and completes with its source', () => {
    fx.run(({ cold, hot, expectObservable }) => {
      const options = { sizeMs: S, key: byUser, aggregate: count, watermark$: hot(''), batchEnd$: hot('') };
      expectObservable(cold('a-#', { a: click('u1', 1) }).pipe(tumblingWindow({ ...options, store: fx.store('e') }))).toBe('--#');
      expectObservable(cold('a-|', { a: click('u1', 1) }).pipe(tumblingWindow({ ...options, store: fx.store('c') }))).toBe('--|');
    });
  });
});
