import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Subject } from 'rxjs';
import { slidingWindow } from '../../operators/slidingWindow.js';
import { byUser, click, collect, type Click, WindowFixture } from './windowTestKit.js';

const S = 10;
/** The window of an event at `time`: (time - S, time]. */
const endingAt = (key: string, time: number, value: unknown) => ({ window: 'recent', key, start: time - S + 1, end: time + 1, value });

describe('slidingWindow', () => {
  let fx: WindowFixture;
  beforeEach(() => (fx = new WindowFixture()));
  afterEach(async () => fx.close());

  it('gives each event the window of its key’s events in the size up to it, emitted when the watermark passes it', () => {
    fx.run(({ cold, hot, expectObservable }) => {
      const events = cold('a-b-c-d', { a: click('u1', 0), b: click('u1', 4), c: click('u2', 5), d: click('u1', 11) });
      const watermark$ = hot('--------x---y', { x: 5, y: 12 });
      const windows = events.pipe(slidingWindow({ store: fx.store('recent'), sizeMs: S, key: byUser, aggregate: collect, watermark$, batchEnd$: hot('') }));
      // 0 has left the window of 11: (1, 11].
      expectObservable(windows).toBe('--------(ab)(cd)', {
        a: endingAt('u1', 0, [0]),
        b: endingAt('u1', 4, [0, 4]),
        c: endingAt('u2', 5, [5]),
        d: endingAt('u1', 11, [4, 11]),
      });
    });
  });

  it('with emit "update", re-emits the later windows a late event (within the grace) falls into', () => {
    fx.run(({ cold, hot, expectObservable }) => {
      const events = cold('a-b-c', { a: click('u1', 0), b: click('u1', 8), c: click('u1', 5) });
      const windows = events.pipe(
        slidingWindow({ store: fx.store('recent'), sizeMs: S, graceMs: 5, emit: 'update', key: byUser, aggregate: collect, watermark$: hot('---x', { x: 7 }), batchEnd$: hot('') }),
      );
      expectObservable(windows).toBe('a-b-(cd)', {
        a: endingAt('u1', 0, [0]),
        b: endingAt('u1', 8, [0, 8]),
        c: endingAt('u1', 5, [0, 5]),
        d: endingAt('u1', 8, [0, 5, 8]),
      });
    });
  });

  it('sends an event whose own window closed to the side output, and drops buckets no window can cover any more', () => {
    const store = fx.store<number[]>('recent');
    fx.run(({ cold, hot, expectObservable }) => {
      const late = new Subject<Click>();
      const events = cold('a---b', { a: click('u1', 0), b: click('u1', 0) });
      const windows = events.pipe(
        slidingWindow({ store, sizeMs: S, graceMs: 5, key: byUser, aggregate: collect, watermark$: hot('--x', { x: 6 }), batchEnd$: hot(''), lateEvents: late }),
      );
      expectObservable(windows).toBe('--x', { x: endingAt('u1', 0, [0]) });
      expectObservable(late).toBe('----b', { b: click('u1', 0) });
    });
    expect(store.size).toBe(1);
    fx.run(({ hot, cold }) => {
      cold('').pipe(slidingWindow({ store, sizeMs: S, graceMs: 5, key: byUser, aggregate: collect, watermark$: hot('x', { x: 15 }), batchEnd$: hot('') })).subscribe();
    });
    expect(store.size).toBe(0);
    expect(store.lateEvents).toBe(1);
  });

  it('after a restart, neither repeats a window it emitted nor loses the buckets of open ones', async () => {
    fx.run(({ cold, hot }) => {
      cold('a-b', { a: click('u1', 0), b: click('u1', 6) })
        .pipe(slidingWindow({ store: fx.store('recent'), sizeMs: S, key: byUser, aggregate: collect, watermark$: hot('----x', { x: 1 }), batchEnd$: hot('-----e') }))
        .subscribe();
    });
    await fx.restart();
    fx.run(({ cold, hot, expectObservable }) => {
      const events = cold('a', { a: click('u1', 9) });
      const windows = events.pipe(
        slidingWindow({ store: fx.store('recent'), sizeMs: S, key: byUser, aggregate: collect, watermark$: hot('--x', { x: 10 }), batchEnd$: hot('') }),
      );
      expectObservable(windows).toBe('--(ab)', { a: endingAt('u1', 6, [0, 6]), b: endingAt('u1', 9, [0, 6, 9]) });
    });
  });
});
