// The simulator's own PRNG and its event-time agenda: the two pieces whose subtle breakage
// would silently change (or un-determinise) every simulated stream.

import { describe, expect, it } from 'vitest';
import { Agenda } from '../../src/sources/simulator/agenda.js';
import { Random } from '../../src/sources/simulator/random.js';

describe('Random', () => {
  it('repeats its sequence for a seed and stream, and differs across seeds and streams', () => {
    const draw = (seed: number, stream: number) => {
      const random = new Random(seed, stream);
      return Array.from({ length: 100 }, () => random.nextUint32());
    };
    expect(draw(1, 0)).toEqual(draw(1, 0));
    expect(draw(1, 0)).not.toEqual(draw(2, 0));
    expect(draw(1, 0)).not.toEqual(draw(1, 1));
  });

  it('pins the first outputs, so a changed generator cannot slip by as "still deterministic"', () => {
    const random = new Random(42);
    expect(Array.from({ length: 4 }, () => random.nextUint32())).toMatchInlineSnapshot(`
      [
        4121553693,
        1592264197,
        2380640478,
        1541168275,
      ]
    `);
  });

  it('draws uniforms in [0, 1) and integers in range, evenly', () => {
    const random = new Random(7);
    const buckets = new Array<number>(10).fill(0);
    let outOfRange = 0;
    for (let i = 0; i < 100_000; i++) {
      const value = random.next();
      if (!(value >= 0 && value < 1)) outOfRange++;
      buckets[random.int(10)]++;
    }
    expect(outOfRange).toBe(0);
    for (const count of buckets) expect(Math.abs(count - 10_000)).toBeLessThan(500);
    const small = new Set(Array.from({ length: 1_000 }, () => random.intBetween(3, 5)));
    expect([...small].sort()).toEqual([3, 4, 5]);
  });

  it('picks by weight from running totals', () => {
    const random = new Random(8);
    const counts = [0, 0, 0];
    const cumulative = [1, 1, 4]; // weights 1, 0, 3
    for (let i = 0; i < 40_000; i++) counts[random.pickCumulative(cumulative)]++;
    expect(counts[1]).toBe(0);
    expect(counts[2] / counts[0]).toBeGreaterThan(2.8);
    expect(counts[2] / counts[0]).toBeLessThan(3.2);
  });

  it('samples log-normal by median and gamma by mean', () => {
    const random = new Random(9);
    const logNormals = Array.from({ length: 20_001 }, () => random.logNormal(100, 0.5)).sort((a, b) => a - b);
    expect(logNormals[10_000]).toBeGreaterThan(97);
    expect(logNormals[10_000]).toBeLessThan(103);
    for (const shape of [0.5, 2]) {
      let sum = 0;
      for (let i = 0; i < 20_000; i++) sum += random.gamma(shape);
      expect(sum / 20_000).toBeCloseTo(shape, 1);
    }
  });
});

describe('Agenda', () => {
  it('pops tasks by time, and simultaneous ones in the order they were scheduled', () => {
    const random = new Random(10);
    const agenda = new Agenda();
    const scheduled: { time: number; label: number }[] = [];
    for (let label = 0; label < 5_000; label++) {
      const time = random.int(200);
      scheduled.push({ time, label });
      agenda.schedule(time, { run: () => popped.push(label) });
    }
    const popped: number[] = [];
    let previous = -Infinity;
    while (agenda.size > 0) {
      const time = agenda.peekTime();
      expect(time).toBeGreaterThanOrEqual(previous);
      previous = time;
      agenda.pop()!.run(time);
    }
    const expected = [...scheduled].sort((a, b) => a.time - b.time || a.label - b.label).map((entry) => entry.label);
    expect(popped).toEqual(expected);
    expect(agenda.peekTime()).toBe(Infinity);
    expect(agenda.pop()).toBeUndefined();
  });

  it('interleaves tasks scheduled while popping', () => {
    const agenda = new Agenda();
    const log: string[] = [];
    agenda.schedule(10, { run: (now) => (log.push(`a@${now}`), agenda.schedule(now + 5, { run: (t) => log.push(`c@${t}`) })) });
    agenda.schedule(12, { run: (now) => log.push(`b@${now}`) });
    agenda.schedule(15, { run: (now) => log.push(`d@${now}`) });
    while (agenda.size > 0) {
      const time = agenda.peekTime();
      agenda.pop()!.run(time);
    }
    expect(log).toEqual(['a@10', 'b@12', 'd@15', 'c@15']);
  });
});
