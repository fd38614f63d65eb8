// Which sink delivers each channel: `sinks.routes` names one per channel (email to SMTP, push to
// the mobile-push adapter...), and every other channel goes to the default sink.

import type { Channel } from '../events/types.js';
import type { Notification, Sink } from '../sinks/sink.js';

export class SinkRouter {
  constructor(
    private readonly fallback: Sink<Notification>,
    private readonly byChannel: Partial<Record<Channel, Sink<Notification>>> = {},
  ) {}

  sinkFor(channel: Channel): Sink<Notification> {
    return this.byChannel[channel] ?? this.fallback;
  }

  /** Every distinct sink, once. */
  sinks(): Sink<Notification>[] {
    return [...new Set([this.fallback, ...Object.values(this.byChannel)])];
  }

  async close(): Promise<void> {
    for (const sink of this.sinks()) await sink.close();
  }
}
