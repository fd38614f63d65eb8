import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { dueByClock } from '../../operators/dueByClock.js';
import { StateStore } from '../../state/stateStore.js';
import { TimerStore } from '../../state/timerStore.js';

describe('dueByClock', () => {
  let dir: string;
  let store: StateStore;
  let timers: TimerStore<string>;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pushflow-clock-timers-'));
    store = new StateStore({ path: dir, flushEachCommit: false });
    timers = new TimerStore<string>(store, 'test');
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fires each timer once, at the first occasion after the clock passed its due time', () => {
    store.transaction(() => {
      timers.set('b', 5, 'B');
      timers.set('a', 2, 'A');
    });
    const testScheduler = new TestScheduler((a, e) => expect(a).toEqual(e));
    testScheduler.run(({ cold, expectObservable, flush }) => {
      const clock = { now: () => testScheduler.now() };
      const occasions = cold('x-x-x---x-x|');
      expectObservable(occasions.pipe(dueByClock(timers, clock))).toBe('--a-----b--|', {
        a: { id: 'a', due: 2, payload: 'A' },
        b: { id: 'b', due: 5, payload: 'B' },
      });
      store.transaction(() => flush());
    });
    expect(timers.pending()).toBe(0);
  });

  it('fires nothing between occasions: a timer due during a silence fires late, once, at the next one', () => {
    store.transaction(() => timers.set('late', 3, 'L'));
    const testScheduler = new TestScheduler((a, e) => expect(a).toEqual(e));
    testScheduler.run(({ cold, expectObservable, flush }) => {
      const clock = { now: () => testScheduler.now() };
      expectObservable(cold('x---------xx|').pipe(dueByClock(timers, clock))).toBe('----------l-|', { l: { id: 'late', due: 3, payload: 'L' } });
      store.transaction(() => flush());
    });
  });

  it('keeps a pending timer across a restart and fires it late, once, after the downtime', async () => {
    store.transaction(() => timers.set('t', 100, 'T'));
    await store.close();
    store = new StateStore({ path: dir, flushEachCommit: false });
    timers = new TimerStore<string>(store, 'test');
    const fired: string[] = [];
    const clock = { now: () => 10_000 };
    store.transaction(() => of('event', 'watermark').pipe(dueByClock(timers, clock)).subscribe((timer) => fired.push(timer.payload)));
    store.transaction(() => of('event').pipe(dueByClock(timers, clock)).subscribe((timer) => fired.push(timer.payload)));
    expect(fired).toEqual(['T']);
    expect(timers.pending()).toBe(0);
  });
});
