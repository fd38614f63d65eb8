// The simulator's record stream: the world's events in order, plus the imperfections of real
// transports layered on top when asked for (bounded lateness, re-sends, malformed records).
// Noise draws from its own random stream, so turning it on never changes what the world does:
// the same events, with the same ids, still happen.

import { malformedRecord, type MalformedKind } from './malformedRecords.js';
import { resolveSimulationOptions, type ResolvedSimulationOptions, type SimulationOptions } from './options.js';
import { Random } from './random.js';
import { World } from './world.js';
import type { PushflowEvent } from '../../events/types.js';

const STREAM_NOISE = 3;
/** Re-sends come from this many most recent events: retries happen soon after the original. */
const RECENT_EVENTS = 64;

export type InjectedFault = 'duplicate' | MalformedKind;

export interface SimulatedRecord {
  /** Position in the stream, from 0; every record counts, injected or not. */
  seq: number;
  /** The event; undefined for malformed records. A fresh object for duplicates. */
  event?: PushflowEvent;
  /** JSON text of the event, or the malformed text. */
  raw: string;
  /** Why this record is not a plain new event, when it was injected by the noise options. */
  injected?: InjectedFault;
}

export interface Simulation extends Iterable<SimulatedRecord> {
  readonly options: ResolvedSimulationOptions;
  /** Seq of the record `next()` returns next. */
  readonly nextSeq: number;
  /** The next record, or undefined once `days` or `maxEvents` is reached (never, without them). */
  next(): SimulatedRecord | undefined;
  /** Moves past up to `count` records without building their text; returns how many it passed. */
  skip(count: number): number;
}

export function createSimulation(options: SimulationOptions = {}): Simulation {
  return new RecordStream(resolveSimulationOptions(options));
}

class RecordStream implements Simulation {
  readonly options: ResolvedSimulationOptions;
  private readonly world: World;
  private readonly noise: Random;
  private seq = 0;
  /** The world's next event, already jittered, not yet handed out; malformed text mimics it. */
  private pending: PushflowEvent | undefined;
  private pendingRaw: string | undefined;
  private readonly recentEvents: PushflowEvent[] = [];
  /** Text as handed out; undefined for events passed by `skip`, which nobody saw (or mutated). */
  private readonly recentRaws: (string | undefined)[] = [];
  private recentCount = 0;

  constructor(options: ResolvedSimulationOptions) {
    this.options = options;
    this.world = new World(options);
    this.noise = new Random(options.seed, STREAM_NOISE);
  }

  get nextSeq(): number {
    return this.seq;
  }

  next(): SimulatedRecord | undefined {
    return this.produce(true);
  }

  skip(count: number): number {
    let skipped = 0;
    while (skipped < count && this.produce(false) !== undefined) skipped++;
    return skipped;
  }

  *[Symbol.iterator](): Iterator<SimulatedRecord> {
    for (let record = this.next(); record !== undefined; record = this.next()) yield record;
  }

  /** Every call draws the same random numbers whether or not `wantText`, so skipping stays in step. */
  private produce(wantText: boolean): SimulatedRecord | undefined {
    const { maxEvents, outOfOrderMs, duplicateRate, invalidRate } = this.options;
    if (this.seq >= maxEvents) return undefined;
    let event = this.pending;
    if (event === undefined) {
      event = this.world.next();
      if (event === undefined) return undefined;
      if (outOfOrderMs > 0) event.time -= this.noise.int(outOfOrderMs + 1);
      this.pending = event;
      this.pendingRaw = undefined;
    }
    const seq = this.seq++;

    const roll = duplicateRate > 0 || invalidRate > 0 ? this.noise.next() : 1;
    if (roll < invalidRate) {
      const pending = event;
      const sampleRaw = () => (this.pendingRaw ??= JSON.stringify(pending));
      const id = `sim-${this.options.seed}-invalid-${seq}`;
      const malformed = malformedRecord(this.noise, id, event.time, sampleRaw, this.options.items, wantText);
      return { seq, raw: malformed.raw, injected: malformed.kind };
    }
    if (roll < invalidRate + duplicateRate && this.recentCount > 0) {
      const slot = this.noise.int(Math.min(this.recentCount, RECENT_EVENTS));
      if (!wantText) return { seq, raw: '', injected: 'duplicate' };
      const raw = (this.recentRaws[slot] ??= JSON.stringify(this.recentEvents[slot]));
      return { seq, event: JSON.parse(raw) as PushflowEvent, raw, injected: 'duplicate' };
    }

    const raw = wantText ? (this.pendingRaw ?? JSON.stringify(event)) : undefined;
    this.pending = undefined;
    const slot = this.recentCount++ % RECENT_EVENTS;
    this.recentEvents[slot] = event;
    this.recentRaws[slot] = raw;
    return { seq, event, raw: raw ?? '' };
  }
}
