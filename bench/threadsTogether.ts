// Runs bench workers so that their timed loops start at the same moment, and measures them over
// the span from the first start to the last end. Each worker prepares, calls `startTogether()`
// (it says ready and waits), times its loop with `epochNow()` and posts a `TimedSpan`.

import { parentPort, type Worker } from 'node:worker_threads';

/** Epoch milliseconds, comparable across threads. */
export const epochNow = (): number => performance.timeOrigin + performance.now();

/** When a worker's loop started and ended (epoch ms). */
export interface TimedSpan {
  start: number;
  end: number;
}

function nextMessage<T>(worker: Worker): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

/** Waits until every worker is ready, starts them all, and resolves with each one's span (workers are then terminated). */
export async function runTogether<S extends TimedSpan>(workers: Worker[]): Promise<S[]> {
  await Promise.all(workers.map((worker) => nextMessage<'ready'>(worker)));
  const finished = workers.map((worker) => nextMessage<S>(worker));
  for (const worker of workers) worker.postMessage('go');
  const spans = await Promise.all(finished);
  await Promise.all(workers.map((worker) => worker.terminate()));
  return spans;
}

/** In a worker: says it is ready and waits for the start. */
export async function startTogether(): Promise<void> {
  parentPort!.postMessage('ready');
  await new Promise((resolve) => parentPort!.once('message', resolve));
}

/** Milliseconds from the first start to the last end. */
export function overallMs(spans: readonly TimedSpan[]): number {
  return Math.max(...spans.map((span) => span.end)) - Math.min(...spans.map((span) => span.start));
}
