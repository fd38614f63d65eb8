import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestScheduler } from 'rxjs/testing';
import { everyPeriod } from '../../operators/everyPeriod.js';
import { StateStore } from '../../state/stateStore.js';
import { TimerStore } from '../../state/timerStore.js';

describe('everyPeriod', () => {
  let dir: string;
  let store: StateStore;
  let timers: TimerStore<null>;
  const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pushflow-period-'));
    store = new StateStore({ path: dir, flushEachCommit: false });
    timers = new TimerStore<null>(store, 'days');
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('emits each boundary the watermark passes, once, from the first after it started', () => {
    scheduler().run(({ cold, expectObservable, flush }) => {
      const watermark$ = cold('a-b-c-d|', { a: 10, b: 12, c: 25, d: 29 });
      expectObservable(watermark$.pipe(everyPeriod(timers, { periodMs: 10 }))).toBe('----c--|', { c: 20 });
      store.transaction(() => flush());
    });
  });

  it('catches up at most maxCatchUp boundaries after a gap, the latest ones', () => {
    scheduler().run(({ cold, expectObservable, flush }) => {
      const watermark$ = cold('a-(b|)', { a: 5, b: 61 });
      expectObservable(watermark$.pipe(everyPeriod(timers, { periodMs: 10, maxCatchUp: 3 }))).toBe('--(xyz|)', { x: 40, y: 50, z: 60 });
      store.transaction(() => flush());
    });
  });

  it('honours an offset (e.g. local midnight)', () => {
    scheduler().run(({ cold, expectObservable, flush }) => {
      const watermark$ = cold('a-b|', { a: 0, b: 20 });
      expectObservable(watermark$.pipe(everyPeriod(timers, { periodMs: 10, offsetMs: 3 }))).toBe('--b|', { b: 13 });
      store.transaction(() => flush());
    });
  });

  it('neither repeats nor skips a boundary across a restart', async () => {
    scheduler().run(({ cold, flush }) => {
      cold('ab|', { a: 5, b: 11 }).pipe(everyPeriod(timers, { periodMs: 10 })).subscribe();
      store.transaction(() => flush());
    });
    await store.close();
    store = new StateStore({ path: dir, flushEachCommit: false });
    timers = new TimerStore<null>(store, 'days');
    scheduler().run(({ cold, expectObservable, flush }) => {
      const watermark$ = cold('a-b|', { a: 12, b: 21 });
      expectObservable(watermark$.pipe(everyPeriod(timers, { periodMs: 10 }))).toBe('--b|', { b: 20 });
      store.transaction(() => flush());
    });
  });
});
