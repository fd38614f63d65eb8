// The simulator as a pushflow Source: the record stream cut into micro-batches, paced by the
// wall clock when asked to. Offsets are record seqs, so resuming means regenerating the same
// stream from the seed and handing out nothing below the committed offset: the simulator keeps
// no state of its own, yet recovers exactly like Kafka would.

import { createSimulation } from './simulation.js';
import { resolveSimulationOptions, type SimulationOptions } from './options.js';
import type { BatchHandler, RawRecord, ResumePosition, Source, SourceBatch } from '../source.js';

export interface SimulatorSourceOptions extends SimulationOptions {
  /** Records per second of wall-clock time; 0 or undefined runs as fast as the handler commits. */
  ratePerSec?: number;
  /** Most records per batch. Default 500. */
  batchSize?: number;
  /**
   * When paced, a batch holds at most this much wall time's worth of records (default 20 ms):
   * records wait in the batch that long at most, which bounds their event-to-decision latency.
   */
  pacedBatchMs?: number;
}

const PARTITION = 0;
/** When paced, a batch holds at most this much wall time's worth, so slow rates still trickle. */
const PACED_BATCH_MS = 20;
/** Behind schedule (slow handler), at most this much is made up for in a burst. */
const MAX_CATCH_UP_MS = 1_000;
const SKIP_CHUNK = 100_000;

export class SimulatorSource implements Source {
  readonly id: string;
  private readonly options: SimulatorSourceOptions;
  private readonly batchSize: number;
  private readonly ratePerSec: number;
  private running = false;
  private stopRequested = false;
  private paused = false;
  /** Told about every resume() and stop(), by whatever `run` is waiting on (a pause or a pacing delay). */
  private wake: (() => void) | undefined;
  private finished: Promise<void> = Promise.resolve();

  constructor(options: SimulatorSourceOptions = {}) {
    // Fail at construction, not at the first run, on bad simulation options.
    const { seed } = resolveSimulationOptions(options);
    this.options = options;
    this.id = `simulator:${seed}`;
    this.batchSize = options.batchSize ?? 500;
    this.ratePerSec = options.ratePerSec ?? 0;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) {
      throw new RangeError(`simulator: batchSize must be a positive integer, got ${this.batchSize}`);
    }
    if (!(this.ratePerSec >= 0) || !Number.isFinite(this.ratePerSec)) {
      throw new RangeError(`simulator: ratePerSec must be a finite number >= 0, got ${this.ratePerSec}`);
    }
  }

  run(handler: BatchHandler, resumeFrom: ResumePosition): Promise<void> {
    if (this.running) return Promise.reject(new Error(`${this.id}: run() is already in progress`));
    this.running = true;
    const done = this.produce(handler, resumeFrom).finally(() => {
      this.running = false;
      this.stopRequested = false;
    });
    this.finished = done.then(
      () => undefined,
      () => undefined,
    );
    return done;
  }

  stop(): Promise<void> {
    if (!this.running) return Promise.resolve();
    this.stopRequested = true;
    this.wakeUp();
    return this.finished;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.wakeUp();
  }

  private async produce(handler: BatchHandler, resumeFrom: ResumePosition): Promise<void> {
    const from = parseOffset(this.id, resumeFrom(this.id, PARTITION));
    const simulation = createSimulation(this.options);
    // Regenerating up to the offset can take seconds; yield now and then so the process stays responsive.
    for (let skipped = 0; skipped < from && !this.stopRequested; ) {
      const passed = simulation.skip(Math.min(SKIP_CHUNK, from - skipped));
      if (passed === 0) break;
      skipped += passed;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const paced = this.ratePerSec > 0;
    const batchLimit = paced
      ? Math.max(1, Math.min(this.batchSize, Math.floor((this.ratePerSec * (this.options.pacedBatchMs ?? PACED_BATCH_MS)) / 1000)))
      : this.batchSize;
    /** Wall time at which the next batch is due, when paced. */
    let due = Date.now();

    while (!this.stopRequested) {
      if (this.paused) {
        while (this.paused && !this.stopRequested) await this.nextStateChange();
        // Backpressure is not owed a burst afterwards.
        due = Math.max(due, Date.now());
      }
      if (this.stopRequested) break;

      const records: RawRecord[] = [];
      let lastSeq = -1;
      for (let record = simulation.next(); record !== undefined; record = simulation.next()) {
        records.push({ raw: record.raw, value: record.event, offset: String(record.seq) });
        lastSeq = record.seq;
        if (records.length === batchLimit) break;
      }
      if (records.length === 0) break;
      if (paced) {
        // The batch stands for the records that arrived, one every 1/rate s, until it was due.
        const gap = 1000 / this.ratePerSec;
        const handedOut = Math.max(due, Date.now());
        for (let i = 0; i < records.length; i++) records[i].receivedAt = handedOut - (records.length - 1 - i) * gap;
      }
      const batch: SourceBatch = {
        source: this.id,
        partition: PARTITION,
        format: 'object',
        records,
        nextOffset: String(lastSeq + 1),
      };
      await handler(batch);

      if (paced) {
        // Keep to the schedule, so that handler time is not added to every gap; but a long stall
        // is not made up for with a flood.
        const now = Date.now();
        due = Math.max(due + (records.length * 1000) / this.ratePerSec, now - MAX_CATCH_UP_MS);
        if (due > now && !this.stopRequested) await this.sleep(due - now);
      }
    }
  }

  /** A setTimeout that `stop()` cuts short; `pause()` takes effect after it. */
  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        if (!this.stopRequested) return;
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }

  private nextStateChange(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.wake = () => {
        this.wake = undefined;
        resolve();
      };
    });
  }

  private wakeUp(): void {
    this.wake?.();
  }
}

function parseOffset(source: string, offset: string | undefined): number {
  if (offset === undefined) return 0;
  if (!/^\d{1,15}$/.test(offset)) throw new Error(`${source}: cannot resume from offset "${offset}"`);
  return Number(offset);
}
