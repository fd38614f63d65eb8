// What the sinks that send each notification on its own (webhook, push, SMS, email) share: up to
// `concurrency` sends at a time, a result per item for delivery's retries and fallbacks, and for
// plain `send` an error naming the sink when any item failed.

import { mapConcurrent, throwOnFailure } from './httpDelivery.js';
import type { ItemResult, Notification, PerItemSink } from './sink.js';

export abstract class OneByOneSink implements PerItemSink<Notification> {
  abstract readonly name: string;

  protected constructor(private readonly concurrency: number) {}

  /** Sends one notification; never throws for a delivery failure, it reports it. */
  protected abstract sendOne(notification: Notification): Promise<ItemResult>;

  sendEach(items: Notification[]): Promise<ItemResult[]> {
    return mapConcurrent(items, this.concurrency, (notification) => this.sendOne(notification));
  }

  async send(items: Notification[]): Promise<void> {
    throwOnFailure(this.name, await this.sendEach(items));
  }

  async close(): Promise<void> {}
}
