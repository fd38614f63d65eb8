import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Subject } from 'rxjs';
import { hoppingWindow } from '../../operators/hoppingWindow.js';
import { byUser, click, collect, count, type Click, WindowFixture } from './windowTestKit.js';

const S = 10_000;
const A = 5_000;
const win = (key: string, start: number, value: unknown) => ({ window: 'hops', key, start, end: start + S, value });

describe('hoppingWindow', () => {
  let fx: WindowFixture;
  beforeEach(() => (fx = new WindowFixture()));
  afterEach(async () => fx.close());

  it('counts an event in every window that covers it, and closes the windows in start order', () => {
    fx.run(({ cold, hot, expectObservable }) => {
      const events = cold('a-b-c', { a: click('u1', 4_999), b: click('u1', 5_000), c: click('u1', 12_000) });
      const watermark$ = hot('------x-y-z', { x: 9_999, y: 10_000, z: 20_000 });
      const windows = events.pipe(
        hoppingWindow({ store: fx.store('hops'), sizeMs: S, advanceMs: A, key: byUser, aggregate: collect, watermark$, batchEnd$: hot('') }),
      );
      expectObservable(windows).toBe('------a-b-(cd)', {
        a: win('u1', -5_000, [4_999]),
        b: win('u1', 0, [4_999, 5_000]),
        c: win('u1', 5_000, [5_000, 12_000]),
        d: win('u1', 10_000, [12_000]),
      });
    });
  });

  it('sends an event that missed one of its windows to the side output, and still counts it in the open one', () => {
    const store = fx.store<number>('hops');
    fx.run(({ cold, hot, expectObservable }) => {
      const late = new Subject<Click>();
      const events = cold('--a', { a: click('u1', 7_000) });
      const watermark$ = hot('x---y', { x: S, y: 15_000 });
      const windows = events.pipe(
        hoppingWindow({ store, sizeMs: S, advanceMs: A, key: byUser, aggregate: count, watermark$, batchEnd$: hot(''), lateEvents: late }),
      );
      expectObservable(windows).toBe('----y', { y: win('u1', 5_000, 1) });
      expectObservable(late).toBe('--a', { a: click('u1', 7_000) });
    });
    expect(store.lateEvents).toBe(1);
  });

  it('refuses an advance longer than the size (windows would leave gaps)', () => {
    expect(() =>
      hoppingWindow({ store: fx.store('bad'), sizeMs: S, advanceMs: 2 * S, key: byUser, aggregate: count, watermark$: new Subject(), batchEnd$: new Subject() }),
    ).toThrow(/advanceMs <= sizeMs/);
  });
});
