import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WindowFixture } from './windowTestKit.js';
import { WindowStore } from '../../state/windowStore.js';

describe('WindowStore (the window operators’ durable state)', () => {
  let fx: WindowFixture;
  beforeEach(() => (fx = new WindowFixture()));
  afterEach(async () => fx.close());

  it('restores open, closed and removed windows, the watermark and the late count after a restart', async () => {
    const store = fx.store<number>('w');
    expect(store.watermark).toBe(-Infinity);
    fx.state.transaction(() => {
      store.set({ key: 'a', start: 0, end: 10, value: 1, closed: false });
      store.set({ key: 'b', start: 0, end: 10, value: 2, closed: false });
      store.set({ key: 'c', start: 5, end: 15, value: 3, closed: false });
      store.watermark = 5;
      store.countLateEvent();
      store.flush();
    });
    fx.state.transaction(() => {
      store.delete('a', 0);
      store.get('b', 0)!.value = 4;
      store.set(store.get('b', 0)!);
      store.set({ key: 'c', start: 5, end: 15, value: 3, closed: true });
      store.flush();
    });
    await fx.restart();
    const reopened = fx.store<number>('w');
    expect([...reopened.values()]).toEqual([
      { key: 'b', start: 0, end: 10, value: 4, closed: false },
      { key: 'c', start: 5, end: 15, value: 3, closed: true },
    ]);
    expect(reopened.watermark).toBe(5);
    expect(reopened.lateEvents).toBe(1);
    expect(WindowStore.names(fx.state)).toEqual(['w']);
  });

  it('is one instance per environment and name, so a rebuilt graph sees the batch’s unflushed changes', () => {
    fx.store<number>('w').set({ key: 'a', start: 0, end: 1, value: 1, closed: false });
    expect(fx.store<number>('w').get('a', 0)?.value).toBe(1);
    expect(fx.store<number>('other').size).toBe(0);
  });

  it('rewrites its log from the live windows once the log outgrows them, keeping the same contents', async () => {
    const store = fx.store<number>('w');
    fx.state.transaction(() => {
      for (let i = 0; i < 12_000; i++) {
        store.set({ key: 'hot', start: 0, end: 1, value: i, closed: false });
        store.flush();
      }
    });
    expect(store.logRecords()).toBeLessThan(2_000);
    await fx.restart();
    expect(fx.store<number>('w').get('hot', 0)?.value).toBe(11_999);
  });
});
