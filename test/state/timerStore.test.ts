// Durable timers on a real LMDB, against a plain model: with far more timers than the store holds
// in memory, set, moved, cancelled and taken in steps, each fires once, in due order, and a
// failed transaction leaves them as they were.

import { describe, expect, it } from 'vitest';
import { TimerStore } from '../../state/timerStore.js';
import { useTempStateStore } from '../support/tempStateStore.js';

/** A seeded sequence, so a failure can be replayed. */
function draws(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 2 ** 32;
  };
}

describe('TimerStore', () => {
  const temp = useTempStateStore('timers');

  it('fires each pending timer once, in due order, through sets, moves and cancels of 1,000 timers', async () => {
    const timers = new TimerStore<{ n: number }>(temp.store, 'test');
    const model = new Map<string, number>();
    const random = draws(7);
    const fired: Array<[string, number]> = [];
    let clock = 0;
    for (let step = 0; step < 40; step++) {
      temp.store.transaction(() => {
        for (let k = 0; k < 50; k++) {
          const id = `t${Math.floor(random() * 1_000)}`;
          const roll = random();
          if (roll < 0.15) {
            expect(timers.cancel(id)).toBe(model.delete(id));
          } else {
            const due = clock + Math.floor(random() * 5_000);
            timers.set(id, due, { n: step });
            model.set(id, due);
          }
        }
        clock += 250;
        const taken = timers.takeDue(clock);
        taken.forEach((timer, i) => i > 0 && expect(timer.due).toBeGreaterThanOrEqual(taken[i - 1].due));
        for (const timer of taken) {
          expect(model.get(timer.id)).toBe(timer.due);
          model.delete(timer.id);
          fired.push([timer.id, timer.due]);
        }
        expect(timers.hasDue(clock)).toBe(false);
      });
      // Nothing the model still holds is due yet.
      for (const due of model.values()) expect(due).toBeGreaterThan(clock);
    }
    expect(fired.length).toBeGreaterThan(100);
    expect(timers.pending()).toBe(model.size);
    // The rest fire in due order after a restart too.
    await temp.reopen();
    const reopened = new TimerStore<{ n: number }>(temp.store, 'test');
    const rest = temp.store.transaction(() => reopened.takeDue(Infinity));
    expect(rest.map((t) => [t.id, t.due])).toEqual([...model].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1)));
  });

  it('keeps the timers as they were when the transaction that set or took them fails', () => {
    const timers = new TimerStore<string>(temp.store, 'test');
    temp.store.transaction(() => {
      for (let i = 0; i < 100; i++) timers.set(`t${i}`, 1_000 + i, `p${i}`);
    });
    expect(() =>
      temp.store.transaction(() => {
        expect(timers.takeDue(1_050)).toHaveLength(51);
        timers.set('early', 10, 'lost');
        throw new Error('batch failed');
      }),
    ).toThrow('batch failed');
    expect(timers.hasDue(10)).toBe(false);
    const taken = temp.store.transaction(() => timers.takeDue(1_099));
    expect(taken.map((t) => t.id)).toEqual(Array.from({ length: 100 }, (_, i) => `t${i}`));
    expect(timers.pending()).toBe(0);
  });

  it('takes timers due together in id order, whether they were read from disk or set since', () => {
    const timers = new TimerStore<number>(temp.store, 'ties');
    temp.store.transaction(() => {
      for (const id of ['b', 'd']) timers.set(id, 1_000, 0);
    });
    // Read into memory now; 'c' and 'a' join it in memory, after 'b' and 'd' were set.
    expect(timers.hasDue(0)).toBe(false);
    temp.store.transaction(() => {
      for (const id of ['c', 'a']) timers.set(id, 1_000, 0);
    });
    const fromMemory = temp.store.transaction(() => timers.takeDue(1_000).map((timer) => timer.id));
    expect(fromMemory).toEqual(['a', 'b', 'c', 'd']);
  });
});
