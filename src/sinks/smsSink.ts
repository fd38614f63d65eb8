// SMS provider adapter: each text is POSTed as JSON `{to, from, text, reference, encoding}` to
// the configured endpoint with a bearer token from the environment and an `Idempotency-Key`
// header (providers that honour it drop a resend). The text was already fitted to one SMS by
// the composer (GSM-7 or UCS-2). A notification with no phone number fails permanently.

import { mapConcurrent, postForResult, secretFromEnv, throwOnFailure } from './httpDelivery.js';
import { isGsm7 } from '../compose/channelLimits.js';
import type { ItemResult, Notification, PerItemSink } from './sink.js';

export interface SmsSinkOptions {
  url: string;
  tokenEnv: string;
  sender: string;
  timeoutMs: number;
  concurrency: number;
  env?: NodeJS.ProcessEnv;
}

export class SmsSink implements PerItemSink<Notification> {
  readonly name = 'sms';
  private readonly token: string | undefined;

  constructor(private readonly options: SmsSinkOptions) {
    this.token = secretFromEnv(options.tokenEnv, options.env);
  }

  sendEach(items: Notification[]): Promise<ItemResult[]> {
    return mapConcurrent(items, this.options.concurrency, async (notification): Promise<ItemResult> => {
      if (notification.to === undefined) return { ok: false, permanent: true, error: 'no_address' };
      const body = JSON.stringify({
        to: notification.to,
        from: this.options.sender,
        text: notification.body,
        encoding: isGsm7(notification.body) ? 'GSM-7' : 'UCS-2',
        reference: notification.id,
      });
      const headers: Record<string, string> = { 'content-type': 'application/json', 'idempotency-key': notification.id };
      if (this.token !== undefined) headers.authorization = `Bearer ${this.token}`;
      return postForResult({ url: this.options.url, headers, body, timeoutMs: this.options.timeoutMs });
    });
  }

  async send(items: Notification[]): Promise<void> {
    throwOnFailure(this.name, await this.sendEach(items));
  }

  async close(): Promise<void> {}
}
