// `node dist/bench/decideStages.js`: where the decide bench's time goes, stage by stage, measured
// inside the real loop (the same workload as decideBench.ts, one round). A profile samples
// functions; this times the engine's own calls to each stage, with the reads and writes each one
// makes, so that the stages add up to the loop:
//   policy        the chain's rules (and their reads), counting a dispatch against the caps,
//                 holding a message and taking the due holds back;
//   rendering     the copy, the bandit's choice of variant included;
//   learning      the feedback ledger's record of a queued notification, its experiment arms;
//   outbox        the outbox entry;
//   decision log  the log's entries and its record per batch;
//   rest          the loop minus the above: notification ids and the issued-id set, user and
//                 item reads, the engine's glue, the write-behind flushes and the commits.
// A stopwatch around a call costs well under a microsecond; with about six per candidate, the
// timed round runs a few percent slower than an untimed one.

import { Outbox } from '../state/outbox.js';
import type { Notification } from '../src/sinks/sink.js';
import { BENCH_CANDIDATES, closeWorkload, decideLoop, decideWorkload } from './decideBench.js';

export interface DecideStages {
  candidates: number;
  candidatesPerSec: number;
  /** Microseconds per candidate, by stage; they add up to the loop's time per candidate. */
  microsPerCandidate: Record<string, number>;
}

class StageClock {
  readonly millis = new Map<string, number>();

  /** Times every call of `object[method]` under `stage` (a property on the instance, over the class's method). */
  time<T extends object>(stage: string, object: T, method: keyof T & string): void {
    const original = object[method] as unknown as (...args: unknown[]) => unknown;
    const clock = this.millis;
    Object.defineProperty(object, method, {
      configurable: true,
      value(this: T, ...args: unknown[]) {
        const started = performance.now();
        try {
          return original.apply(this, args);
        } finally {
          clock.set(stage, (clock.get(stage) ?? 0) + performance.now() - started);
        }
      },
    });
  }
}

export async function decideStages(candidates = BENCH_CANDIDATES): Promise<DecideStages> {
  const workload = decideWorkload(candidates, 0, true);
  const { engine, store } = workload;
  const outbox = new Outbox<Notification>(store, 'bench:engine-outbox');
  const clock = new StageClock();
  clock.time('policy', engine.chain, 'apply');
  clock.time('policy', engine.caps, 'increment');
  clock.time('policy', engine.scheduled, 'schedule');
  clock.time('policy', engine.scheduled, 'takeDue');
  clock.time('rendering', engine.composer, 'render');
  clock.time('learning', engine.learning, 'recordQueued');
  clock.time('outbox', outbox, 'add');
  clock.time('decision log', engine.log, 'append');
  clock.time('decision log', engine.log, 'flush');
  const started = performance.now();
  decideLoop(workload, outbox);
  const loopMillis = performance.now() - started;
  await closeWorkload(workload);
  const micros = (ms: number) => Number(((ms * 1000) / candidates).toFixed(1));
  const microsPerCandidate: Record<string, number> = {};
  let staged = 0;
  for (const [stage, ms] of clock.millis) {
    microsPerCandidate[stage] = micros(ms);
    staged += ms;
  }
  microsPerCandidate.rest = micros(loopMillis - staged);
  microsPerCandidate.total = micros(loopMillis);
  return { candidates, candidatesPerSec: Math.round(candidates / (loopMillis / 1000)), microsPerCandidate };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await decideStages(), null, 2));
}
