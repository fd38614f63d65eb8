import { describe, expect, it } from 'vitest';
import { BackgroundSweep } from '../../src/recommend/backgroundSweep.js';
import { randomModel } from './support.js';

describe('background sweep', () => {
  it('sweeps in chunks, lets online updates in between, and ends with exact caches and a lower loss', async () => {
    const model = randomModel(25, 30, 0.2);
    const before = model.loss();
    let pauses = 0;
    const swept: number[] = [];
    const sweep = new BackgroundSweep(model, { chunkRows: 10, onSwept: (seconds) => swept.push(seconds) }, async () => {
      pauses++;
      model.learn(pauses % 25, (pauses * 7) % 30, 2); // the stream goes on between chunks
    });
    await sweep.runOnce();
    expect(pauses).toBe(3 + 3); // 25 users and 30 items in chunks of 10
    expect(swept).toHaveLength(1);
    expect(model.loss()).toBeLessThan(before);
    const fresh = model.itemCache();
    model.recomputeCaches();
    expect([...fresh]).toEqual([...model.itemCache()]);
  });

  it('stops between chunks when asked, without finishing the sweep', async () => {
    const model = randomModel(25, 30, 0.2);
    const swept: number[] = [];
    let sweep: BackgroundSweep | undefined;
    sweep = new BackgroundSweep(model, { chunkRows: 10, onSwept: (seconds) => swept.push(seconds) }, async () => {
      await sweep!.stop();
    });
    await sweep.runOnce();
    expect(swept).toEqual([]);
  });
});
