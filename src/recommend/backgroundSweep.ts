// Periodic full eALS sweeps that never stop the stream: a sweep updates a chunk of users (then
// of items), yields to the event loop so batches keep flowing, and goes on; online updates
// interleave with it, each keeping the shared caches right. At the end the caches are
// recomputed from the factors, dropping the rounding that rank-one updates gathered.

import type { EalsModel } from './ealsModel.js';

export interface BackgroundSweepOptions {
  /** Users or items per chunk. */
  chunkRows: number;
  /** Called after each full sweep with its wall-clock duration. */
  onSwept?: (seconds: number) => void;
  onError?: (error: unknown) => void;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class BackgroundSweep {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly model: EalsModel,
    private readonly options: BackgroundSweepOptions,
    private readonly pause: () => Promise<void> = yieldToEventLoop,
  ) {}

  /** Sweeps every `intervalMs` of wall-clock time; the timer does not keep the process alive. */
  start(intervalMs: number): this {
    this.timer = setInterval(() => {
      if (this.running === undefined) this.running = this.runOnce().finally(() => (this.running = undefined));
    }, intervalMs);
    this.timer.unref();
    return this;
  }

  /** One full sweep in chunks; resolves when done (or stopped). */
  async runOnce(): Promise<void> {
    const started = performance.now();
    const { chunkRows } = this.options;
    try {
      for (let from = 0; from < this.model.userCount && !this.stopped; from += chunkRows) {
        this.model.sweepUsers(from, from + chunkRows);
        await this.pause();
      }
      for (let from = 0; from < this.model.itemCount && !this.stopped; from += chunkRows) {
        this.model.sweepItems(from, from + chunkRows);
        await this.pause();
      }
      if (this.stopped) return;
      this.model.recomputeCaches();
      this.options.onSwept?.((performance.now() - started) / 1000);
    } catch (error) {
      this.options.onError?.(error);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.running;
  }
}
