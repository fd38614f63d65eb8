import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Subject } from 'rxjs';
import { sessionWindow } from '../../operators/sessionWindow.js';
import { byUser, click, collect, count, type Click, WindowFixture } from './windowTestKit.js';

const GAP = 10;
const session = (key: string, start: number, end: number, value: unknown) => ({ window: 'visits', key, start, end, value });

describe('sessionWindow', () => {
  let fx: WindowFixture;
  beforeEach(() => (fx = new WindowFixture()));
  afterEach(async () => fx.close());

  it('keeps events closer than the gap in one session spanning [first, last + gap), emitted once the watermark passes its end', () => {
    fx.run(({ cold, hot, expectObservable }) => {
      const events = cold('a-b-c', { a: click('u1', 0), b: click('u1', 9), c: click('u1', 19) });
      const watermark$ = hot('------x-y-z', { x: 18, y: 28, z: 29 });
      const visits = events.pipe(sessionWindow({ store: fx.store('visits'), gapMs: GAP, key: byUser, aggregate: collect, watermark$, batchEnd$: hot('') }));
      // b extends a's session to [0, 19); c at 19 touches its end and extends it to [0, 29).
      expectObservable(visits).toBe('----------z', { z: session('u1', 0, 29, [0, 9, 19]) });
    });
  });

  it('starts a new session after a gap, per key, and closes sessions in the order they end', () => {
    fx.run(({ cold, hot, expectObservable }) => {
      const events = cold('a-b-c', { a: click('u1', 0), b: click('u2', 5), c: click('u1', 11) });
      const watermark$ = hot('------x---y', { x: 15, y: 21 });
      const visits = events.pipe(sessionWindow({ store: fx.store('visits'), gapMs: GAP, key: byUser, aggregate: count, watermark$, batchEnd$: hot('') }));
      expectObservable(visits).toBe('------(ab)c', { a: session('u1', 0, 10, 1), b: session('u2', 5, 15, 1), c: session('u1', 11, 21, 1) });
    });
  });

  it('merges two sessions when an event falls between them', () => {
    fx.run(({ cold, hot, expectObservable }) => {
      const events = cold('a-b-c', { a: click('u1', 0), b: click('u1', 15), c: click('u1', 8) });
      const watermark$ = hot('------x', { x: 25 });
      const visits = events.pipe(sessionWindow({ store: fx.store('visits'), gapMs: GAP, key: byUser, aggregate: collect, watermark$, batchEnd$: hot('') }));
      expectObservable(visits).toBe('------x', { x: session('u1', 0, 25, [0, 8, 15]) });
    });
  });

  it('emits every change with emit "update", including merges', () => {
    fx.run(({ cold, hot, expectObservable }) => {
      const events = cold('a-b-c', { a: click('u1', 0), b: click('u1', 15), c: click('u1', 8) });
      const visits = events.pipe(
        sessionWindow({ store: fx.store('visits'), gapMs: GAP, emit: 'update', key: byUser, aggregate: count, watermark$: hot(''), batchEnd$: hot('') }),
      );
      expectObservable(visits).toBe('a-b-c', { a: session('u1', 0, 10, 1), b: session('u1', 15, 25, 1), c: session('u1', 0, 25, 3) });
    });
  });

  it('takes a late event within the grace period, and sends one that would touch an emitted session to the side output', () => {
    const store = fx.store<number[]>('visits');
    fx.run(({ cold, hot, expectObservable }) => {
      const late = new Subject<Click>();
      const events = cold('a-b---c-d', { a: click('u1', 0), b: click('u1', 3), c: click('u1', 9), d: click('u1', 30) });
      const watermark$ = hot('-x---y', { x: 14, y: 18 });
      const visits = events.pipe(
        sessionWindow({ store, gapMs: GAP, graceMs: 5, key: byUser, aggregate: collect, watermark$, batchEnd$: hot(''), lateEvents: late }),
      );
      // b is behind the watermark but within the grace; c comes after [0, 13) was emitted at 18.
      expectObservable(visits).toBe('-----x', { x: session('u1', 0, 13, [0, 3]) });
      expectObservable(late).toBe('------c', { c: click('u1', 9) });
    });
    expect(store.lateEvents).toBe(1);
    expect([...store.values()].filter((s) => !s.closed).map((s) => s.start)).toEqual([30]);
  });

  it('carries an open session across a restart', async () => {
    fx.run(({ cold, hot }) => {
      cold('a', { a: click('u1', 0) })
        .pipe(sessionWindow({ store: fx.store('visits'), gapMs: GAP, key: byUser, aggregate: collect, watermark$: hot(''), batchEnd$: hot('-e') }))
        .subscribe();
    });
    await fx.restart();
    fx.run(({ cold, hot, expectObservable }) => {
      const events = cold('a', { a: click('u1', 6) });
      const visits = events.pipe(
        sessionWindow({ store: fx.store('visits'), gapMs: GAP, key: byUser, aggregate: collect, watermark$: hot('--x', { x: 16 }), batchEnd$: hot('') }),
      );
      expectObservable(visits).toBe('--x', { x: session('u1', 0, 16, [0, 6]) });
    });
  });
});
