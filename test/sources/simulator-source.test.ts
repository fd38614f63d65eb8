// SimulatorSource against the Source contract: batches and offsets, resume by regeneration,
// end of input, backpressure (pause/resume), stop, handler failure, and wall-clock pacing
// (driven by fake timers, never real sleeps).

import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSimulation, SimulatorSource } from '../../src/sources/simulator/index.js';
import type { SourceBatch } from '../../src/sources/source.js';

const WORLD = { seed: 9, users: 100, items: 500 };
const fresh = () => undefined;

/** Lets queued promise callbacks and immediates run, without advancing any clock. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

afterEach(() => {
  vi.useRealTimers();
});

describe('SimulatorSource', () => {
  it('hands out object batches of consecutive offsets, each with the next offset to resume from', async () => {
    const source = new SimulatorSource({ ...WORLD, batchSize: 300, maxEvents: 1_000, invalidRate: 0.05 });
    expect(source.id).toBe('simulator:9');
    const batches: SourceBatch[] = [];
    await source.run(async (batch) => void batches.push(batch), fresh);

    expect(batches.map((batch) => batch.records.length)).toEqual([300, 300, 300, 100]);
    let expected = 0;
    for (const batch of batches) {
      expect(batch).toMatchObject({ source: 'simulator:9', partition: 0, format: 'object' });
      for (const record of batch.records) {
        expect(record.offset).toBe(String(expected++));
        // Malformed records have no value: the runtime must decode (and dead-letter) their raw text.
        if (record.value !== undefined) expect(JSON.parse(record.raw)).toEqual(record.value);
      }
      expect(batch.nextOffset).toBe(String(Number(batch.records[batch.records.length - 1].offset) + 1));
    }
    expect(batches.flatMap((batch) => batch.records).filter((record) => record.value === undefined).length).toBeGreaterThan(20);
  });

  it('hands out the same records as the simulation, in order', async () => {
    const options = { ...WORLD, maxEvents: 2_000, duplicateRate: 0.02, outOfOrderMs: 500 };
    const raws: string[] = [];
    await new SimulatorSource(options).run(async (batch) => void raws.push(...batch.records.map((r) => r.raw)), fresh);
    expect(raws).toEqual([...createSimulation(options)].map((record) => record.raw));
  });

  it('resumes from the committed offset, handing out nothing below it', async () => {
    const options = { ...WORLD, batchSize: 250, maxEvents: 3_000, duplicateRate: 0.02, invalidRate: 0.02 };
    const all: string[] = [];
    await new SimulatorSource(options).run(async (batch) => void all.push(...batch.records.map((r) => r.raw)), fresh);

    const asked: [string, number][] = [];
    const batches: SourceBatch[] = [];
    await new SimulatorSource(options).run(
      async (batch) => void batches.push(batch),
      (source, partition) => {
        asked.push([source, partition]);
        return '1234';
      },
    );
    expect(asked).toEqual([['simulator:9', 0]]);
    const records = batches.flatMap((batch) => batch.records);
    expect(records[0].offset).toBe('1234');
    expect(records.map((record) => record.raw)).toEqual(all.slice(1234));
    expect(batches[0].nextOffset).toBe('1484');
    expect(batches[batches.length - 1].nextOffset).toBe('3000');
  });

  it('hands out nothing when resumed at the end, and refuses an offset that is not a seq', async () => {
    const handler = vi.fn(async () => {});
    await new SimulatorSource({ ...WORLD, maxEvents: 100 }).run(handler, () => '100');
    expect(handler).not.toHaveBeenCalled();
    await expect(new SimulatorSource(WORLD).run(handler, () => 'abc')).rejects.toThrow(/abc/);
  });

  it('ends after `days` of simulated time', async () => {
    let last = 0;
    await new SimulatorSource({ ...WORLD, days: 0.5 }).run(async (batch) => {
      last = (batch.records[batch.records.length - 1].value as { time: number }).time;
    }, fresh);
    expect(last).toBeLessThan(Date.UTC(2026, 10, 2, 12));
    expect(last).toBeGreaterThan(Date.UTC(2026, 10, 2, 10));
  });

  it('holds back batches while paused, and carries on after resume', async () => {
    const source = new SimulatorSource({ ...WORLD, batchSize: 100, maxEvents: 500 });
    const offsets: string[] = [];
    const done = source.run(async (batch) => {
      offsets.push(batch.nextOffset);
      if (offsets.length === 2) source.pause();
    }, fresh);
    await settle();
    expect(offsets).toEqual(['100', '200']);
    await settle();
    expect(offsets).toEqual(['100', '200']);
    source.resume();
    await done;
    expect(offsets).toEqual(['100', '200', '300', '400', '500']);
  });

  it('stops after the batch in hand, even while paused', async () => {
    const source = new SimulatorSource({ ...WORLD, batchSize: 50 });
    let batches = 0;
    let stopped: Promise<void> | undefined;
    const done = source.run(async () => {
      batches++;
      if (batches === 3) stopped = source.stop();
    }, fresh);
    await done;
    await stopped;
    expect(batches).toBe(3);

    const paused = new SimulatorSource({ ...WORLD, batchSize: 50 });
    const run = paused.run(async () => paused.pause(), fresh);
    await settle();
    await paused.stop();
    await run;
  });

  it('rejects run with the handler error and can run again afterwards', async () => {
    const source = new SimulatorSource({ ...WORLD, maxEvents: 200, batchSize: 100 });
    await expect(source.run(async () => Promise.reject(new Error('commit failed')), fresh)).rejects.toThrow('commit failed');
    const counts: number[] = [];
    await source.run(async (batch) => void counts.push(batch.records.length), fresh);
    expect(counts).toEqual([100, 100]);
  });

  it('refuses a second concurrent run', async () => {
    const source = new SimulatorSource({ ...WORLD, batchSize: 10 });
    const first = source.run(async () => source.pause(), fresh);
    await expect(source.run(async () => {}, fresh)).rejects.toThrow(/already/);
    await source.stop();
    await first;
  });

  it('paces batches by the wall clock at ratePerSec', async () => {
    vi.useFakeTimers({ now: 0 });
    // 1,000 records/s is cut into batches of 100 (a tenth of a second each), not 500.
    const source = new SimulatorSource({ ...WORLD, ratePerSec: 1_000, batchSize: 500, maxEvents: 400, pacedBatchMs: 100 });
    const handedAt: [number, number][] = [];
    const done = source.run(async (batch) => void handedAt.push([Date.now(), batch.records.length]), fresh);
    await vi.advanceTimersByTimeAsync(0);
    expect(handedAt).toEqual([[0, 100]]);
    await vi.advanceTimersByTimeAsync(99);
    expect(handedAt).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(handedAt).toEqual([
      [0, 100],
      [100, 100],
    ]);
    await vi.advanceTimersByTimeAsync(300);
    await done;
    expect(handedAt.map(([time]) => time)).toEqual([0, 100, 200, 300]);
  });

  it('owes no burst after a pause, and makes up at most a second after a slow handler', async () => {
    vi.useFakeTimers({ now: 0 });
    const source = new SimulatorSource({ ...WORLD, ratePerSec: 1_000, maxEvents: 1_500, pacedBatchMs: 100 });
    const handedAt: number[] = [];
    const done = source.run(async () => {
      handedAt.push(Date.now());
      if (handedAt.length === 1) source.pause();
      // The third batch takes two seconds to commit.
      if (handedAt.length === 3) await new Promise((resolve) => setTimeout(resolve, 2_000));
    }, fresh);
    await vi.advanceTimersByTimeAsync(1_000);
    source.resume();
    await vi.advanceTimersByTimeAsync(10_000);
    await done;
    // Paused 0..1000, then on schedule; the stall ends at 3100, when the batch due then goes out
    // together with 1 s (10 batches) of the backlog; then the schedule resumes.
    expect(handedAt).toEqual([0, 1_000, 1_100, ...new Array(11).fill(3_100), 3_200]);
  });

  it('cuts a pacing delay short on stop', async () => {
    vi.useFakeTimers({ now: 0 });
    const source = new SimulatorSource({ ...WORLD, ratePerSec: 1, batchSize: 5 });
    const sizes: number[] = [];
    const done = source.run(async (batch) => void sizes.push(batch.records.length), fresh);
    await vi.advanceTimersByTimeAsync(0);
    // One record a second: a batch of one, then a one-second wait, which stop() does not sit out.
    expect(sizes).toEqual([1]);
    await source.stop();
    await done;
    expect(sizes).toEqual([1]);
  });

  it('rejects bad pacing options at construction', () => {
    expect(() => new SimulatorSource({ batchSize: 0 })).toThrow(/batchSize/);
    expect(() => new SimulatorSource({ ratePerSec: -1 })).toThrow(/ratePerSec/);
    expect(() => new SimulatorSource({ users: 0 })).toThrow(/users/);
  });
});

describe('SimulatorSource arrival times', () => {
  afterEach(() => vi.useRealTimers());

  it('stamps each paced record with its scheduled arrival, one every 1/rate s up to the hand-out', async () => {
    vi.useFakeTimers({ now: 10_000 });
    const source = new SimulatorSource({ ...WORLD, ratePerSec: 1_000, maxEvents: 40 });
    const batches: { at: number; arrivals: (number | undefined)[] }[] = [];
    const done = source.run(async (batch) => void batches.push({ at: Date.now(), arrivals: batch.records.map((r) => r.receivedAt) }), fresh);
    await vi.advanceTimersByTimeAsync(100);
    await done;
    // 20 ms batches at 1,000/s: 20 records each, the last arriving as the batch goes out.
    expect(batches.map((b) => b.arrivals.length)).toEqual([20, 20]);
    for (const { at, arrivals } of batches) {
      expect(arrivals.at(-1)).toBe(at);
      expect(arrivals[0]).toBe(at - 19);
    }
  });
});
