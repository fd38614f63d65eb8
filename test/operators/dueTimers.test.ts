import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestScheduler } from 'rxjs/testing';
import { dueTimers } from '../../operators/dueTimers.js';
import { StateStore } from '../../state/stateStore.js';
import { TimerStore } from '../../state/timerStore.js';

describe('dueTimers', () => {
  let dir: string;
  let store: StateStore;
  let timers: TimerStore<string>;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pushflow-timers-'));
    store = new StateStore({ path: dir, flushEachCommit: false });
    timers = new TimerStore<string>(store, 'test');
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('emits each timer once, when the watermark reaches its due time, earliest first', () => {
    store.transaction(() => {
      timers.set('late', 30, 'L');
      timers.set('early', 10, 'E');
      timers.set('mid', 20, 'M');
    });
    new TestScheduler((a, e) => expect(a).toEqual(e)).run(({ cold, expectObservable, flush }) => {
      const watermarks = cold('a-b-c-d|', { a: 5, b: 20, c: 25, d: 40 });
      const fired = watermarks.pipe(dueTimers(timers));
      expectObservable(fired).toBe('--(xy)z|', {
        x: { id: 'early', due: 10, payload: 'E' },
        y: { id: 'mid', due: 20, payload: 'M' },
        z: { id: 'late', due: 30, payload: 'L' },
      });
      store.transaction(() => flush());
    });
    expect(timers.pending()).toBe(0);
  });

  it('never fires a cancelled timer, and fires a moved one at its new time', () => {
    store.transaction(() => {
      timers.set('a', 10, 'A');
      timers.set('b', 10, 'B');
      timers.cancel('a');
      timers.set('b', 50, 'B2');
    });
    new TestScheduler((a, e) => expect(a).toEqual(e)).run(({ cold, expectObservable, flush }) => {
      expectObservable(cold('a-b|', { a: 20, b: 60 }).pipe(dueTimers(timers))).toBe('--z|', { z: { id: 'b', due: 50, payload: 'B2' } });
      store.transaction(() => flush());
    });
  });

  it('does not fire again after a restart (the store forgot what it emitted)', async () => {
    store.transaction(() => timers.set('once', 10, 'O'));
    store.transaction(() => timers.takeDue(10));
    await store.close();
    store = new StateStore({ path: dir, flushEachCommit: false });
    timers = new TimerStore<string>(store, 'test');
    expect(timers.hasDue(100)).toBe(false);
    expect(timers.pending()).toBe(0);
  });
});
