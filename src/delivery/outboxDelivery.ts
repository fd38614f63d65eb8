// Drains an outbox into a sink: oldest entries first, removed only after the sink acknowledged
// them (at least once; receivers drop repeats by idempotency key). A failing sink is retried
// with exponential backoff and jitter while the entries stay safely in LMDB.

import type { Outbox } from '../../state/outbox.js';
import type { Sink } from '../sinks/sink.js';
import { DeliveryLoop } from './deliveryLoop.js';

export interface OutboxDeliveryOptions<T> {
  batchSize: number;
  /** Idle poll interval when the outbox is empty and nobody called `wake()`. */
  idlePollMs?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  onDelivered?: (items: T[]) => void;
  onFailed?: (error: unknown, attempt: number, items: T[]) => void;
  random?: () => number;
}

export class OutboxDelivery<T> {
  private readonly loop = new DeliveryLoop(() => this.round());
  private failures = 0;

  constructor(
    private readonly outbox: Outbox<T>,
    private readonly sink: Sink<T>,
    private readonly options: OutboxDeliveryOptions<T>,
  ) {}

  start(): void {
    this.loop.start();
  }

  /** Tells the loop new entries were committed, so it need not wait for its poll. */
  wake(): void {
    this.loop.wake();
  }

  /** Delivers one batch; returns how many entries left the outbox. */
  async deliverOnce(): Promise<number> {
    const entries = this.outbox.peek(this.options.batchSize);
    if (entries.length === 0) return 0;
    const items = entries.map((entry) => entry.value);
    await this.sink.send(items);
    await this.outbox.remove(entries.map((entry) => entry.seq));
    this.options.onDelivered?.(items);
    return entries.length;
  }

  /** Delivers until the outbox is empty (used at shutdown and by tests). */
  async drain(): Promise<void> {
    while ((await this.deliverOnce()) > 0);
  }

  /** Stops after the send in hand; entries not yet acknowledged stay in the outbox. */
  async stop(): Promise<void> {
    await this.loop.stop();
  }

  /** One turn of the loop: a batch sent, or a backoff after a failure, or an idle wait. */
  private async round(): Promise<void> {
    const { idlePollMs = 200, initialBackoffMs = 100, maxBackoffMs = 30_000, random = Math.random } = this.options;
    let delivered = 0;
    try {
      delivered = await this.deliverOnce();
      this.failures = 0;
    } catch (error) {
      this.failures++;
      this.options.onFailed?.(error, this.failures, this.outbox.peek(this.options.batchSize).map((e) => e.value));
      // Full jitter: spreads retries of many processes so a recovering sink is not stampeded.
      const ceiling = Math.min(maxBackoffMs, initialBackoffMs * 2 ** (this.failures - 1));
      await this.loop.sleep(ceiling * random(), false);
      return;
    }
    if (delivered === 0) await this.loop.sleep(idlePollMs);
  }
}
