import { describe, expect, it } from 'vitest';
import { WatermarkTracker } from '../../src/runtime/watermark.js';

describe('WatermarkTracker', () => {
  const tracker = () => new WatermarkTracker({ maxOutOfOrdernessMs: 100, idleTimeoutMs: 1_000 });

  it('trails the largest event time by the bound and never goes back', () => {
    const t = tracker();
    expect(t.observe(0, 1_000, 0)).toBe(900);
    expect(t.observe(0, 500, 0)).toBe(900);
    expect(t.observe(0, 2_000, 0)).toBe(1_900);
  });

  it('is held back by the slowest active partition', () => {
    const t = tracker();
    t.observe(0, 5_000, 0);
    expect(t.observe(1, 1_000, 0)).toBe(4_900);
    const u = tracker();
    u.observe(1, 1_000, 0);
    expect(u.observe(0, 5_000, 0)).toBe(900);
  });

  it('stops waiting for a partition silent longer than the idle timeout', () => {
    const t = tracker();
    t.observe(1, 1_000, 0);
    t.observe(0, 5_000, 0);
    expect(t.observe(0, 6_000, 1_500)).toBe(5_900);
  });

  it('moves with processing time once the whole source is idle', () => {
    const t = tracker();
    t.observe(0, 10_000, 0);
    expect(t.tick(900)).toBe(9_900);
    expect(t.tick(3_000)).toBe(9_900 + 2_000);
  });

  it('restores from a snapshot', () => {
    const t = tracker();
    t.observe(0, 10_000, 0);
    const copy = tracker();
    const snap = t.snapshot();
    copy.restore(snap.watermark, snap.partitions);
    expect(copy.current()).toBe(9_900);
    expect(copy.observe(0, 9_000, 0)).toBe(9_900);
  });
});
