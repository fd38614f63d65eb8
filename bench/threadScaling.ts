// `node dist/bench/threadScaling.js`: how much faster this machine does N copies of a fixed piece
// of work on N threads than one copy on one, in the same run. The decide shards' speedup is read
// against it: a shard can scale no better than the machine does. Two kinds of work:
// - compute: integer arithmetic in registers, no allocation (the cores' own scaling);
// - allocation: short-lived objects, strings and arrays, as a decision makes (the cores sharing
//   memory bandwidth and their garbage collectors' helper threads).

import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { epochNow, overallMs, runTogether, startTogether, type TimedSpan } from './threadsTogether.js';

type WorkKind = 'compute' | 'allocation';

const WORK: Record<WorkKind, { run: (n: number) => number; size: number }> = {
  compute: {
    run: (n) => {
      let x = 0;
      for (let i = 0; i < n; i++) x = (Math.imul(x, 1664525) + 1013904223 + i) >>> 0;
      return x;
    },
    size: 300_000_000,
  },
  allocation: {
    run: (n) => {
      let total = 0;
      for (let i = 0; i < n; i++) {
        const record = { id: i, key: `user-${i}`, parts: [i, i + 1] };
        total += record.parts.length + record.key.length;
      }
      return total;
    },
    size: 15_000_000,
  },
};

export interface ThreadScalingResult {
  threads: number;
  /** N threads' work over the span of their runs, against one thread's alone (N = perfect). */
  speedup: Record<WorkKind, number>;
}

/** Runs `threads` workers on `kind`, started together; resolves with the span from first start to last end, in ms. */
async function spanOf(kind: WorkKind, threads: number): Promise<number> {
  const workers = Array.from({ length: threads }, () => new Worker(new URL(import.meta.url), { workerData: { threadScaling: kind } }));
  return overallMs(await runTogether<TimedSpan>(workers));
}

export async function threadScaling(threads = 2): Promise<ThreadScalingResult> {
  const speedup = {} as Record<WorkKind, number>;
  for (const kind of Object.keys(WORK) as WorkKind[]) {
    // One then N, twice, keeping the better of each: the machine is shared.
    let one = Infinity;
    let many = Infinity;
    for (let round = 0; round < 2; round++) {
      one = Math.min(one, await spanOf(kind, 1));
      many = Math.min(many, await spanOf(kind, threads));
    }
    speedup[kind] = Math.round(((threads * one) / many) * 100) / 100;
  }
  return { threads, speedup };
}

// A worker started by `spanOf` carries its kind of work; this module imported anywhere else runs nothing.
const kind = isMainThread ? undefined : (workerData as { threadScaling?: WorkKind } | null)?.threadScaling;
if (kind !== undefined) {
  await startTogether();
  const start = epochNow();
  // The result goes back so that the loop's work is used and cannot be optimized away.
  const result = WORK[kind].run(WORK[kind].size);
  parentPort!.postMessage({ start, end: epochNow(), result });
} else if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await threadScaling(Number(process.argv[2] ?? 2)), null, 2));
}
